package dmarc_test

import (
	"context"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// FuzzParse compares, not only calls String: whatever parses prints to a
// record that parses to an equal record under both rule sets, with nothing
// receivers discard, and printing is stable; every discarded entry points
// at its text.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"v=DMARC1; p=none; rua=mailto:postmaster@your_domain.com",
		"v=DMARC1; p=quarantine; pct=5; rua=mailto:postmaster@your_domain.com",
		"v=DMARC1;p=reject;sp=none;np=reject;psd=y;t=y;adkim=s;aspf=s;fo=0:1:d:s;rf=afrf;ri=1;rua=mailto:a@b.example!10m,mailto:c@d.example;ruf=mailto:e@f.example;x=y",
		"v=DMARC1; rua=mailto:a@b.example", "v=DMARC1; p=none; p=reject", "v=spf1 -all",
	} {
		f.Add(s)
	}
	// Every record of the table of what receivers apply (receivers_test.go).
	for _, tc := range receiverCases {
		f.Add(tc.record)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, rules := range []dmarc.Rules{dmarc.RFC9989, dmarc.RFC7489} {
			_ = rules.Lint(s)
			r, err := rules.Parse(s)
			if err != nil {
				pe, ok := err.(*dmarc.ParseError)
				if !ok || pe.Offset < 0 || pe.Offset > len(s) {
					t.Fatalf("Parse(%q): %#v", s, err)
				}
				continue
			}
			out := r.String()
			r2, err := rules.Parse(out)
			if err != nil {
				t.Fatalf("Parse(%q) ok; its String %q does not parse: %v", s, out, err)
			}
			if !r2.Equal(r) || r2.String() != out {
				t.Fatalf("round trip %q -> %q -> %q", s, out, r2.String())
			}
			// String prints only what receivers apply.
			if len(r2.Ignored) != 0 {
				t.Fatalf("%q prints %q, which receivers apply only in part: %v", s, out, r2.Ignored)
			}
			for _, ig := range r.Ignored {
				if ig.Offset < 0 || ig.Offset+len(ig.Value) > len(s) || s[ig.Offset:ig.Offset+len(ig.Value)] != ig.Value {
					t.Fatalf("%q: Ignored %+v does not point at its value", s, ig)
				}
			}
		}
	})
}

// FuzzDiscover: for any author name and any record, discovery never panics
// and never makes more than 8 _dmarc queries.
func FuzzDiscover(f *testing.F) {
	f.Add("a.b.c.d.e.f.g.h.i.j.example.com", "v=DMARC1; p=reject; psd=n")
	f.Add("x.example.com", "v=DMARC1; p=none; psd=y")
	f.Add("example.com", "garbage")
	f.Fuzz(func(t *testing.T, author, record string) {
		z := dnstest.MustZone("")
		if err := z.AddRecords(dnsrec.Record{Name: "_dmarc.example.com.", Type: dnsrec.TypeTXT, TTL: 60, Txt: dnsrec.SplitTXT(record)}); err != nil {
			return
		}
		for _, rules := range []dmarc.Rules{dmarc.RFC9989, dmarc.RFC7489} {
			d, err := rules.Discover(context.Background(), z, author)
			if err != nil {
				continue
			}
			n := 0
			for _, q := range d.Queries {
				if strings.HasPrefix(q.Name, "_dmarc.") {
					n++
				}
			}
			if n > 8 {
				t.Fatalf("%d _dmarc queries for %q", n, author)
			}
		}
	})
}
