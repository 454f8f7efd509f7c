package mailbox_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/mailbox"
)

// TestMboxLine: a message saved from an mbox file, its "From " separator
// first, is checked as the message that was signed.
func TestMboxLine(t *testing.T) {
	k2048, _ := keys(t)
	signed := newsletter().signed(t, k2048, "shop.example", "s2048", nil)
	mbox := append([]byte("From news@shop.example Mon Nov 23 09:00:00 2026\n"), signed...)
	rep, err := (&mailbox.MessageChecker{Resolver: testZone(t), Bulk: true}).Check(context.Background(), bytes.NewReader(mbox))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Signatures) != 1 || !rep.Signatures[0].Verified || rep.FromDomain != "shop.example" {
		t.Errorf("from %q, signatures %+v", rep.FromDomain, rep.Signatures)
	}
}

// The message check's errors name the place, never the message's words.
func TestCheckErrorNoQuote(t *testing.T) {
	_, err := (&mailbox.MessageChecker{}).Check(context.Background(), strings.NewReader("From: a@b.example\r\nDear Anna, our offer\r\n\r\n"))
	var he *mailbox.HeaderError
	if !errors.Is(err, mailbox.ErrMalformed) || !errors.As(err, &he) || he.Line != 2 || strings.Contains(err.Error(), "Anna") {
		t.Errorf("err = %v", err)
	}
}

func BenchmarkReadHeader(b *testing.B) {
	msg := strings.Repeat("Received: from relay.example by mx.example with ESMTPS;\r\n\tMon, 23 Nov 2026 09:00:00 +0000\r\n", 20) +
		"From: Shop <news@shop.example>\r\nSubject: Our offer\r\n\r\nbody\r\n"
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if _, err := mailbox.ReadHeader(strings.NewReader(msg)); err != nil {
			b.Fatal(err)
		}
	}
}
