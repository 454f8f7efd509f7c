package spf_test

import (
	"context"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

const analyzeZone = `
root.example.     IN TXT "v=spf1 mx include:inc.example exp=why.example -all"
root.example.     IN MX 10 mx1.root.example.
root.example.     IN MX 20 mx2.root.example.
root.example.     IN MX 30 mx3.root.example.
mx1.root.example. IN A 192.0.2.1
mx2.root.example. IN A 192.0.2.2
mx3.root.example. IN A 192.0.2.3
why.example.      IN TXT "not allowed"
inc.example.      IN TXT "v=spf1 a exists:e.inc.example redirect=red.example"
inc.example.      IN A 192.0.2.10
e.inc.example.    IN A 127.0.0.2
red.example.      IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
loop-a.example.   IN TXT "v=spf1 include:loop-b.example -all"
loop-b.example.   IN TXT "v=spf1 include:loop-a.example -all"
self.example.     IN TXT "v=spf1 redirect=self.example"
none.example.     IN TXT "v=spf1 include:nothing.example -all"
void.example.     IN TXT "v=spf1 a:v1.void.example a:v2.void.example mx:v3.void.example -all"
manymx.example.   IN TXT "v=spf1 mx -all"
macro.example.    IN TXT "v=spf1 include:%{l}._spf.macro.example -all"
v6only.example.   IN TXT "v=spf1 a -all"
v6only.example.   IN AAAA 2001:db8::1
`

func TestAnalyze(t *testing.T) {
	manyMX := ""
	for i := 0; i < 11; i++ {
		manyMX += "manymx.example. IN MX " + string(rune('0'+i%10)) + " mx.manymx.example.\n"
	}
	z := dnstest.MustZone(analyzeZone + manyMX + "mx.manymx.example. IN A 192.0.2.50\n")
	tests := []struct {
		domain  string
		lookups int
		voids   int
		codes   []plan.Code
		tree    string // a substring of String()
	}{
		// mx 1 (its three A lookups do not count), include 1, and inside it
		// a 1, exists 1, redirect 1; exp does not count.
		{"root.example", 5, 0, nil, "include:inc.example: 3 lookups (3 own)"},
		{"loop-a.example", 2, 0, []plan.Code{spf.CodeIncludeLoop}, "include:loop-b.example"},
		{"self.example", 1, 0, []plan.Code{spf.CodeIncludeLoop}, ""},
		{"none.example", 1, 1, []plan.Code{spf.CodeIncludeNone}, ""},
		{"void.example", 3, 3, []plan.Code{spf.CodeVoidLookups}, ""},
		{"manymx.example", 1, 0, []plan.Code{spf.CodeTooManyMX}, ""},
		{"macro.example", 1, 0, []plan.Code{spf.CodeMacroNotFollowed}, ""},
		{"v6only.example", 1, 0, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.domain, func(t *testing.T) {
			a, err := spf.Analyze(context.Background(), z, tc.domain)
			if err != nil {
				t.Fatal(err)
			}
			checkParams(t, a.Findings)
			if a.Lookups != tc.lookups || a.VoidLookups != tc.voids {
				t.Errorf("lookups %d, voids %d; want %d, %d\n%s", a.Lookups, a.VoidLookups, tc.lookups, tc.voids, a)
			}
			for _, code := range tc.codes {
				if !hasCode(a.Findings, code) {
					t.Errorf("no %s finding in %v", code, a.Findings)
				}
			}
			if len(tc.codes) == 0 && len(a.Findings) > 0 {
				t.Errorf("unexpected findings %v", a.Findings)
			}
			if !strings.Contains(a.String(), tc.tree) {
				t.Errorf("String() lacks %q:\n%s", tc.tree, a)
			}
		})
	}
}

func TestAnalyzePerTerm(t *testing.T) {
	z := dnstest.MustZone(analyzeZone)
	a, err := spf.Analyze(context.Background(), z, "root.example")
	if err != nil {
		t.Fatal(err)
	}
	terms := a.Root.Terms
	if len(terms) != 2 || terms[0].Term != "mx" || terms[0].Cost != 1 || terms[0].MXHosts != 3 ||
		terms[1].Term != "include:inc.example" || terms[1].Cost != 4 {
		t.Errorf("root terms = %+v", terms)
	}
	inc := a.Root.Children[0]
	if last := inc.Terms[len(inc.Terms)-1]; last.Term != "redirect=red.example" || last.Cost != 1 {
		t.Errorf("redirect term = %+v", last)
	}
}

func TestAnalyzeOverLimit(t *testing.T) {
	z := dnstest.MustZone(`
big.example. IN TXT "v=spf1 include:p1.example include:p2.example a mx -all"
big.example. IN A 192.0.2.1
big.example. IN MX 10 big.example.
p1.example.  IN TXT "v=spf1 a:h1.p1.example a:h2.p1.example a:h3.p1.example a:h4.p1.example -all"
p2.example.  IN TXT "v=spf1 include:p3.example a:h1.p2.example -all"
p3.example.  IN TXT "v=spf1 a:h.p3.example -all"
h1.p1.example. IN A 192.0.2.11
h2.p1.example. IN A 192.0.2.12
h3.p1.example. IN A 192.0.2.13
h4.p1.example. IN A 192.0.2.14
h1.p2.example. IN A 192.0.2.21
h.p3.example. IN A 192.0.2.31
`)
	a, err := spf.Analyze(context.Background(), z, "big.example")
	if err != nil {
		t.Fatal(err)
	}
	if a.Lookups != 11 {
		t.Fatalf("lookups = %d, want 11\n%s", a.Lookups, a)
	}
	var msg string
	for _, f := range a.Findings {
		if f.Code == spf.CodeTooManyLookups {
			msg = f.Message
		}
	}
	if !strings.Contains(msg, "Most expensive: include:p1.example (5), include:p2.example (4)") {
		t.Errorf("too-many-lookups finding = %q", msg)
	}
}
