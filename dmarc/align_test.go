package dmarc_test

import (
	"context"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

const alignZone = `
_dmarc.customer.example.  IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@customer.example"
_dmarc.strict.example.    IN TXT "v=DMARC1; p=quarantine; adkim=s; aspf=s"
_dmarc.testing.example.   IN TXT "v=DMARC1; p=reject; t=y"
_dmarc.sampled.example.   IN TXT "v=DMARC1; p=reject; pct=20"
_dmarc.monitor.example.   IN TXT "v=DMARC1; p=none; rua=mailto:d@monitor.example"
news.customer.example.    IN A 192.0.2.1
`

func TestEvaluate(t *testing.T) {
	pass := func(d string) dmarc.Identifier { return dmarc.Identifier{Domain: d, Pass: true} }
	fail := func(d string) dmarc.Identifier { return dmarc.Identifier{Domain: d} }
	tests := []struct {
		name        string
		rules       dmarc.Rules
		in          dmarc.Input
		pass        bool
		spf, dkim   bool
		disposition dmarc.Policy
		reason      string
	}{
		{"DKIM aligned, exact", dmarc.RFC9989, dmarc.Input{From: "customer.example", SPF: pass("bounces.vendor.example"), DKIM: []dmarc.Identifier{pass("customer.example")}},
			true, false, true, "none", "DKIM (d=customer.example)"},
		{"SPF aligned, relaxed subdomain", dmarc.RFC9989, dmarc.Input{From: "news.customer.example", SPF: pass("bounce.customer.example")},
			true, true, false, "none", "SPF (bounce.customer.example)"},
		{"vendor signs as itself: fails (seed 000's problem)", dmarc.RFC9989, dmarc.Input{From: "customer.example", SPF: pass("vendor.example"), DKIM: []dmarc.Identifier{pass("vendor.example")}},
			false, false, false, "reject", "SPF passed for vendor.example, which does not align"},
		{"signature did not verify", dmarc.RFC9989, dmarc.Input{From: "customer.example", DKIM: []dmarc.Identifier{fail("customer.example")}},
			false, false, false, "reject", "no DKIM signature verified"},
		{"strict: a subdomain does not align", dmarc.RFC9989, dmarc.Input{From: "strict.example", SPF: pass("mail.strict.example"), DKIM: []dmarc.Identifier{pass("mail.strict.example")}},
			false, false, false, "quarantine", "strict alignment"},
		{"t=y: reject applied as quarantine", dmarc.RFC9989, dmarc.Input{From: "testing.example"},
			false, false, false, "quarantine", "t=y asks for one step more lenient treatment"},
		{"t=y means nothing under RFC 7489", dmarc.RFC7489, dmarc.Input{From: "testing.example"},
			false, false, false, "reject", "asks receivers to reject"},
		{"pct under RFC 7489", dmarc.RFC7489, dmarc.Input{From: "sampled.example"},
			false, false, false, "reject", "pct=20 applies this to 20% of failing messages"},
		{"pct ignored under RFC 9989", dmarc.RFC9989, dmarc.Input{From: "sampled.example"},
			false, false, false, "reject", "asks receivers to reject the message"},
		{"p=none delivers", dmarc.RFC9989, dmarc.Input{From: "monitor.example"},
			false, false, false, "none", "asks receivers to deliver"},
		{"no policy", dmarc.RFC9989, dmarc.Input{From: "nopolicy.example", DKIM: []dmarc.Identifier{pass("other.example")}},
			false, false, false, "none", "publishes no DMARC policy"},
		{"second signature aligns", dmarc.RFC9989, dmarc.Input{From: "customer.example", DKIM: []dmarc.Identifier{pass("vendor.example"), pass("mail.customer.example")}},
			true, false, true, "none", "d=mail.customer.example"},
	}
	z := dnstest.MustZone(alignZone)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := tc.rules.Evaluate(context.Background(), z, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if v.Pass != tc.pass || v.SPFAligned != tc.spf || v.DKIMAligned != tc.dkim || v.Disposition != tc.disposition {
				t.Errorf("pass %v spf %v dkim %v disposition %s; want %v %v %v %s", v.Pass, v.SPFAligned, v.DKIMAligned, v.Disposition, tc.pass, tc.spf, tc.dkim, tc.disposition)
			}
			if !strings.Contains(v.Reason, tc.reason) {
				t.Errorf("reason %q lacks %q", v.Reason, tc.reason)
			}
		})
	}
}

func TestAligned(t *testing.T) {
	z := dnstest.MustZone(walkZone)
	ctx := context.Background()
	for _, tc := range []struct {
		rules dmarc.Rules
		a, b  string
		mode  dmarc.Alignment
		want  bool
	}{
		{dmarc.RFC9989, "example.com", "EXAMPLE.com.", dmarc.AlignStrict, true},
		{dmarc.RFC9989, "example.com", "mail.example.com", dmarc.AlignStrict, false},
		{dmarc.RFC9989, "a.mail.example.com", "bounce.example.com", dmarc.AlignRelaxed, true},
		{dmarc.RFC9989, "x.dept.corp.example.net", "corp.example.net", dmarc.AlignRelaxed, false}, // psd=n splits the organization
		{dmarc.RFC7489, "x.dept.corp.example.net", "corp.example.net", dmarc.AlignRelaxed, true},  // the PSL does not know about it
		{dmarc.RFC9989, "example.com", "example.org", dmarc.AlignRelaxed, false},
		{dmarc.RFC9989, "a.example.com", "b.example.com", dmarc.AlignRelaxed, true},
	} {
		got, err := tc.rules.Aligned(ctx, z, tc.a, tc.b, tc.mode)
		if err != nil || got != tc.want {
			t.Errorf("%s Aligned(%s, %s, %s) = %v, %v; want %v", tc.rules, tc.a, tc.b, tc.mode, got, err, tc.want)
		}
	}
}

// One evaluation asks each name and type once, even when discovery and
// relaxed alignment both walk the tree.
func TestEvaluateAsksOnce(t *testing.T) {
	z := dnstest.MustZone(alignZone)
	in := dmarc.Input{From: "news.customer.example", SPF: dmarc.Identifier{Domain: "bounce.mail.customer.example", Pass: true},
		DKIM: []dmarc.Identifier{{Domain: "other.customer.example", Pass: true}}}
	v, err := dmarc.Evaluate(context.Background(), z, in)
	if err != nil || !v.Pass {
		t.Fatalf("%+v %v", v, err)
	}
	if rep := z.Repeated(); len(rep) > 0 {
		t.Errorf("asked more than once: %v", rep)
	}
}
