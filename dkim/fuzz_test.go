package dkim_test

import (
	"context"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// FuzzParse: whatever parses prints to a record that parses to an equal
// record, and printing is stable.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"v=DKIM1; k=rsa; p=" + seed000Spaced, "k=rsa;p=" + seed004Spaced, rfc6376Record,
		"v=DKIM1; k=ed25519; p=" + rfc8463Public, "v=DKIM1; h=sha1:sha256; n=x; p=; s=*; t=y; z=1", "v=spf1 -all", `"v=DKIM1; p="`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = dkim.Lint(s)
		r, err := dkim.Parse(s)
		if err != nil {
			if pe, ok := err.(*dkim.ParseError); !ok || pe.Offset < 0 || pe.Offset > len(s) {
				t.Fatalf("Parse(%q): %#v", s, err)
			}
			return
		}
		out := r.String()
		r2, err := dkim.Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q) ok, its String %q does not parse: %v", s, out, err)
		}
		if !r2.Equal(r) || r2.String() != out {
			t.Fatalf("round trip: %q -> %q -> %q", s, out, r2.String())
		}
	})
}

// FuzzDiagnose: whatever is published at the selector, the diagnosis never
// panics, and says something whenever it is not OK.
func FuzzDiagnose(f *testing.F) {
	for _, s := range []string{"v=DKIM1; k=rsa; p=" + seed000Spaced, "v=DKIM1; p=" + seed000Key[:100], "\"x\"", "v=DKIM1; p=", ""} {
		f.Add(s, s)
	}
	key := mustKey(f, seed000Key)
	f.Fuzz(func(t *testing.T, a, b string) {
		z := dnstest.MustZone("")
		for _, v := range []string{a, b} {
			if v == "" {
				continue
			}
			if err := z.AddRecords(dnsrec.Record{Name: "s._domainkey.fz.example.", Type: dnsrec.TypeTXT, TTL: 60, Txt: dnsrec.SplitTXT(v)}); err != nil {
				return
			}
		}
		for _, c := range []dkim.KeyCheck{
			{Domain: "fz.example", Selector: "s", Key: key},
			{Domain: "fz.example", Selector: "s"},
			{Domain: "fz.example", Selector: "s", Target: "s._domainkey.vendor.example"},
		} {
			d, err := c.Check(context.Background(), z)
			if err != nil {
				t.Fatal(err)
			}
			if !d.Satisfied && len(d.Findings) == 0 {
				t.Fatalf("not OK and nothing said, for %q / %q", a, b)
			}
		}
	})
}
