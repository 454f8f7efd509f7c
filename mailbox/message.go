package mailbox

import (
	"bytes"
	"fmt"
	"io"
)

// message is a message read for checking: its bytes with CRLF line
// endings (without an mbox "From " line), and its header fields in order.
type message struct {
	raw    []byte
	fields Header
}

// get returns the values of the fields named name, in order.
func (m *message) get(name string) []string { return m.fields.Get(name) }

// readMessage reads at most MaxMessageSize bytes from r and reads its
// header with ReadHeader, refusing what is not a mail message.
func readMessage(r io.Reader) (*message, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxMessageSize+1))
	if err != nil {
		return nil, fmt.Errorf("mailbox: reading the message: %w", err)
	}
	if len(data) > MaxMessageSize {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxMessageSize)
	}
	h, err := ReadHeader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(data, []byte("From ")) {
		// An mbox separator, which ReadHeader skipped: not part of the
		// message that was signed.
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	return &message{raw: crlf(data), fields: h}, nil
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

// clip shortens s for a sentence of the report.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
