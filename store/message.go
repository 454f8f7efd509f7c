package store

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"path"
	"strings"

	"github.com/domainauth/domainauth/feedback"
)

// Bounds of a message searched for reports.
const (
	// MaxMessageSize bounds one message as read: a message with several
	// reports of feedback.MaxReportSize each is not sent.
	MaxMessageSize = 2 * feedback.MaxReportSize
	// MaxMessageParts bounds the MIME parts looked at in one message.
	MaxMessageParts = 100
	// MaxMessageDepth bounds how deep multiparts and attached messages
	// nest.
	MaxMessageDepth = 8
)

// errNoReport: a message holds nothing that looks like a report.
var errNoReport = errors.New("no aggregate report in the message (no XML, zip or gzip part)")

// reportParts finds the reports in a message the way receivers send them:
// an attachment or the body itself, as text/xml, application/xml,
// application/zip, application/gzip, application/x-zip-compressed,
// application/octet-stream or any other type whose name ends in .xml,
// .zip, .gz or whose bytes start like XML, zip or gzip. The message is read
// once, streaming: each report is given to found as it is met (name is
// the attachment's file name, or the part's content type), to be read
// before the walk goes on. It returns errNoReport when it met none, or
// the first error of found.
func reportParts(r io.Reader, found func(name string, body io.Reader) error) error {
	msg, err := mail.ReadMessage(bufio.NewReader(io.LimitReader(r, MaxMessageSize)))
	if err != nil {
		return fmt.Errorf("not a message: %w", err)
	}
	w := &walker{found: found}
	w.walk(textproto.MIMEHeader(msg.Header), msg.Body, 0)
	if w.err != nil {
		return w.err
	}
	_, _ = io.Copy(io.Discard, msg.Body)
	if w.parts == 0 {
		return errNoReport
	}
	return nil
}

type walker struct {
	found func(name string, body io.Reader) error
	parts int
	seen  int
	err   error
}

func (w *walker) walk(h textproto.MIMEHeader, body io.Reader, depth int) {
	w.seen++
	if w.err != nil || w.seen > MaxMessageParts || depth > MaxMessageDepth {
		return
	}
	ct, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		ct, params = "text/plain", nil
	}
	switch {
	case strings.HasPrefix(ct, "multipart/"):
		if params["boundary"] == "" {
			return
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return
			}
			w.walk(p.Header, p, depth+1)
			if w.err != nil || w.seen > MaxMessageParts {
				return
			}
		}
	case ct == "message/rfc822":
		inner, err := mail.ReadMessage(bufio.NewReader(decode(h, body)))
		if err == nil {
			w.walk(textproto.MIMEHeader(inner.Header), inner.Body, depth+1)
		}
		return
	}
	name := fileName(h, params)
	br := bufio.NewReader(decode(h, body))
	head, _ := br.Peek(512)
	if !looksLikeReport(ct, name, head) {
		return
	}
	if name == "" {
		name = ct
	}
	w.parts++
	w.err = w.found(name, br)
}

// fileName is a part's attachment name, from Content-Disposition's
// filename or Content-Type's name.
func fileName(h textproto.MIMEHeader, ctParams map[string]string) string {
	if _, p, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil && p["filename"] != "" {
		return path.Base(p["filename"])
	}
	if ctParams["name"] != "" {
		return path.Base(ctParams["name"])
	}
	return ""
}

// decode undoes a part's Content-Transfer-Encoding.
func decode(h textproto.MIMEHeader, body io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &base64Clean{r: body})
	case "quoted-printable":
		return quotedprintable.NewReader(body)
	}
	return body
}

// base64Clean drops what is not base64 (line breaks, spaces) before the
// decoder sees it, as mail readers do.
type base64Clean struct{ r io.Reader }

func (c *base64Clean) Read(p []byte) (int, error) {
	for {
		n, err := c.r.Read(p)
		j := 0
		for _, b := range p[:n] {
			if b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '+' || b == '/' || b == '=' {
				p[j] = b
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

// reportTypes are the content types receivers send reports as.
var reportTypes = map[string]bool{
	"text/xml": true, "application/xml": true,
	"application/zip": true, "application/x-zip-compressed": true, "application/x-zip": true,
	"application/gzip": true, "application/x-gzip": true, "application/x-gzip-compressed": true,
}

// looksLikeReport says whether a part is a report's candidate: by its
// type, its name, or its first bytes (zip, gzip, XML).
func looksLikeReport(ct, name string, head []byte) bool {
	n := strings.ToLower(name)
	switch {
	case reportTypes[ct]:
		return true
	case strings.HasSuffix(n, ".xml"), strings.HasSuffix(n, ".zip"), strings.HasSuffix(n, ".gz"):
		return true
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}), bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return true
	}
	t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	return bytes.HasPrefix(t, []byte("<?xml")) || bytes.Contains(head, []byte("<feedback"))
}
