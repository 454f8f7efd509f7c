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

// Limits of the header block [ParseHeaders] reads: at most MaxHeaderSize
// bytes and MaxHeaderFields fields; the body is never read.
const (
	MaxHeaderSize   = 1 << 20
	MaxHeaderFields = 1000
)

// Errors of reading header fields.
var (
	// ErrNoHeaders: the input does not start with header fields (a bounce's
	// text pasted without its headers, or not a message at all).
	ErrNoHeaders = errors.New("feedback: the input has no header fields")
	// ErrBinary: the input is binary data, not a message.
	ErrBinary = errors.New("feedback: the input is binary, not a message")
	// ErrEmpty: the input is empty.
	ErrEmpty = errors.New("feedback: the input is empty")
)

// field is one header field, unfolded, in the order of the message.
type field struct {
	name  string // lower case
	value string
}

// readHeader reads the header block of a message in order (net/mail keeps
// no order across names, and the order is what tells the receiver's
// fields from the sender's, RFC 8601, Section 5). Input errors never quote
// the input: it may be binary.
func readHeader(r io.Reader) ([]field, error) {
	br := bufio.NewReaderSize(io.LimitReader(r, MaxHeaderSize+1), 4096)
	var fields []field
	var cur *strings.Builder
	var name string
	total := 0
	flush := func() {
		if cur != nil {
			fields = append(fields, field{name: name, value: strings.TrimSpace(cur.String())})
			cur = nil
		}
	}
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadSlice('\n')
		for errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: keep reading it whole, within
			// the size limit.
			more, err2 := br.ReadSlice('\n')
			line = append(append([]byte(nil), line...), more...)
			err = err2
			if len(line) > MaxHeaderSize {
				break
			}
		}
		total += len(line)
		if total > MaxHeaderSize {
			return nil, fmt.Errorf("feedback: the header block is over %d bytes", MaxHeaderSize)
		}
		if lineNo == 1 && len(line) == 0 && err == io.EOF {
			return nil, ErrEmpty
		}
		if isBinary(line) {
			return nil, ErrBinary
		}
		trimmed := bytes.TrimRight(line, "\r\n")
		if lineNo == 1 && bytes.HasPrefix(trimmed, []byte("From ")) {
			lineNo = 0 // an mbox separator line: the header starts after it
			continue
		}
		switch {
		case len(trimmed) == 0:
			flush()
			if lineNo == 1 {
				return nil, ErrNoHeaders
			}
			return fields, nil
		case trimmed[0] == ' ' || trimmed[0] == '\t':
			if cur == nil {
				return nil, fmt.Errorf("%w: line %d continues a field that is not there", ErrNoHeaders, lineNo)
			}
			cur.WriteByte(' ')
			cur.Write(bytes.TrimSpace(trimmed))
		default:
			colon := bytes.IndexByte(trimmed, ':')
			if colon <= 0 || !isFieldName(trimmed[:colon]) {
				if lineNo == 1 {
					return nil, ErrNoHeaders
				}
				return nil, fmt.Errorf("%w: line %d is not a header field", ErrNoHeaders, lineNo)
			}
			flush()
			if len(fields) >= MaxHeaderFields {
				return nil, fmt.Errorf("feedback: over %d header fields", MaxHeaderFields)
			}
			name = strings.ToLower(string(trimmed[:colon]))
			cur = &strings.Builder{}
			cur.Write(trimmed[colon+1:])
		}
		if err != nil {
			flush() // a header block without a body
			return fields, nil
		}
	}
}

// isFieldName: printable US-ASCII but ":" (RFC 5322, Section 2.2).
func isFieldName(b []byte) bool {
	for _, c := range b {
		if c < 33 || c > 126 {
			return false
		}
	}
	return true
}

// isBinary: a line holds control characters or is not UTF-8 (RFC 6532
// allows UTF-8 in header fields, nothing else).
func isBinary(line []byte) bool { return hasControl(line) || !utf8.Valid(line) }

// hasControl: text holds control characters other than tab, CR, LF and
// form feed, which no message or report holds (a body in another charset
// is not UTF-8, but holds none either).
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\f' || c == 0x7f {
			return true
		}
	}
	return false
}

// IsBinary reports whether data is binary rather than text: it holds, in
// its first 4 KB, control characters no message holds.
func IsBinary(data []byte) bool { return hasControl(data[:min(len(data), 4096)]) }
