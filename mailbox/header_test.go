package mailbox_test

import (
	"bufio"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/mailbox"
)

func TestReadHeader(t *testing.T) {
	want := mailbox.Header{
		{Name: "From", Value: "Anna <anna@shop.example>"},
		{Name: "Subject", Value: "Our offer, folded over two lines"},
		{Name: "received", Value: "from a by b"},
		{Name: "Received", Value: "from c by d"},
		{Name: "X-Empty", Value: ""},
	}
	for _, tc := range []struct{ name, in string }{
		{"CRLF", "From: Anna <anna@shop.example>\r\nSubject: Our offer,\r\n folded over two lines\r\nreceived: from a by b\r\nReceived:from c by d\r\nX-Empty:\r\n\r\nbody\r\n"},
		{"bare LF", "From: Anna <anna@shop.example>\nSubject: Our offer,\n\tfolded over two lines\nreceived: from a by b\nReceived:from c by d\nX-Empty:   \n\nbody\n"},
		{"an mbox line first", "From anna@shop.example Mon Jan  1 10:00:00 2026\nFrom: Anna <anna@shop.example>\nSubject:   Our offer,  \n  folded over two lines  \n   \nreceived: from a by b\nReceived:from c by d\nX-Empty:\n\nbody\n"},
		{"no body", "From: Anna <anna@shop.example>\r\nSubject: Our offer,\r\n folded over two lines\r\nreceived: from a by b\r\nReceived:from c by d\r\nX-Empty:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := mailbox.ReadHeader(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(h, want) {
				t.Errorf("got  %q\nwant %q", h, want)
			}
			if got := h.Get("RECEIVED"); !reflect.DeepEqual(got, []string{"from a by b", "from c by d"}) {
				t.Errorf("Get(RECEIVED) = %q", got)
			}
			if got := h.Get("Cc"); got != nil {
				t.Errorf("Get(Cc) = %q", got)
			}
		})
	}
}

// A header in another charset than UTF-8 (a Latin-1 Subject, as old mail
// software writes it) is read, bytes as they are.
func TestReadHeader8Bit(t *testing.T) {
	h, err := mailbox.ReadHeader(strings.NewReader("From: a@b.example\r\nSubject: Gr\xfc\xdfe\r\n\r\n"))
	if err != nil || len(h) != 2 || h[1].Value != "Gr\xfc\xdfe" {
		t.Errorf("%q, %v", h, err)
	}
}

// The body stays in a *bufio.Reader for the caller to read.
func TestReadHeaderLeavesBody(t *testing.T) {
	br := bufio.NewReader(strings.NewReader("From: a@b.example\r\n\r\nthe body\r\nFrom: not a field of the header\r\n"))
	h, err := mailbox.ReadHeader(br)
	if err != nil || len(h) != 1 {
		t.Fatalf("%q, %v", h, err)
	}
	body, _ := io.ReadAll(br)
	if string(body) != "the body\r\nFrom: not a field of the header\r\n" {
		t.Errorf("body %q", body)
	}
}

// Errors wrap one sentinel, name the line and the offset, and never quote
// the input.
func TestReadHeaderErrors(t *testing.T) {
	secret := "Dear-Anna"
	for _, tc := range []struct {
		name, in string
		want     error
		line     int
		offset   int64
	}{
		{"empty", "", mailbox.ErrEmpty, 0, 0},
		{"only white space", "\r\n \r\n\t\n", mailbox.ErrEmpty, 0, 0},
		{"only an mbox line", "From anna@shop.example Mon Jan  1 10:00:00 2026\n", mailbox.ErrEmpty, 0, 0},
		{"text", secret + " and the rest of a letter\r\n", mailbox.ErrNoHeader, 1, 0},
		{"a blank first line", "\r\n" + secret + ": x\r\n", mailbox.ErrNoHeader, 1, 0},
		{"a continuation first", "  " + secret + ": x\r\n", mailbox.ErrNoHeader, 1, 0},
		{"text after an mbox line", "From x\n" + secret + " letter\n", mailbox.ErrNoHeader, 2, 7},
		{"a broken line", "From: a@b.example\r\n" + secret + " no field\r\n\r\n", mailbox.ErrMalformed, 2, 19},
		{"a name with a space", "From: a@b.example\r\n" + secret + " x: y\r\n\r\n", mailbox.ErrMalformed, 2, 19},
		{"a NUL", "From: a@b.example\r\nSubject: " + secret + "\x00\r\n\r\n", mailbox.ErrBinary, 2, 19 + 9 + int64(len(secret))},
		{"a PNG image", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", mailbox.ErrBinary, 2, 6},
		{"text, then binary", secret + "\n\n\x00", mailbox.ErrBinary, 3, int64(len(secret)) + 2},
		{"too many fields", strings.Repeat("X-A: "+secret+"\r\n", mailbox.MaxHeaderFields+1), mailbox.ErrTooManyHeaders, mailbox.MaxHeaderFields + 1, int64(mailbox.MaxHeaderFields * (7 + len(secret)))},
		{"too large", "Subject: " + strings.Repeat(secret, mailbox.MaxHeaderSize/len(secret)+1) + "\r\n\r\n", mailbox.ErrTooLarge, 1, 0},
		{"too large in many lines", strings.Repeat("X-A: "+strings.Repeat("x", 2000)+"\r\n", mailbox.MaxHeaderSize/2007) + "X-B: " + strings.Repeat(secret, 300) + "\r\n", mailbox.ErrTooLarge, mailbox.MaxHeaderSize/2007 + 1, int64(mailbox.MaxHeaderSize / 2007 * 2007)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := mailbox.ReadHeader(strings.NewReader(tc.in))
			if !errors.Is(err, tc.want) || h != nil {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "PNG") {
				t.Errorf("the error quotes the input: %v", err)
			}
			var he *mailbox.HeaderError
			if tc.line == 0 {
				if errors.As(err, &he) {
					t.Errorf("%v: a position for an empty input", err)
				}
				return
			}
			if !errors.As(err, &he) || he.Line != tc.line || he.Offset != tc.offset {
				t.Errorf("%v: want line %d, offset %d", err, tc.line, tc.offset)
			}
		})
	}
	// At the limits is still a header.
	if h, err := mailbox.ReadHeader(strings.NewReader(strings.Repeat("X-A: b\r\n", mailbox.MaxHeaderFields) + "\r\n")); err != nil || len(h) != mailbox.MaxHeaderFields {
		t.Errorf("%d fields: %d read, %v", mailbox.MaxHeaderFields, len(h), err)
	}
	exact := "Subject: " + strings.Repeat("x", mailbox.MaxHeaderSize-len("Subject: \r\n\r\n")) + "\r\n\r\n"
	if h, err := mailbox.ReadHeader(strings.NewReader(exact + "the body")); err != nil || len(h) != 1 {
		t.Errorf("a header of exactly %d bytes: %v", mailbox.MaxHeaderSize, err)
	}
}

func TestIsBinary(t *testing.T) {
	for in, want := range map[string]bool{
		"":                                 false,
		"From: a@b.example\r\n":            false,
		"page one\fpage two\t.\n":          false,
		"\x89PNG\r\n\x1a\n\x00":            true,
		"PK\x03\x04":                       true,
		"Grüße\r\n":                        false,
		"a DEL \x7f":                       true,
		strings.Repeat("x", 4096) + "\x00": false, // past the first 4 KB
	} {
		if got := mailbox.IsBinary([]byte(in)); got != want {
			t.Errorf("IsBinary(%.20q) = %v, want %v", in, got, want)
		}
	}
}
