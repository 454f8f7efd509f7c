package spf_test

import (
	"context"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/plan/findingtest"
	"github.com/domainauth/domainauth/spf"
)

// checkParams asserts what every finding the tests see must hold: the
// values its sentences are made of, under the names documented beside its
// code. Lint alone cannot name the record, so spf-no-all, whose sentences
// quote nothing else, may come from it without parameters.
func checkParams(t *testing.T, fs []plan.Finding) {
	t.Helper()
	findingtest.Check(t, fs, spf.CodeNoAll)
	findingtest.Declared(t, ".").CheckNames(t, fs, "domain", "proposed")
}

// paramsZone holds what the other tests' zones do not: an include whose
// record does not parse, an include with two records, and a domain over
// the lookup limit as published.
const paramsZone = `
badinc.example.   IN TXT "v=spf1 include:bad.example -all"
bad.example.      IN TXT "v=spf1 ip4:192.0.2.0/33 -all"
twoinc.example.   IN TXT "v=spf1 include:two.example -all"
two.example.      IN TXT "v=spf1 -all"
two.example.      IN TXT "v=spf1 mx -all"
over.example.     IN TXT "v=spf1 a:h1.over.example a:h2.over.example a:h3.over.example a:h4.over.example a:h5.over.example a:h6.over.example a:h7.over.example a:h8.over.example a:h9.over.example a:h10.over.example a:h11.over.example -all"
`

// TestEveryCodeCarriesParams: every finding code the package declares, in
// a situation that produces it (a record as typed, the records at a name,
// a tree of includes, an edit), carries the parameters documented beside
// it, each a value its sentences, subject or name use.
func TestEveryCodeCarriesParams(t *testing.T) {
	ctx := context.Background()
	lint := func(text string) []plan.Finding {
		return spf.LintTXT("example.com.", [][]string{dnsrec.SplitTXT(text)})
	}
	manyMX := ""
	for i := 0; i < 11; i++ {
		manyMX += "manymx.example. IN MX " + string(rune('0'+i%10)) + " mx.manymx.example.\n"
	}
	analyzed := dnstest.MustZone(analyzeZone + paramsZone + manyMX + "mx.manymx.example. IN A 192.0.2.50\n")
	analyze := func(domain string) []plan.Finding {
		a, err := spf.Analyze(ctx, analyzed, domain)
		if err != nil {
			t.Fatal(err)
		}
		return a.Findings
	}
	edited := dnstest.MustZone(editZone)
	authorize := func(domain, term string) []plan.Finding {
		p, err := plan.Check(ctx, edited, spf.Authorize{Domain: domain, Term: term})
		if err != nil {
			t.Fatal(err)
		}
		findingtest.CheckReasonsEnglish(t, p.Changes)
		return p.AllFindings()
	}
	merge := func(texts ...string) []plan.Finding {
		m, _ := spf.Merge(texts...)
		return m.Findings
	}
	situations := [][]plan.Finding{
		lint("v=spf1 ip4:192.0.2.0/33 -all"),
		lint("v=spf1 include:spf.protection.outlook.com –all"),
		lint("v=spf1 mx\n-all"),
		lint(`"v=spf1 mx -all"`),
		lint("v=spf1mx -all"),
		spf.LintTXT("example.com.", [][]string{{"v=spf1 -all"}, {"v=spf1 mx -all"}}),
		spf.LintTXT("example.com.", [][]string{{strings.Repeat("a", 300)}}),
		lint("v=spf1 mx +all"),
		lint("v=spf1 mx ?all"),
		lint("v=spf1 mx ~all"),
		lint("v=spf1 mx"),
		lint("v=spf1 -all include:spf.vendor.example redirect=_spf.example.com"),
		lint("v=spf1 ptr include:a.example INCLUDE:A.example ip4:192.0.2.0/24 ip4:192.0.2.10 ip4:198.51.100.1/24 ip6:::/0 default=deny -all"),
		lint("v=spf1 " + strings.Repeat("ip4:192.0.2.1 ", 35) + "-all"),
		analyze("badinc.example"),
		analyze("twoinc.example"),
		analyze("over.example"),
		analyze("loop-a.example"),
		analyze("none.example"),
		analyze("void.example"),
		analyze("manymx.example"),
		analyze("macro.example"),
		authorize("new.example", "include:spf.vendor.example"),
		authorize("ownmx.example", "include:spf.vendor.example"),
		authorize("m365.example", "include:spf.vendor.example"),
		authorize("seed003.example", "a:smtp1.vendor.example"),
		authorize("dash.example", "include:spf.vendor.example"),
		authorize("quoted.example", "include:spf.vendor.example"),
		authorize("twice.example", "include:spf.vendor.example"),
		authorize("heavy.example", "include:_spf.vendor.example"),
		authorize("broken.example", "include:spf.vendor.example"),
		authorize("loop.example", "include:spf.vendor.example"),
		authorize("conflict.example", "include:spf.vendor.example"),
		hostedFindings(t),
		merge("v=spf1 redirect=a.example", "v=spf1 redirect=b.example"),
		merge("v=spf1 mx -all", "v=spf1 redirect=b.example"),
		merge("v=spf1 mx -all", "v=spf1 a ~all"),
	}
	findingtest.Declared(t, ".").CheckAll(t, situations, "domain", "proposed")
}
