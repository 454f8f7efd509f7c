package mailbox_test

import (
	"bufio"
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/mailbox"
)

// FuzzReadHeader: any input gives a header or an error wrapping one of
// the package's sentinels, never a panic; every error but ErrEmpty names a
// line and an offset inside the input; and a header read, written back as
// "Name: Value" lines (with CRLF, or with bare LF) and a blank line, reads
// as the same header.
func FuzzReadHeader(f *testing.F) {
	f.Add([]byte("From: Anna <anna@shop.example>\r\nSubject: Our offer,\r\n folded\r\n\r\nbody"))
	f.Add([]byte("From anna@shop.example Mon Jan  1 10:00:00 2026\nFrom: a@b.example\nX-Empty:\n\n"))
	f.Add([]byte("Received: from a\r\n\tby b\r\n   \r\n  with ESMTPS\r\nA:\xc2\xa0x\xc2\xa0\r\n"))
	f.Add([]byte("\r\n \r\n"))
	f.Add([]byte("A: b\rC: d\r\r\n\r\n"))
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00"))
	f.Add([]byte("From: a\r\nno field\r\n"))
	sentinels := []error{mailbox.ErrEmpty, mailbox.ErrBinary, mailbox.ErrNoHeader, mailbox.ErrMalformed, mailbox.ErrTooLarge, mailbox.ErrTooManyHeaders}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := mailbox.ReadHeader(bytes.NewReader(data))
		if err != nil {
			known := false
			for _, s := range sentinels {
				known = known || errors.Is(err, s)
			}
			var he *mailbox.HeaderError
			switch {
			case !known || h != nil:
				t.Fatalf("error %v (header %q) is none of the package's", err, h)
			case errors.Is(err, mailbox.ErrEmpty):
			case !errors.As(err, &he) || he.Line < 1 || he.Offset < 0 || he.Offset >= int64(len(data)):
				t.Fatalf("error %v names no place in the input", err)
			}
			return
		}
		if len(h) == 0 {
			t.Fatal("a header without fields and no error")
		}
		again, err := mailbox.ReadHeader(bufio.NewReader(bytes.NewReader(data)))
		if err != nil || !reflect.DeepEqual(again, h) {
			t.Fatalf("through a bufio.Reader: %q, %v; want %q", again, err, h)
		}
		for _, eol := range []string{"\r\n", "\n"} {
			var b strings.Builder
			for _, f := range h {
				b.WriteString(f.Name + ": " + f.Value + eol)
			}
			b.WriteString(eol)
			if b.Len() > mailbox.MaxHeaderSize {
				continue // the written form may be longer than the input's
			}
			back, err := mailbox.ReadHeader(strings.NewReader(b.String()))
			if err != nil || !reflect.DeepEqual(back, h) {
				t.Fatalf("written back with %q: %q, %v; want %q", eol, back, err, h)
			}
		}
	})
}
