package dmarc_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/internal/golden"
	"github.com/domainauth/domainauth/plan"
)

// TestRenderingsGolden compares what the package writes (the records Build
// makes for each stage, lint findings, a policy discovery, a verdict in
// words, a recommendation's plan) with testdata/renderings.txt, whole.
func TestRenderingsGolden(t *testing.T) {
	var b strings.Builder
	b.WriteString("==== Build\n")
	for _, s := range []dmarc.Settings{
		{},
		{Policy: dmarc.PolicyNone, Reports: []string{"dmarc@customer.example"}},
		{Policy: dmarc.PolicyQuarantine, Reports: []string{"dmarc@customer.example", "mailto:reports@vendor.example"}, Testing: true},
		{Policy: dmarc.PolicyReject, SubdomainPolicy: dmarc.PolicyQuarantine, StrictDKIM: true, Reports: []string{"d@customer.example"}},
		{Policy: dmarc.PolicyQuarantine, Percent: 50, Rules: dmarc.RFC7489, Reports: []string{"d@customer.example"}},
	} {
		rec, err := dmarc.Build(s)
		if err != nil {
			fmt.Fprintf(&b, "%+v: %v\n", s, err)
			continue
		}
		fmt.Fprintln(&b, rec)
	}
	for _, rec := range []string{"v=DMARC1; p=none", "v = DMARC1; p = reject; rua=mailto:d@example.com", "v=DMARC1; p=quarantine; pct=50; rua=mailto:d@example.com",
		"v=DMARC1; rua=mailto:d@example.com", "v=DMARC1; p=rejekt; rua=mailto:d@example.com", "v=spf1 -all",
		"v=DMARC1; p=reject; pct=abc; rua=mailto:d@example.com", "v=DMARC1;; p=none;;", "v=DMARC1; p=reject; sp=bogus; rua=mailto:d@example.com"} {
		fmt.Fprintf(&b, "==== lint %q\n", rec)
		for _, f := range dmarc.Lint(rec) {
			fmt.Fprintln(&b, f)
		}
	}
	for _, rec := range []string{"v=DMARC1; p=reject; pct=abc; ri=-5; rua=mailto:d@example.com", "v=DMARC1; p=reject; rf=afrf:iodef; np=bogus; rua=mailto:d@example.com"} {
		fmt.Fprintf(&b, "==== lint under RFC 7489 %q\n", rec)
		for _, f := range dmarc.RFC7489.Lint(rec) {
			fmt.Fprintln(&b, f)
		}
	}
	z := dnstest.MustZone(`
_dmarc.customer.example.   IN TXT "v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@customer.example"
_dmarc.new.example.        IN TXT "v=spf1 include:spf.vendor.example -all"
*._report._dmarc.vendor.example. IN TXT "v=DMARC1"
`)
	ctx := context.Background()
	d, err := dmarc.Discover(ctx, z, "news.customer.example")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "==== discover news.customer.example\npolicy %s=%s from %s, organizational domain %s\n", d.PolicyTag, d.Policy, d.PolicyDomain, d.OrgDomain)
	for _, q := range d.Queries {
		fmt.Fprintf(&b, "  %s: %s\n", q.Name, q.Result)
	}
	v, err := dmarc.Evaluate(ctx, z, dmarc.Input{From: "news.customer.example",
		SPF:  dmarc.Identifier{Domain: "bounces.vendor.example", Pass: true},
		DKIM: []dmarc.Identifier{{Domain: "vendor.example", Pass: true}}})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "==== evaluate: pass %v, disposition %s\n%s\n", v.Pass, v.Disposition, v.Reason)
	pl, err := plan.Check(ctx, z, dmarc.Recommend{Domain: "new.example", Settings: dmarc.Settings{Policy: dmarc.PolicyQuarantine, Reports: []string{"dmarc@vendor.example"}}})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "==== recommend new.example\n")
	for _, f := range pl.AllFindings() {
		fmt.Fprintln(&b, f)
	}
	b.WriteString(pl.Changes.Text())
	golden.Check(t, "renderings.txt", b.String())
}
