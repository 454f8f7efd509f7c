package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/domainauth/domainauth/feedback"
	"golang.org/x/text/encoding/charmap"
)

// ReadReport reads one report held in memory (XML, gzip or zip, at most
// feedback.MaxReportSize bytes), for [Store.AddReport]: strictly first,
// then, when that fails, leniently (see the package doc). The [Ingester]
// does not hold a report: it streams it ([Batch.ReadReport]). It returns
// the report, or nil with the reason it could not be read; Status says
// which reader read it and Reason what was mended.
func ReadReport(raw []byte) *Received {
	rc := &Received{Raw: raw, Status: StatusOK}
	rep, err := feedback.ParseAggregateReport(bytes.NewReader(raw))
	if err == nil {
		rc.Report = rep
		return rc
	}
	rc.Status, rc.Reason = StatusUnreadable, err.Error()
	if errors.Is(err, feedback.ErrReportTooLarge) {
		return rc
	}
	xml, err2 := decompress(raw)
	if err2 != nil {
		if errors.Is(err2, feedback.ErrReportTooLarge) {
			rc.Reason = err2.Error()
		}
		return rc
	}
	fixed, mended := mend(xml)
	if len(mended) == 0 {
		return rc
	}
	rep, err2 = feedback.ParseAggregateReport(bytes.NewReader(fixed))
	if err2 != nil {
		return rc
	}
	rc.Report, rc.Status, rc.Reason = rep, StatusRecovered, "read leniently: "+strings.Join(mended, "; ")
	return rc
}

// decompress returns a report's XML: raw itself, or what a gzip or zip
// file holds, at most feedback.MaxReportSize bytes.
func decompress(raw []byte) ([]byte, error) {
	x, done, err := openXML(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	defer done()
	b, err := io.ReadAll(io.LimitReader(x, feedback.MaxReportSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > feedback.MaxReportSize {
		return nil, fmt.Errorf("%w: over %d bytes once decompressed", feedback.ErrReportTooLarge, feedback.MaxReportSize)
	}
	return b, nil
}

var (
	xmlDecl      = regexp.MustCompile(`^\s*<\?xml[^>]*?\?>`)
	latin1Decl   = regexp.MustCompile(`(?i)encoding\s*=\s*["'](iso-8859-1|latin-?1|windows-1252|cp1252|us-ascii)["']`)
	anyEncoding  = regexp.MustCompile(`(?i)\sencoding\s*=\s*["'][^"']*["']`)
	feedbackOpen = regexp.MustCompile(`<feedback[\s>/]`)
	bracketEmail = regexp.MustCompile(`<email>\s*<([^<>]*)>\s*</email>`)
	bareAmp      = regexp.MustCompile(`&([^#a-zA-Z]|#[^0-9x]|[a-zA-Z][a-zA-Z0-9]*[^a-zA-Z0-9;]|$)`)
)

// mend repairs what real reports get wrong, and says what it mended: a
// Latin-1 encoding, invalid UTF-8, a byte-order mark, an element wrapped
// around <feedback>, an address in angle brackets in <email>, a bare "&".
func mend(b []byte) ([]byte, []string) {
	var mended []string
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if d := xmlDecl.Find(b); d != nil {
		decl := d
		if latin1Decl.Match(decl) && !utf8.Valid(b) {
			if u, err := charmap.Windows1252.NewDecoder().Bytes(b); err == nil {
				b, mended = u, append(mended, "Latin-1 text converted to UTF-8")
			}
		}
		// The text is UTF-8 from here on, whatever the declaration said.
		if enc := anyEncoding.Find(decl); enc != nil && !bytes.Contains(bytes.ToLower(enc), []byte("utf-8")) {
			d := xmlDecl.Find(b)
			b = append(anyEncoding.ReplaceAll(d, nil), b[len(d):]...)
			mended = append(mended, "the declared encoding ("+strings.TrimSpace(string(enc))+") read as UTF-8")
		}
	}
	if !utf8.Valid(b) {
		b, mended = bytes.ToValidUTF8(b, []byte("\uFFFD")), append(mended, "invalid UTF-8 replaced")
	}
	if loc := feedbackOpen.FindIndex(b); loc != nil {
		prolog := b[:loc[0]]
		if d := xmlDecl.Find(prolog); d != nil {
			prolog = prolog[len(d):]
		}
		if hasElement(prolog) {
			end := bytes.LastIndex(b, []byte("</feedback>"))
			if end > loc[0] {
				b, mended = b[loc[0]:end+len("</feedback>")], append(mended, "an element wrapped around <feedback> removed")
			}
		}
	}
	if bracketEmail.Match(b) {
		b, mended = bracketEmail.ReplaceAll(b, []byte("<email>$1</email>")), append(mended, "angle brackets around the address in <email> removed")
	}
	if bareAmp.Match(b) {
		b, mended = bareAmp.ReplaceAll(b, []byte("&amp;$1")), append(mended, `a bare "&" escaped`)
	}
	return b, mended
}

// hasElement reports whether a prolog holds an element's start tag (not
// only comments, processing instructions or a doctype).
func hasElement(p []byte) bool {
	for i := 0; i+1 < len(p); i++ {
		if p[i] == '<' && p[i+1] != '!' && p[i+1] != '?' && p[i+1] != '/' {
			return true
		}
	}
	return false
}
