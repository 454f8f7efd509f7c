package feedback

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// ErrNotPlainXML: the report is not written in the plain XML that
// [StreamPlainAggregateXML] reads; read it again with [StreamAggregateXML].
// It says nothing of whether the report is valid.
var ErrNotPlainXML = errors.New("feedback: not plain XML")

// StreamPlainAggregateXML is [StreamAggregateXML] for the plain XML nearly
// every receiver writes, read several times faster and with next to no
// allocation: elements without namespace prefixes, attributes without
// entities, text with only the five predefined entities, an XML
// declaration of version 1.0 in UTF-8, and nothing else (no comment,
// CDATA section, doctype, other processing instruction). At anything
// else, or at anything that is not well-formed, it stops with
// [ErrNotPlainXML], the records read so far given already: the caller
// discards what it made of them and reads the report again with
// [StreamAggregateXML], which then gives the report or the error the
// full decoder finds. What it reads, it reads as StreamAggregateXML does,
// with the same limits.
func StreamPlainAggregateXML(r io.Reader, h AggregateHandler) (*AggregateReport, error) {
	p := &plainTokens{r: bufio.NewReader(r)}
	return decodeTokens(p.next, &h)
}

// plainTokens tokenizes plain XML, giving up (errNotPlain) at anything
// else.
type plainTokens struct {
	r     *bufio.Reader
	n     int64      // bytes read
	stack []string   // the open elements
	queue []xmlToken // tokens read, given from qi on
	qi    int
	text  []byte // the text of the last text token
	long  []byte // a text or tag longer than r's buffer
	eof   bool
}

// notPlain is the error of the plain reader giving up.
func notPlain(what string) error {
	return fmt.Errorf("%w: %s", ErrNotPlainXML, what)
}

// elementNames are the names of a report's elements, so that reading one
// allocates nothing.
var elementNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range strings.Fields(`feedback version report_metadata org_name email extra_contact_info report_id
		date_range begin end error generator policy_published domain adkim aspf p sp pct fo np testing discovery_method
		record row source_ip count policy_evaluated disposition dkim spf reason type comment identifiers header_from
		envelope_from envelope_to auth_results selector result human_result scope extensions`) {
		m[n] = n
	}
	return m
}()

func (p *plainTokens) next() (xmlToken, error) {
	for p.qi == len(p.queue) {
		if p.eof {
			return xmlToken{}, io.EOF
		}
		if err := p.read(); err != nil {
			return xmlToken{}, err
		}
	}
	t := p.queue[p.qi]
	p.qi++
	return t, nil
}

// read reads the text up to the next tag and the tag, queueing their
// tokens.
func (p *plainTokens) read() error {
	p.queue, p.qi = p.queue[:0], 0
	text, err := p.readUntil('<')
	atEOF := false
	switch {
	case errors.Is(err, io.EOF):
		atEOF = true
	case err != nil:
		return fmt.Errorf("%w: %w", ErrReport, err)
	default:
		text = text[:len(text)-1]
	}
	if len(text) > 0 {
		if p.text, err = plainText(p.text[:0], text); err != nil {
			return err
		}
		p.queue = append(p.queue, xmlToken{kind: xmlText, text: p.text})
	}
	if atEOF {
		if len(p.stack) > 0 {
			return notPlain("unexpected end")
		}
		p.eof = true
		return nil
	}
	tag, err := p.readUntil('>')
	switch {
	case errors.Is(err, io.EOF):
		return notPlain("an unfinished tag")
	case err != nil:
		return fmt.Errorf("%w: %w", ErrReport, err)
	}
	if p.n > MaxReportXML {
		return notPlain("a large report")
	}
	tag = tag[:len(tag)-1]
	switch {
	case len(tag) == 0:
		return notPlain("<>")
	case tag[0] == '/':
		name := bytes.TrimRight(tag[1:], " \t\r\n")
		if len(p.stack) == 0 || string(name) != p.stack[len(p.stack)-1] {
			return notPlain("an end tag that closes no element")
		}
		p.queue = append(p.queue, xmlToken{kind: xmlEnd, name: p.stack[len(p.stack)-1]})
		p.stack = p.stack[:len(p.stack)-1]
		return nil
	case tag[0] == '?':
		if !plainDecl(tag) {
			return notPlain("a processing instruction")
		}
		return nil
	case tag[0] == '!':
		return notPlain("a comment, CDATA or doctype")
	}
	i := nameEnd(tag, false)
	if i == 0 {
		return notPlain("an element name")
	}
	name, ok := elementNames[string(tag[:i])]
	if !ok {
		name = string(tag[:i])
	}
	rest := tag[i:]
	empty := false
	if len(rest) > 0 && rest[len(rest)-1] == '/' {
		empty, rest = true, rest[:len(rest)-1]
	}
	if !plainAttrs(rest) {
		return notPlain("attributes")
	}
	p.queue = append(p.queue, xmlToken{kind: xmlStart, name: name})
	if empty {
		p.queue = append(p.queue, xmlToken{kind: xmlEnd, name: name})
	} else {
		p.stack = append(p.stack, name)
	}
	return nil
}

// readUntil reads up to and with delim, as bufio.Reader.ReadSlice does,
// but past the reader's buffer, up to MaxReportToken bytes (the full
// decoder's bound on one token).
func (p *plainTokens) readUntil(delim byte) ([]byte, error) {
	b, err := p.r.ReadSlice(delim)
	p.n += int64(len(b))
	if !errors.Is(err, bufio.ErrBufferFull) {
		return b, err
	}
	p.long = append(p.long[:0], b...)
	for errors.Is(err, bufio.ErrBufferFull) {
		b, err = p.r.ReadSlice(delim)
		p.n += int64(len(b))
		p.long = append(p.long, b...)
		if len(p.long) > MaxReportToken {
			return nil, notPlain("a long text or tag")
		}
	}
	return p.long, err
}

// nameEnd returns the length of the name that b starts with: ASCII
// letters, digits, '_', '-', '.', not starting with a digit, '-' or '.';
// and ':' when colon.
func nameEnd(b []byte, colon bool) int {
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case c >= '0' && c <= '9', c == '-', c == '.':
			if i == 0 {
				return 0
			}
		case c == ':' && colon && i > 0:
		default:
			return i
		}
	}
	return len(b)
}

// plainAttrs reports whether b is attributes in plain form: each after
// white space, name="value" or name='value', the value without '<' or
// '&'.
func plainAttrs(b []byte) bool {
	for {
		n := len(b)
		b = bytes.TrimLeft(b, " \t\r\n")
		if len(b) == 0 {
			return true
		}
		if len(b) == n {
			return false // no space before the attribute
		}
		i := nameEnd(b, true)
		if i == 0 || b[i-1] == ':' || bytes.Count(b[:i], []byte(":")) > 1 {
			return false
		}
		b = bytes.TrimLeft(b[i:], " \t\r\n")
		if len(b) == 0 || b[0] != '=' {
			return false
		}
		b = bytes.TrimLeft(b[1:], " \t\r\n")
		if len(b) == 0 || b[0] != '"' && b[0] != '\'' {
			return false
		}
		end := bytes.IndexByte(b[1:], b[0])
		if end < 0 {
			return false
		}
		v := b[1 : 1+end]
		if bytes.ContainsAny(v, "<&") || !plainChars(v) {
			return false
		}
		b = b[end+2:]
	}
}

// plainChars reports whether b is valid UTF-8 of characters XML allows.
func plainChars(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 || r >= 0xD800 && r <= 0xDFFF || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += size
	}
	return true
}

// plainDecl reports whether a processing instruction (without its '<'
// and '>') is an XML declaration of version 1.0 in UTF-8, as plain
// attributes.
func plainDecl(tag []byte) bool {
	body, ok := bytes.CutPrefix(tag, []byte("?xml"))
	if !ok || len(body) == 0 || body[len(body)-1] != '?' {
		return false
	}
	body = body[:len(body)-1]
	if !plainAttrs(body) {
		return false
	}
	for _, f := range bytes.Fields(body) {
		k, v, _ := bytes.Cut(f, []byte("="))
		v = bytes.Trim(v, `"'`)
		switch string(k) {
		case "version":
			if string(v) != "1.0" {
				return false
			}
		case "encoding":
			if !strings.EqualFold(string(v), "utf-8") {
				return false
			}
		case "standalone":
		default:
			return false
		}
	}
	return true
}

// plainText appends text to out with its entities decoded (only the five
// predefined ones are plain) and its line ends made "\n", as XML reads
// them.
func plainText(out, text []byte) ([]byte, error) {
	if bytes.Contains(text, []byte("]]>")) {
		return nil, notPlain("]]> in text")
	}
	for len(text) > 0 {
		i := bytes.IndexByte(text, '&')
		if i < 0 {
			i = len(text)
		}
		if !plainChars(text[:i]) {
			return nil, notPlain("a character")
		}
		if bytes.IndexByte(text[:i], '\r') < 0 {
			out = append(out, text[:i]...)
		} else {
			for j := 0; j < i; j++ {
				switch {
				case text[j] != '\r':
					out = append(out, text[j])
				case j+1 < i && text[j+1] == '\n':
				default:
					out = append(out, '\n')
				}
			}
		}
		text = text[i:]
		if len(text) == 0 {
			break
		}
		end := bytes.IndexByte(text, ';')
		if end < 0 || end > 5 {
			return nil, notPlain("an entity")
		}
		switch string(text[1:end]) {
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "amp":
			out = append(out, '&')
		case "apos":
			out = append(out, '\'')
		case "quot":
			out = append(out, '"')
		default:
			return nil, notPlain("an entity")
		}
		text = text[end+1:]
	}
	return out, nil
}
