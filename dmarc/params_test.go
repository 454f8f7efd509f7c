package dmarc_test

import (
	"context"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/plan/findingtest"
)

// checkParams asserts what every finding the tests see must hold: the
// values its sentences are made of, under the names documented beside its
// code. Lint alone cannot name the record, so dmarc-no-rua, whose
// sentences quote nothing else, may come from it without parameters.
func checkParams(t *testing.T, fs []plan.Finding) {
	t.Helper()
	findingtest.Check(t, fs, dmarc.CodeNoRUA)
	findingtest.Declared(t, ".").CheckNames(t, fs, "domain")
}

// paramsZone publishes, at _dmarc of a domain named for it, each record
// the lint has something to say about, and the set-ups Inspect and
// Recommend explain.
const paramsZone = `
_dmarc.none.example.      IN TXT "v=DMARC1; p=none; rua=mailto:a@none.example"
_dmarc.removed.example.   IN TXT "v=DMARC1; p=quarantine; pct=5; rf=afrf; ri=3600; rua=mailto:a@removed.example!10m"
_dmarc.norua.example.     IN TXT "v=DMARC1; p=reject"
_dmarc.many.example.      IN TXT "v=DMARC1; p=reject; rua=mailto:a@many.example,mailto:b@many.example,mailto:c@many.example; fo=0:1; foo=bar"
_dmarc.nopolicy.example.  IN TXT "v=DMARC1; rua=mailto:a@nopolicy.example"
_dmarc.invalid.example.   IN TXT "v=DMARC1; p=reject; adkim=x; sp=block; rua=mailto:a@invalid.example"
_dmarc.testing.example.   IN TXT "v=DMARC1; p=reject; t=y; rua=mailto:a@testing.example"
_dmarc.malformed.example. IN TXT "v=DMARC1; p=reject; rua=mailto:a@malformed.example; oops"
_dmarc.form.example.      IN TXT "V = DMARC1; p=reject; rua=mailto:a@form.example"
_dmarc.broken.example.    IN TXT "v=DMARC1; p=none; p=reject"
_dmarc.external.example.  IN TXT "v=DMARC1; p=quarantine; rua=mailto:reports@analytics.example"
_dmarc.nodkim.example.    IN TXT "v=DMARC1; p=reject; rua=mailto:d@nodkim.example"
apex.example.             IN TXT "v=DMARC1; p=reject; rua=mailto:d@apex.example"
_dmarc.spf.example.       IN TXT "v=spf1 include:spf.vendor.example -all"
_dmarc.spf.example.       IN TXT "v=DMARC1; p=none; rua=mailto:d@spf.example"
_dmarc.two.example.       IN TXT "v=DMARC1; p=none"
_dmarc.two.example.       IN TXT "v=DMARC1; p=reject"
_dmarc.own.example.       IN TXT "v=DMARC1; p=none; rua=mailto:own@own.example"
default._domainkey.vendor.example. IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
*._report._dmarc.vendor.example.   IN TXT "v=DMARC1"
default._domainkey.keyed.example.  IN CNAME default._domainkey.vendor.example.
_dmarc.keyed.example.     IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"
`

// TestEveryCodeCarriesParams: every finding code the package declares, in
// a situation that produces it (a record's text under either rules, a
// domain's set-up inspected, a recommendation), carries the parameters
// documented beside it, each a value its sentences, subject or name use.
func TestEveryCodeCarriesParams(t *testing.T) {
	ctx := context.Background()
	z := dnstest.MustZone(paramsZone)
	inspect := func(domain string, selectors ...string) []plan.Finding {
		res, err := dmarc.Inspect{Domain: domain, DKIMSelectors: selectors}.Check(ctx, z)
		if err != nil {
			t.Fatal(err)
		}
		return res.Findings
	}
	legacy := func(domain string) []plan.Finding {
		res, err := dmarc.Inspect{Domain: domain, Rules: dmarc.RFC7489}.Check(ctx, z)
		if err != nil {
			t.Fatal(err)
		}
		return res.Findings
	}
	goal := dmarc.Settings{Policy: dmarc.PolicyQuarantine, Reports: []string{"dmarc@vendor.example"}}
	recommend := func(domain string) []plan.Finding {
		kc := dkim.KeyCheck{Domain: domain, Selector: "default", Target: "default._domainkey.vendor.example"}
		p, err := plan.Check(ctx, z, dmarc.Recommend{Domain: domain, Settings: goal, DKIM: []dkim.KeyCheck{kc}, ReportsPass: true})
		if err != nil {
			t.Fatal(err)
		}
		findingtest.CheckReasonsEnglish(t, p.Changes)
		return p.AllFindings()
	}
	// A report address the proposal adds, on a domain that has not
	// authorized it.
	unauthorized := func(domain string) []plan.Finding {
		p, err := plan.Check(ctx, z, dmarc.Recommend{Domain: domain, Settings: dmarc.Settings{Reports: []string{"d@unauthorized.example"}}})
		if err != nil {
			t.Fatal(err)
		}
		return p.AllFindings()
	}
	situations := [][]plan.Finding{
		inspect("none.example"), inspect("removed.example"), inspect("norua.example"), inspect("many.example"),
		inspect("nopolicy.example"), inspect("invalid.example"), inspect("testing.example"), inspect("malformed.example"),
		inspect("form.example"), inspect("broken.example"), inspect("external.example"), inspect("nodkim.example", "default"),
		inspect("apex.example"), inspect("spf.example"), inspect("two.example"),
		legacy("removed.example"), legacy("testing.example"),
		dmarc.Lint(" v=DMARC1; p=reject; rua=mailto:a@x.example"),
		dmarc.Lint("v=spf1 -all"),
		dmarc.RFC7489.Lint("v=DMARC1; p=reject; np=reject; psd=n; rua=mailto:a@x.example"),
		dmarc.Lint("v=DMARC1;; p=reject; pct=abc; ri=-5; np=bogus; rua=mailto:a@x.example, b@x.example;;"),
		dmarc.RFC7489.Lint("v=DMARC1; p=reject; pct=50.5; rf=afrf:iodef; np=bogus; t=x; rua=mailto:a@x.example"),
		dmarc.RFC7489.Lint("v=DMARC1; rf=iodef; sp=bogus; rua=mailto:a@x.example"),
		dmarc.Rules("rfc1234").Lint("v=DMARC1; p=reject"),
		recommend("new.example"), recommend("own.example"), recommend("keyed.example"),
		recommend("spf.example"), recommend("two.example"), recommend("broken.example"), recommend("form.example"),
		unauthorized("own.example"),
	}
	findingtest.Declared(t, ".").CheckAll(t, situations, "domain")
}
