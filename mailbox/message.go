package mailbox

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Bounds of what the message check reads.
const (
	// MaxMessageSize is the largest message read, in bytes: above the
	// providers' own limits (Gmail's is 25 MB, encoding included).
	MaxMessageSize = 32 << 20
	// MaxHeaderFields is the most header fields a message may have; real
	// messages carry a few dozen, a long-travelled one a few hundred.
	MaxHeaderFields = 1000
)

// field is one header field, unfolded.
type field struct {
	Name  string // as written
	Value string // unfolded (CRLF before whitespace removed), surrounding whitespace trimmed
}

// message is a message read for checking: its bytes with CRLF line
// endings, and its header fields in order.
type message struct {
	raw    []byte
	fields []field
}

// get returns the values of the fields named name, in order.
func (m *message) get(name string) []string {
	var out []string
	for _, f := range m.fields {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// readMessage reads at most MaxMessageSize bytes from r and splits off the
// header fields, refusing what is not a mail message.
func readMessage(r io.Reader) (*message, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxMessageSize+1))
	if err != nil {
		return nil, fmt.Errorf("mailbox: reading the message: %w", err)
	}
	if len(data) > MaxMessageSize {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxMessageSize)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrEmpty
	}
	raw := crlf(data)
	head := raw
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		head = raw[:i+2]
	}
	for i, c := range head {
		if c == 0 || c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7f {
			return nil, fmt.Errorf("%w: byte 0x%02x at offset %d of the header", ErrBinary, c, i)
		}
	}
	m := &message{raw: raw}
	lines := strings.Split(strings.TrimSuffix(string(head), "\r\n"), "\r\n")
	for n, line := range lines {
		if line == "" {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(m.fields) == 0 {
				return nil, fmt.Errorf("%w: the message starts with a continuation line", ErrNoHeader)
			}
			f := &m.fields[len(m.fields)-1]
			f.Value = strings.TrimSpace(f.Value + " " + strings.TrimSpace(line))
			continue
		}
		colon := strings.IndexByte(line, ':')
		if colon <= 0 || !fieldName(line[:colon]) {
			if n == 0 {
				return nil, fmt.Errorf("%w: the first line (%q) is not a header field", ErrNoHeader, clip(line))
			}
			return nil, fmt.Errorf("%w: line %d (%q) is not a header field", ErrMalformed, n+1, clip(line))
		}
		if len(m.fields) == MaxHeaderFields {
			return nil, fmt.Errorf("%w: more than %d", ErrTooManyHeaders, MaxHeaderFields)
		}
		m.fields = append(m.fields, field{Name: line[:colon], Value: strings.TrimSpace(line[colon+1:])})
	}
	return m, nil
}

// fieldName reports whether s is a header field name: printable ASCII
// without ":" (RFC 5322, Section 2.2).
func fieldName(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 33 || s[i] > 126 {
			return false
		}
	}
	return s != ""
}

// crlf returns data with every line ending CRLF: bare LF (a file saved on
// Unix) becomes CRLF; bare CR is left alone.
func crlf(data []byte) []byte {
	if !bytes.Contains(data, []byte("\n")) {
		return data
	}
	out := make([]byte, 0, len(data)+bytes.Count(data, []byte("\n")))
	for i, c := range data {
		if c == '\n' && (i == 0 || data[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
