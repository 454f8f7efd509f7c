package dnsrec_test

import (
	"context"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/internal/rrconv"
	"github.com/miekg/dns"
)

// Names a hostile MAIL FROM can put into a macro-expanded SPF name (a NUL,
// a dot inside a label, a space, a quote, a backslash) ask the same
// question through the real client as through the in-memory zone: found
// where the zone has them, NXDOMAIN where it does not, never an error.
func TestOddNamesBothWays(t *testing.T) {
	z := dnstest.MustZone(`
odd\000name.example.   IN TXT "nul"
with\.dot.example.     IN TXT "dot"
sp\032ace.example.     IN TXT "space"
quo\"te.example.       IN TXT "quote"
back\\slash.example.   IN TXT "backslash"
`)
	for rname, r := range dnstest.Resolvers(t, z) {
		for name, want := range map[string]string{
			"odd\x00name.example":  "nul",
			`with\.dot.example`:    "dot",
			"sp ace.example":       "space",
			`quo"te.example`:       "quote",
			`back\\slash.example`:  "backslash",
			"odd\x00other.example": "",
			`with\.other.example`:  "",
			"sp other.example":     "",
			"\xff\xfe.example":     "",
		} {
			a, err := r.Lookup(context.Background(), name, dnsrec.TypeTXT)
			if err != nil {
				t.Errorf("%s: %q: %v", rname, name, err)
				continue
			}
			got := ""
			if len(a.Records) == 1 {
				got = a.Records[0].Value()
			}
			if got != want || (want == "" && !a.NXDomain) {
				t.Errorf("%s: %q: got %q (NXDOMAIN %v), want %q", rname, name, got, a.NXDomain, want)
			}
		}
	}
}

// FuzzCanonicalName: a canonical name is canonical again; escaped for
// miekg/dns it packs into a wire name that unpacks back to it, so the
// question the client sends is the question it was asked.
func FuzzCanonicalName(f *testing.F) {
	for _, s := range []string{"example.com", "Bücher.example", `a\.b.example`, "a\x00b.example", `0\-x.example`, `\`, "sp ace.example", `\\.example`, "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := dnsrec.CanonicalName(s)
		if err != nil {
			return
		}
		again, err := dnsrec.CanonicalName(n)
		if err != nil || again != n {
			t.Fatalf("%q -> %q -> %q, %v", s, n, again, err)
		}
		esc := rrconv.EscapeName(n)
		buf := make([]byte, 512)
		off, err := dns.PackDomainName(esc, buf, 0, nil, false)
		if err != nil {
			return // longer than the wire allows once escapes count as one byte each way
		}
		back, _, err := dns.UnpackDomainName(buf[:off], 0)
		if err != nil {
			t.Fatalf("%q packs but does not unpack: %v", esc, err)
		}
		if got := strings.ToLower(rrconv.UnescapeName(back)); got != n {
			t.Fatalf("%q: sent as %q, comes back as %q", n, esc, got)
		}
	})
}
