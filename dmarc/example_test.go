package dmarc_test

import (
	"context"
	"fmt"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// The three stages of a domain's policy: monitoring, a cautious quarantine, reject.
func ExampleBuild() {
	reports := []string{"postmaster@your_domain.com"}
	for _, s := range []dmarc.Settings{
		{Reports: reports},
		{Policy: dmarc.PolicyQuarantine, Percent: 5, Rules: dmarc.RFC7489, Reports: reports},
		{Policy: dmarc.PolicyReject, Reports: append(reports, "dmarc@your_domain.com")},
	} {
		r, _ := dmarc.Build(s)
		fmt.Println(r)
	}
	// Output:
	// v=DMARC1; p=none; rua=mailto:postmaster@your_domain.com
	// v=DMARC1; p=quarantine; pct=5; rua=mailto:postmaster@your_domain.com
	// v=DMARC1; p=reject; rua=mailto:postmaster@your_domain.com,mailto:dmarc@your_domain.com
}

// Parsing reads the tags as published; the methods apply the defaults.
func ExampleParse() {
	r, err := dmarc.Parse("v=DMARC1; p=reject; rua=mailto:postmaster@example.com, mailto:dmarc@example.com")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("p:", r.EffectivePolicy(), "sp:", r.EffectiveSubdomainPolicy(), "np:", r.EffectiveNonexistentPolicy(), "adkim:", r.AlignDKIM())
	for _, u := range r.RUA {
		fmt.Println("reports to", u.Address())
	}
	_, err = dmarc.Parse("v=DMARC1; p=none; p=reject")
	fmt.Println(err)
	// Output:
	// p: reject sp: reject np: reject adkim: r
	// reports to postmaster@example.com
	// reports to dmarc@example.com
	// dmarc: parse "v=DMARC1; p=none; p=reject": tag "p" appears twice; a record must not repeat a tag, and receivers differ on which one wins (at offset 18)
}

// pct is removed by RFC 9989; the lint says what to write instead.
func ExampleRules_Lint() {
	for _, f := range dmarc.RFC9989.Lint("v=DMARC1; p=quarantine; pct=5; rua=mailto:postmaster@example.com") {
		fmt.Println(f.Code+":", f.Fix)
	}
	// Output:
	// dmarc-removed-tag: remove pct; to test a policy, write t=y (reject is then applied as quarantine, quarantine as none)
}

// Discovery walks up from the author domain and says which policy applies
// and why.
func ExampleDiscover() {
	zone := dnstest.MustZone(`
_dmarc.example.com. IN TXT "v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@example.com"
news.example.com.   IN A 192.0.2.1
`)
	d, _ := dmarc.Discover(context.Background(), zone, "news.example.com")
	fmt.Printf("%s=%s from %s (organizational domain %s)\n", d.PolicyTag, d.Policy, d.PolicyDomain, d.OrgDomain)
	for _, q := range d.Queries {
		fmt.Println(q.Name+":", q.Result)
	}
	// Output:
	// sp=quarantine from example.com (organizational domain example.com)
	// _dmarc.news.example.com: no DMARC record
	// _dmarc.example.com: DMARC record: v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@example.com
	// _dmarc.com: no DMARC record
	// news.example.com (A): exists
}
