package feedback

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"
)

// Errors of [ParseBounce].
var (
	// ErrNotBounce: the message does not say that delivery failed.
	ErrNotBounce = errors.New("feedback: not a bounce")
	// ErrTooLarge: the message is over [MaxMessageSize].
	ErrTooLarge = errors.New("feedback: message too large")
)

// MaxMessageSize bounds what ParseBounce reads: a bounce with the original
// message attached is rarely above a few megabytes.
const MaxMessageSize = 16 << 20

// maxParts bounds the MIME parts read at each level.
const maxParts = 32

// Bounce is what a returned message says: who reported it, and each
// recipient it failed for.
type Bounce struct {
	// ReportingMTA is the server that wrote the bounce ("dns;
	// smtp1.vendor.example" becomes "smtp1.vendor.example"): for a bounce
	// of mail refused during delivery, the vendor's own sending server.
	ReportingMTA string
	Recipients   []Recipient
	// OriginalFrom and OriginalSubject come from the returned message's
	// headers, when the bounce includes them.
	OriginalFrom    string
	OriginalSubject string
}

// Recipient is one recipient a bounce reports.
type Recipient struct {
	Address    string
	Action     string // failed, delayed, ... (RFC 3464); "failed" for text bounces
	Status     string // the enhanced status code, "5.7.26"
	StatusText string // the status code in words (RFC 3463)
	// Diagnostic is the receiver's own words, as quoted in the bounce.
	Diagnostic string
	RemoteMTA  string
	Class      Class
	Mechanism  Mechanism // for an authentication failure: which one
	List       string    // for a reputation failure: the list named, when the text says
	// Advice says what to do about it; for an authentication failure, see
	// [Diagnose] for the DNS fix.
	Advice string
}

// advice says what to do about a class of failure.
func advice(r Recipient) string {
	switch r.Class {
	case ClassAuthentication:
		return "check the sender's domain (" + strings.ToUpper(string(r.Mechanism)) + " failed) and make the DNS changes of its plan"
	case ClassReputation:
		list := "a blocklist"
		if r.List != "" {
			list = r.List
		}
		return "find out why the sending address is on " + list + ", fix the cause, and request removal; nothing to change in the customer's DNS"
	case ClassMailbox:
		return "the recipient address is wrong, full or disabled: correct it or remove it from the list; nothing to change in DNS"
	case ClassPolicy:
		return "the receiver refused the message by its own rules: read its words above; nothing to change in DNS unless they name SPF, DKIM or DMARC"
	case ClassTemporary:
		return "nothing to do yet: the sending server tries again"
	}
	return "read the receiver's words above"
}

// ParseBounce reads a returned message: an RFC 3464 delivery status
// notification (multipart/report with a message/delivery-status part), or
// the plain-text bounces of MTAs and providers that send none (the lines
// holding the SMTP reply are found and read). Each failed or delayed
// recipient is classified. It reads at most [MaxMessageSize] bytes and
// [maxParts] MIME parts per level, nested one level at most.
func ParseBounce(r io.Reader) (*Bounce, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxMessageSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxMessageSize {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, MaxMessageSize)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotBounce, err)
	}
	b := &Bounce{}
	var text strings.Builder
	mediaType, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if strings.HasPrefix(mediaType, "multipart/") {
		readParts(b, &text, msg.Body, params["boundary"], 1)
	} else {
		body, _ := io.ReadAll(msg.Body)
		text.Write(decodeBody(body, msg.Header.Get("Content-Transfer-Encoding")))
	}
	if len(b.Recipients) == 0 {
		b.Recipients = fromText(text.String())
	}
	if len(b.Recipients) == 0 {
		return nil, fmt.Errorf("%w: no failed recipient found", ErrNotBounce)
	}
	for i := range b.Recipients {
		rc := &b.Recipients[i]
		if rc.Status == "" {
			if m := statusRe.FindStringSubmatch(rc.Diagnostic); m != nil {
				rc.Status = m[1] + "." + m[2] + "." + m[3]
			}
		}
		rc.StatusText = StatusText(rc.Status)
		rc.Class, rc.Mechanism, rc.List = classify(rc.Status, rc.Diagnostic, rc.Action)
		rc.Advice = advice(*rc)
	}
	return b, nil
}

// readParts reads the parts of a multipart body: the delivery-status part,
// the original message's headers, and the text parts (for text bounces).
func readParts(b *Bounce, text *strings.Builder, body io.Reader, boundary string, depth int) {
	if boundary == "" {
		return
	}
	mr := multipart.NewReader(body, boundary)
	for n := 0; n < maxParts; n++ {
		p, err := mr.NextPart()
		if err != nil {
			return
		}
		ct, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		raw, _ := io.ReadAll(p)
		raw = decodeBody(raw, p.Header.Get("Content-Transfer-Encoding"))
		switch {
		case ct == "message/delivery-status" || ct == "message/global-delivery-status":
			readDeliveryStatus(b, raw)
		case ct == "text/rfc822-headers" || ct == "message/rfc822" || ct == "message/global" || ct == "message/global-headers":
			if m, err := mail.ReadMessage(bytes.NewReader(append(raw, '\n', '\n'))); err == nil {
				b.OriginalFrom, b.OriginalSubject = m.Header.Get("From"), m.Header.Get("Subject")
			}
		case strings.HasPrefix(ct, "multipart/") && depth < 2:
			readParts(b, text, bytes.NewReader(raw), params["boundary"], depth+1)
		case strings.HasPrefix(ct, "text/") || ct == "":
			text.Write(raw)
			text.WriteByte('\n')
		}
	}
}

// readDeliveryStatus reads a message/delivery-status body (RFC 3464,
// Section 2.1): per-message fields, then one block per recipient.
func readDeliveryStatus(b *Bounce, raw []byte) {
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw)))
	first := true
	for n := 0; n <= maxParts; n++ {
		h, err := tp.ReadMIMEHeader()
		if len(h) > 0 {
			if first {
				b.ReportingMTA = fieldValue(h.Get("Reporting-Mta"))
				first = false
				if h.Get("Final-Recipient") == "" && h.Get("Original-Recipient") == "" {
					if err != nil {
						return
					}
					continue
				}
			}
			addr := fieldValue(h.Get("Final-Recipient"))
			if addr == "" {
				addr = fieldValue(h.Get("Original-Recipient"))
			}
			action := strings.ToLower(strings.TrimSpace(h.Get("Action")))
			if addr != "" && action != "delivered" && action != "relayed" && action != "expanded" {
				b.Recipients = append(b.Recipients, Recipient{Address: addr, Action: action,
					Status: strings.TrimSpace(h.Get("Status")), Diagnostic: fieldValue(h.Get("Diagnostic-Code")),
					RemoteMTA: fieldValue(h.Get("Remote-Mta"))})
			}
		}
		if err != nil {
			return
		}
	}
}

// fieldValue drops the type of a typed field ("rfc822; a@b" -> "a@b",
// "smtp; 550 ..." -> "550 ...") and unfolds it.
func fieldValue(v string) string {
	if i := strings.IndexByte(v, ';'); i >= 0 && i < 16 {
		v = v[i+1:]
	}
	return strings.Join(strings.Fields(v), " ")
}

func decodeBody(raw []byte, encoding string) []byte {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		if out, err := io.ReadAll(quotedPrintable(raw)); err == nil {
			return out
		}
	case "base64":
		if out, err := decodeBase64(raw); err == nil {
			return out
		}
	}
	return raw
}

var (
	addrRe     = regexp.MustCompile(`<?([A-Za-z0-9._%+\-=]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})>?`)
	replyLine  = regexp.MustCompile(`(?m)^.*\b[45]\d\d[ \-][245]\.\d{1,3}\.\d{1,3}\b.*$|^.*\b[45]\d\d[ \-].{10,}$`)
	remoteHost = regexp.MustCompile(`\bhost ([A-Za-z0-9.\-]+)`)
)

// fromText finds failed recipients in a bounce without a delivery-status
// part: each line holding an SMTP reply (with its continuation lines) is a
// diagnostic, and the address nearest before it the recipient. Postfix
// ("<a@b>: host mx[...] said: 550 5.7.26 ..."), Exim ("SMTP error from
// remote mail server after end of data: 550 ..."), Gmail ("The response
// from the remote server was: 550 5.7.26 ...") and Microsoft ("Remote
// server returned '550 5.7.509 ...'") all read this way.
func fromText(text string) []Recipient {
	var out []Recipient
	seen := map[string]bool{}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	lastAddr, lastHost := "", ""
	for i := 0; i < len(lines) && len(out) < maxParts; i++ {
		line := strings.TrimSpace(lines[i])
		if m := addrRe.FindStringSubmatch(line); m != nil && !replyLine.MatchString(line) {
			lastAddr = m[1]
		}
		if m := remoteHost.FindStringSubmatch(line); m != nil {
			lastHost = m[1]
		}
		if !replyLine.MatchString(line) || !replyRe.MatchString(line) {
			continue
		}
		diag := line
		// Continuation lines: indented, or the reply's own "550-" form.
		for i+1 < len(lines) {
			next := lines[i+1]
			t := strings.TrimSpace(next)
			if t == "" || !(strings.HasPrefix(next, " ") || strings.HasPrefix(next, "\t") || replyRe.MatchString(t) && strings.HasPrefix(t, diag[:min(3, len(diag))])) {
				break
			}
			diag += " " + t
			i++
		}
		// The address may stand on the reply's own line (Postfix).
		if m := addrRe.FindStringSubmatch(line); m != nil && strings.Index(line, m[0]) < strings.IndexAny(line, "45") {
			lastAddr = m[1]
		}
		if lastAddr == "" || seen[lastAddr] {
			continue
		}
		seen[lastAddr] = true
		out = append(out, Recipient{Address: lastAddr, Action: "failed", Diagnostic: cleanDiagnostic(diag), RemoteMTA: lastHost})
	}
	return out
}

// cleanDiagnostic keeps the receiver's words: from the reply code on,
// without the MTA's quotes around it.
func cleanDiagnostic(s string) string {
	if loc := replyRe.FindStringIndex(s); loc != nil {
		s = s[loc[0]:]
	}
	s = strings.TrimRight(s, "'\") ")
	return strings.Join(strings.Fields(s), " ")
}
