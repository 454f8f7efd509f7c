package mailbox_test

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"strings"
	"sync"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// The keys the tests sign with, generated once per test binary (RSA key
// generation is slow); a 512-bit key cannot be generated in Go, so its
// public half is a published record only.
var (
	keysOnce         sync.Once
	rsa2048, rsa1024 crypto.Signer
)

func keys(t testing.TB) (crypto.Signer, crypto.Signer) {
	t.Helper()
	keysOnce.Do(func() {
		rsa2048, _ = dkim.GenerateKey(dkim.KeyRSA, 2048, nil)
		rsa1024, _ = dkim.GenerateKey(dkim.KeyRSA, 1024, nil)
	})
	if rsa2048 == nil || rsa1024 == nil {
		t.Fatal("could not generate the test keys")
	}
	return rsa2048, rsa1024
}

// edKey is a fixed Ed25519 key, for deterministic examples.
func edKey() crypto.Signer { return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize)) }

// weak512 is a 512-bit RSA public key record, too short for any receiver.
const weak512 = "v=DKIM1; k=rsa; p=MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAMJ1VVbxp2KirgRHc/81AZckPGhxHCuQfJSzaisrMbCV+10FuZv8tmsYe8nO+edZNOgWVwOoVWNTKx88HyHxLw0CAwEAAQ=="

// keyRecord is the key record of key, as zone-file text (split into
// strings of at most 255 bytes).
func keyRecord(t testing.TB, key crypto.Signer) string {
	t.Helper()
	rec, err := dkim.NewRecord(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	return quoted(rec.String())
}

func quoted(s string) string {
	var parts []string
	for len(s) > 255 {
		parts = append(parts, `"`+s[:255]+`"`)
		s = s[255:]
	}
	return strings.Join(append(parts, `"`+s+`"`), " ")
}

// testZone publishes the keys the messages are signed with: s2048 and
// s1024 at shop.example and other.example, a 512-bit key at weak, and a
// DMARC policy for shop.example.
func testZone(t testing.TB) *dnstest.Zone {
	k2048, k1024 := keys(t)
	var b strings.Builder
	for _, d := range []string{"shop.example.", "other.example.", "gmail.com."} {
		b.WriteString("s2048._domainkey." + d + " 3600 IN TXT " + keyRecord(t, k2048) + "\n")
		b.WriteString("s1024._domainkey." + d + " 3600 IN TXT " + keyRecord(t, k1024) + "\n")
		b.WriteString("weak._domainkey." + d + " 3600 IN TXT " + quoted(weak512) + "\n")
	}
	b.WriteString("ed._domainkey.shop.example. 3600 IN TXT " + keyRecord(t, edKey()) + "\n")
	b.WriteString(`_dmarc.shop.example. 3600 IN TXT "v=DMARC1; p=none"` + "\n")
	return dnstest.MustZone(b.String())
}

// msg is a message to build: header lines (without CRLF), then the body.
type msg struct {
	headers []string
	body    string
}

// newsletter is a message that meets every message rule once signed.
func newsletter() msg {
	return msg{headers: []string{
		"From: Shop <news@shop.example>",
		"To: anna@example.net",
		"Subject: Offers",
		"Date: Tue, 01 Dec 2026 09:00:00 +0100",
		"Message-ID: <1@shop.example>",
		"List-Unsubscribe: <https://crm.example/u/1>, <mailto:u@crm.example>",
		"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
	}, body: "Hello.\r\n"}
}

// without returns m without the header fields named name.
func (m msg) without(name string) msg {
	var hs []string
	for _, h := range m.headers {
		if !strings.HasPrefix(strings.ToLower(h), strings.ToLower(name)+":") {
			hs = append(hs, h)
		}
	}
	return msg{headers: hs, body: m.body}
}

// with returns m with the header line added at the end of the header.
func (m msg) with(line string) msg {
	return msg{headers: append(append([]string(nil), m.headers...), line), body: m.body}
}

func (m msg) bytes() []byte {
	return []byte(strings.Join(m.headers, "\r\n") + "\r\n\r\n" + m.body)
}

// signed returns the message signed with key as d=domain s=selector,
// covering the default fields and the unsubscribe fields unless told
// otherwise.
func (m msg) signed(t testing.TB, key crypto.Signer, domain, selector string, headerKeys []string) []byte {
	t.Helper()
	if headerKeys == nil {
		headerKeys = append(dkim.DefaultHeaderKeys(), "List-Unsubscribe", "List-Unsubscribe-Post")
	}
	s := &dkim.Signer{Domain: domain, Selector: selector, Key: key, HeaderKeys: headerKeys}
	var out bytes.Buffer
	if err := s.Sign(&out, bytes.NewReader(m.bytes())); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
