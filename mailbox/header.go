package mailbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Bounds of what is read of a message, the same for every reader in this
// module (the message check here, the bounce and header readers of
// package feedback).
const (
	// MaxMessageSize is the largest whole message read, in bytes: above
	// the providers' own limits (Gmail's is 25 MB, encoding included), and
	// so above any bounce that returns such a message.
	MaxMessageSize = 32 << 20
	// MaxHeaderSize is the largest header block read, in bytes; real
	// messages carry a few kilobytes, a long-travelled one some tens.
	MaxHeaderSize = 1 << 20
	// MaxHeaderFields is the most header fields a message may have; real
	// messages carry a few dozen, a long-travelled one a few hundred.
	MaxHeaderFields = 1000
)

// Field is one header field (RFC 5322, Section 2.2).
type Field struct {
	Name  string // as written, without the colon
	Value string // unfolded (RFC 5322, Section 2.2.3), surrounding white space trimmed
}

// Header is a message's header fields, in the order of the message: the
// order tells the receiver's fields from the ones added before it (RFC
// 5321, Section 4.4; RFC 8601, Section 5), which net/mail does not keep
// across names.
type Header []Field

// Get returns the values of the fields named name, compared without case,
// in the order of the message.
func (h Header) Get(name string) []string {
	var out []string
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// HeaderError is an error in a header block. It names where, never what
// the line holds: the input may be binary, or a customer's mail.
type HeaderError struct {
	Line   int    // the line, from 1, of the input (an mbox "From " line counts)
	Offset int64  // the byte offset of the line, or of the offending byte, from 0
	Reason string // what is wrong there, in words
	Err    error  // the sentinel: ErrBinary, ErrNoHeader, ErrMalformed, ErrTooLarge or ErrTooManyHeaders
}

func (e *HeaderError) Error() string {
	return fmt.Sprintf("%v: %s (line %d, offset %d)", e.Err, e.Reason, e.Line, e.Offset)
}

// Unwrap returns the sentinel, for errors.Is.
func (e *HeaderError) Unwrap() error { return e.Err }

// ReadHeader reads the header block of a message: its fields up to the
// first empty line (or the end of the input), at most [MaxHeaderSize]
// bytes and [MaxHeaderFields] fields. It streams: of the body, at most a
// 4 KB read-ahead is read, and when r is a *bufio.Reader nothing past the
// empty line is consumed, so the body can be read from r after it.
//
// A first line starting "From " (an mbox file's separator) is skipped;
// lines may end in CRLF or in a bare LF. Input that is empty or only
// white space gives [ErrEmpty]; a header line holding control characters
// (other than tab and form feed), or input that does not start with a
// field and holds one in its first 4 KB, gives [ErrBinary]; other input
// that does not start with a field gives [ErrNoHeader]; a later line that
// is neither a field nor a continuation gives [ErrMalformed]; the limits
// give [ErrTooLarge] and [ErrTooManyHeaders]. Every error but ErrEmpty is a [*HeaderError] naming the line and the
// byte offset; no error quotes the input.
func ReadHeader(r io.Reader) (Header, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(io.LimitReader(r, MaxHeaderSize+1), 4096)
	}
	hr := headerReader{br: br}
	return hr.read()
}

// headerReader reads lines, counting them and their bytes.
type headerReader struct {
	br     *bufio.Reader
	line   int   // the number of the last line read
	offset int64 // the offset of the last line read
	next   int64 // the offset after it
}

func (hr *headerReader) fail(err error, at int64, format string, args ...any) error {
	return &HeaderError{Line: hr.line, Offset: at, Reason: fmt.Sprintf(format, args...), Err: err}
}

// readLine returns the next line with its line ending, and io.EOF at the
// end of the input. A line longer than the reader's buffer is read whole
// within MaxHeaderSize.
func (hr *headerReader) readLine() ([]byte, error) {
	line, err := hr.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		line = append([]byte(nil), line...)
		for errors.Is(err, bufio.ErrBufferFull) && hr.next+int64(len(line)) <= MaxHeaderSize {
			var more []byte
			more, err = hr.br.ReadSlice('\n')
			line = append(line, more...)
		}
	}
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("mailbox: reading the header: %w", err)
	}
	if len(line) == 0 {
		return nil, io.EOF
	}
	hr.line++
	hr.offset, hr.next = hr.next, hr.next+int64(len(line))
	if hr.next > MaxHeaderSize {
		return nil, hr.fail(ErrTooLarge, hr.offset, "the header block is over %d bytes", MaxHeaderSize)
	}
	if i := controlAt(line); i >= 0 {
		return nil, hr.fail(ErrBinary, hr.offset+int64(i), "a control character")
	}
	return line, nil
}

func (hr *headerReader) read() (Header, error) {
	var h Header
	var value []string // the pieces of the last field's value
	flush := func() {
		if len(h) > 0 {
			h[len(h)-1].Value = strings.Join(value, " ")
		}
		value = value[:0]
	}
	for {
		line, err := hr.readLine()
		if err == io.EOF {
			if len(h) == 0 {
				return nil, ErrEmpty // nothing, or only an mbox line
			}
			flush()
			return h, nil
		}
		if err != nil {
			return nil, err
		}
		trimmed := bytes.TrimRight(line, "\r\n")
		if hr.line == 1 && bytes.HasPrefix(trimmed, []byte("From ")) {
			continue // an mbox separator: the header starts after it
		}
		switch {
		case len(trimmed) == 0 && len(h) > 0:
			flush()
			return h, nil
		case len(h) == 0 && (len(trimmed) == 0 || trimmed[0] == ' ' || trimmed[0] == '\t'):
			return nil, hr.noHeader(trimmed)
		case trimmed[0] == ' ' || trimmed[0] == '\t':
			if piece := strings.TrimSpace(string(trimmed)); piece != "" {
				value = append(value, piece)
			}
		default:
			colon := bytes.IndexByte(trimmed, ':')
			if colon <= 0 || !isFieldName(trimmed[:colon]) {
				if len(h) == 0 {
					if err := hr.binaryAhead(); err != nil {
						return nil, err
					}
					return nil, hr.fail(ErrNoHeader, hr.offset, "the first line is not a header field")
				}
				return nil, hr.fail(ErrMalformed, hr.offset, "the line is not a header field")
			}
			flush()
			if len(h) == MaxHeaderFields {
				return nil, hr.fail(ErrTooManyHeaders, hr.offset, "more than %d header fields", MaxHeaderFields)
			}
			h = append(h, Field{Name: string(trimmed[:colon])})
			if piece := strings.TrimSpace(string(trimmed[colon+1:])); piece != "" {
				value = append(value, piece)
			}
		}
	}
}

// noHeader is the error for input whose first line is blank or a
// continuation: ErrEmpty when the rest is only white space too (read
// within MaxHeaderSize), ErrNoHeader otherwise.
func (hr *headerReader) noHeader(first []byte) error {
	if err := hr.binaryAhead(); err != nil {
		return err
	}
	line, at := hr.line, hr.offset
	notSpace := func(b []byte) bool { return len(bytes.TrimSpace(b)) > 0 }
	if !notSpace(first) {
		for {
			l, err := hr.readLine()
			if err == io.EOF {
				return ErrEmpty
			}
			if err != nil || notSpace(l) {
				break
			}
		}
	}
	return &HeaderError{Line: line, Offset: at, Reason: "the input does not start with a header field", Err: ErrNoHeader}
}

// binaryAhead returns ErrBinary when the input, which does not start with
// a header field, holds a control character in the next 4 KB (an image's
// first line may hold none).
func (hr *headerReader) binaryAhead() error {
	ahead, _ := hr.br.Peek(min(4096, hr.br.Size()))
	i := controlAt(ahead)
	if i < 0 {
		return nil
	}
	line := hr.line + 1 + bytes.Count(ahead[:i], []byte("\n"))
	return &HeaderError{Line: line, Offset: hr.next + int64(i), Reason: "a control character", Err: ErrBinary}
}

// isFieldName: printable US-ASCII but ":" (RFC 5322, Section 2.2).
func isFieldName(b []byte) bool {
	for _, c := range b {
		if c < 33 || c > 126 {
			return false
		}
	}
	return len(b) > 0
}

// controlAt returns the index of the first control character in b other
// than tab, CR, LF and form feed, which no message or report holds (a body
// in another charset is not UTF-8, but holds none either), or -1.
func controlAt(b []byte) int {
	for i, c := range b {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\f' || c == 0x7f {
			return i
		}
	}
	return -1
}

// IsBinary reports whether data is binary rather than text: it holds, in
// its first 4 KB, control characters no message holds.
func IsBinary(data []byte) bool { return controlAt(data[:min(len(data), 4096)]) >= 0 }
