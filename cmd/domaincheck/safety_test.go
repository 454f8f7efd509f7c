package main

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// demoProfile is the demo vendor's profile.
func demoProfile(t testing.TB) *domaincheck.Profile {
	t.Helper()
	p, err := domaincheck.ParseProfile(demo.ProfileJSON())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// host is a server that sends mail as a customer domain.
type host struct {
	name string
	ip   netip.Addr
	dkim bool // signs with the vendor's selector (d= the customer domain)
}

// senders of the demo: the vendor, hosts that are some customers' own
// servers (a provider's outbound ranges, an MX host, a listed address),
// and a host nobody lists. For a given domain, a sender is "known" when
// it is the vendor or passed SPF before the plan: its mail must never get
// worse.
var senders = []host{
	{"vendor", netip.MustParseAddr("5.255.64.53"), true},
	{"vendor's second server", netip.MustParseAddr("192.0.2.26"), true},
	{"provider", netip.MustParseAddr("198.51.100.7"), false},    // spfa.protection.outlook.example, and mx.customer.example
	{"provider-b", netip.MustParseAddr("203.0.113.129"), false}, // spfb.protection.outlook.example
	{"own MX", netip.MustParseAddr("203.0.113.200"), false},     // mx.new.example
	{"listed", netip.MustParseAddr("192.0.2.100"), false},       // in the loop's record
	{"unknown", netip.MustParseAddr("198.18.0.1"), false},
}

// own lists, per domain, the senders that are the customer's own servers
// although no SPF record lists them yet: the outbound hosts of the
// provider its MX points to, or the MX host itself.
var own = map[string][]string{
	"hosted.example": {"provider", "provider-b"},
	"new.example":    {"own MX"},
}

func known(domain string, s host, before outcome) bool {
	for _, name := range own[domain] {
		if name == s.name {
			return true
		}
	}
	return s.dkim || before.spf == spf.StatusPass
}

// spfRank orders SPF results by how receivers treat the mail.
func spfRank(s spf.Status) int {
	switch s {
	case spf.StatusPass:
		return 3
	case spf.StatusNone, spf.StatusNeutral:
		return 2
	case spf.StatusSoftFail:
		return 1
	}
	return 0
}

// outcome is what receivers decide for one sender's mail.
type outcome struct {
	spf         spf.Status
	dkim        bool // the sender's DKIM signature verifies (its key is published)
	disposition dmarc.Policy
}

// planFor checks domain against the profile through r.
func planFor(t *testing.T, r dnsrec.Resolver, p *domaincheck.Profile, domain string) *plan.Plan {
	t.Helper()
	pl, err := plan.Check(context.Background(), r, p.Requirements(domain, domaincheck.Evidence{})...)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// apply makes the changes in the zone.
func apply(t *testing.T, z *dnstest.Zone, cs plan.Changes) {
	t.Helper()
	for _, c := range cs {
		if err := z.Apply(c.Removed(), c.Added()); err != nil {
			t.Fatalf("%s: %v", c.Summary(), err)
		}
	}
}

// outcomes evaluates every sender for domain.
func outcomes(t *testing.T, r dnsrec.Resolver, domain string) map[string]outcome {
	t.Helper()
	out := map[string]outcome{}
	for _, s := range senders {
		out[s.name] = evaluate(t, r, domain, s)
	}
	return out
}

func evaluate(t *testing.T, r dnsrec.Resolver, domain string, s host) outcome {
	t.Helper()
	ctx := context.Background()
	res := (&spf.Checker{Resolver: r}).CheckHost(ctx, s.ip, domain, "info@"+domain, domain)
	signed := false
	if s.dkim {
		d, err := dkim.KeyCheck{Domain: domain, Selector: "default", Target: "default._domainkey.vendor.example"}.Check(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		signed = d.Satisfied
	}
	v, err := dmarc.Evaluate(ctx, r, dmarc.Input{From: domain,
		SPF:  dmarc.Identifier{Domain: domain, Pass: res.Status == spf.StatusPass},
		DKIM: []dmarc.Identifier{{Domain: domain, Pass: signed}}})
	if err != nil {
		t.Fatal(err)
	}
	return outcome{res.Status, signed, v.Disposition}
}

// failing reports whether an SPF result makes receivers treat the mail as
// failing: fail, or an error that receivers treat as failure. softfail
// (~all) only marks mail, and is what a new record ends with until the
// customer has confirmed their other senders.
func failing(s spf.Status) bool {
	return s == spf.StatusFail || s == spf.StatusPermError || s == spf.StatusTempError
}

func strictness(p dmarc.Policy) int {
	switch p {
	case dmarc.PolicyReject:
		return 2
	case dmarc.PolicyQuarantine:
		return 1
	}
	return 0
}

// worse says how after is worse than before for a sender, or "". For the
// customer's own senders every drop counts; for hosts nobody listed, only
// a drop to a failing result (a new record's ~all marks their mail, which
// the customer confirms before moving to -all).
func worse(known bool, before, after outcome) string {
	switch {
	case known && spfRank(after.spf) < spfRank(before.spf):
		return fmt.Sprintf("SPF %s became %s", before.spf, after.spf)
	case before.dkim && !after.dkim:
		return "its DKIM signature verified, and no longer does"
	case !failing(before.spf) && failing(after.spf):
		return fmt.Sprintf("SPF %s became %s", before.spf, after.spf)
	case strictness(after.disposition) > strictness(before.disposition):
		return fmt.Sprintf("DMARC disposition %s became %s", before.disposition, after.disposition)
	}
	return ""
}

// TestPlanPrefixesAreSafe applies every prefix of every demo domain's
// plan to a fresh copy of the demo zone and evaluates SPF and DMARC for
// each sender: a customer who stops after any step is never worse off
// than before, and after the whole plan the vendor passes wherever the
// plan could be made.
func TestPlanPrefixesAreSafe(t *testing.T) {
	v := demoProfile(t)
	for _, domain := range demoDomains {
		t.Run(domain, func(t *testing.T) {
			z := demo.Zone()
			pl := planFor(t, z, v, domain)
			before := outcomes(t, z, domain)
			customer := pl.Changes.For(plan.PartyCustomer)
			for n := 0; n <= len(customer); n++ {
				zn := demo.Zone()
				apply(t, zn, pl.Changes.For(plan.PartyVendor))
				apply(t, zn, customer[:n])
				after := outcomes(t, zn, domain)
				for _, s := range senders {
					if why := worse(known(domain, s, before[s.name]), before[s.name], after[s.name]); why != "" {
						t.Errorf("after %d of %d steps, mail from the %s (%s): %s\n%s", n, len(customer), s.name, s.ip, why, customer[:n].Text())
					}
				}
			}
		})
	}
}

// TestPlanConverges: applying the whole plan and checking again leaves
// nothing to do, and no check asks a DNS question twice.
func TestPlanConverges(t *testing.T) {
	v := demoProfile(t)
	for _, domain := range demoDomains {
		t.Run(domain, func(t *testing.T) {
			z := demo.Zone()
			pl := planFor(t, z, v, domain)
			if rep := z.Repeated(); len(rep) > 0 {
				t.Errorf("asked more than once: %v", rep)
			}
			apply(t, z, pl.Changes)
			again := planFor(t, z, v, domain)
			if len(again.Changes) != 0 {
				t.Errorf("after applying the plan, still to do:\n%s", again.Changes.Text())
			}
			assertOneRecordEach(t, z, domain)
		})
	}
}

// assertOneRecordEach: never two SPF records or two DMARC records.
func assertOneRecordEach(t *testing.T, r dnsrec.Resolver, domain string) {
	t.Helper()
	for name, prefix := range map[string]string{domain: "v=spf1", "_dmarc." + domain: "v=DMARC1"} {
		set, err := dnsrec.ReadSet(context.Background(), r, name, dnsrec.TypeTXT)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, rec := range set {
			if len(rec.Value()) >= len(prefix) && rec.Value()[:len(prefix)] == prefix {
				n++
			}
		}
		if n > 1 {
			t.Errorf("%d %s records at %s", n, prefix, name)
		}
	}
}

// TestPlanSafetyProperties checks the promises of the plan on the demo
// domains that show them.
func TestPlanSafetyProperties(t *testing.T) {
	v := demoProfile(t)
	ctx := context.Background()
	plans := map[string]*plan.Plan{}
	for _, d := range demoDomains {
		p, err := plan.Check(ctx, demo.Zone(), v.Requirements(d, domaincheck.Evidence{})...)
		if err != nil {
			t.Fatal(err)
		}
		plans[d] = p
	}
	added := func(d string, name string) string {
		for _, c := range plans[d].Changes {
			if c.Name == name {
				return c.Added()[0].Value()
			}
		}
		return ""
	}
	// A domain hosted at a known provider keeps its provider, with ~all.
	if got, want := added("hosted.example", "hosted.example."), "v=spf1 include:spf.protection.outlook.example include:spf.vendor.example ~all"; got != want {
		t.Errorf("hosted.example: %q, want %q", got, want)
	}
	// A domain with its own MX host keeps it.
	if got, want := added("new.example", "new.example."), "v=spf1 mx include:spf.vendor.example ~all"; got != want {
		t.Errorf("new.example: %q, want %q", got, want)
	}
	// A record at 10 lookups, and one that loops, get no SPF step, and a finding that says why.
	for d, code := range map[string]plan.Code{"full.example": spf.CodeTooManyLookups, "loop.example": spf.CodeIncludeLoop} {
		if added(d, d+".") != "" {
			t.Errorf("%s got an SPF step", d)
		}
		found := false
		for _, f := range plans[d].AllFindings() {
			found = found || (f.Code == code && f.Severity == plan.SeverityError)
		}
		if !found {
			t.Errorf("%s: no %s error finding", d, code)
		}
	}
	// DMARC never jumps past p=none while DKIM is missing, and the steps
	// are ordered DKIM, SPF, DMARC.
	for d, p := range plans {
		last := -1
		for _, c := range p.Changes.For(plan.PartyCustomer) {
			rank := map[plan.Stage]int{plan.StageDKIM: 0, plan.StageSPF: 1, plan.StageDMARC: 2}[c.Stage]
			if rank < last {
				t.Errorf("%s: steps out of order:\n%s", d, p.Changes.Text())
			}
			last = rank
			if c.Stage != plan.StageDMARC {
				continue
			}
			rec, err := dmarc.Parse(c.Added()[0].Value())
			if err != nil {
				t.Errorf("%s: the plan publishes a DMARC record that does not parse: %v", d, err)
				continue
			}
			if rec.EffectivePolicy() != dmarc.PolicyNone && d != "ready.example" {
				t.Errorf("%s: DMARC tightened to %s while DKIM is not yet published", d, rec.EffectivePolicy())
			}
		}
	}
}

// A domain whose vendor DKIM key is published and whose reports already
// show its mail passing moves to the next stage; only mail from unlisted
// hosts is then treated more strictly.
func TestPlanNextStage(t *testing.T) {
	z := demo.Zone()
	z.Add(`staged.example. IN TXT "v=spf1 include:spf.protection.outlook.example include:spf.vendor.example -all"
default._domainkey.staged.example. IN CNAME default._domainkey.vendor.example.
_dmarc.staged.example. IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"`)
	v := demoProfile(t)
	reqs := v.Requirements("staged.example", domaincheck.Evidence{ReportsPass: true})
	pl, err := plan.Check(context.Background(), z, reqs...)
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Changes) != 1 || pl.Changes[0].Added()[0].Value() != "v=DMARC1; p=quarantine; rua=mailto:dmarc@vendor.example" {
		t.Fatalf("plan:\n%s", pl.Changes.Text())
	}
	before := outcomes(t, z, "staged.example")
	if err := z.Apply(pl.Changes[0].Removed(), pl.Changes[0].Added()); err != nil {
		t.Fatal(err)
	}
	after := outcomes(t, z, "staged.example")
	for _, s := range senders {
		k := known("staged.example", s, before[s.name])
		if why := worse(k, before[s.name], after[s.name]); k && why != "" {
			t.Errorf("mail from the %s: %s", s.name, why)
		}
		if s.name == "unknown" && after[s.name].disposition != dmarc.PolicyQuarantine {
			t.Errorf("an unlisted host's mail is not quarantined: %+v", after[s.name])
		}
	}
}

// Two vendors and two DMARC recommendations on one domain give one SPF and
// one DMARC change that keep both vendors, with no question asked twice.
func TestTwoVendorsOnePlan(t *testing.T) {
	z := demo.Zone()
	z.Add(`spf.second.example. IN TXT "v=spf1 ip4:192.0.2.200 -all"
*._report._dmarc.second.example. IN TXT "v=DMARC1"`)
	first, second := demoProfile(t), demoProfile(t)
	second.SPF, second.DMARC.Reports = "include:spf.second.example", []string{"reports@second.example"}
	reqs := append(first.Requirements("customer.example", domaincheck.Evidence{}), second.Requirements("customer.example", domaincheck.Evidence{})...)
	pl, err := plan.Check(context.Background(), z, reqs...)
	if err != nil {
		t.Fatal(err)
	}
	if rep := z.Repeated(); len(rep) > 0 {
		t.Errorf("asked more than once: %v", rep)
	}
	want := map[string]string{
		"customer.example.":        "v=spf1 include:spf.protection.outlook.example include:spf.vendor.example include:spf.second.example -all",
		"_dmarc.customer.example.": "v=DMARC1; p=none; rua=mailto:postmaster@customer.example,mailto:dmarc@vendor.example,mailto:reports@second.example",
	}
	for _, c := range pl.Changes {
		if w, ok := want[c.Name]; ok {
			if got := c.Added()[0].Value(); got != w {
				t.Errorf("%s: %q, want %q", c.Name, got, w)
			}
			delete(want, c.Name)
		}
	}
	if len(want) > 0 || len(pl.Changes) != 3 {
		t.Errorf("want one DKIM, one SPF and one DMARC change:\n%s", pl.Changes.Text())
	}
}

// TestTypeChangeIsOneStep: replacing a pasted copy of the vendor's key
// (TXT) by the CNAME that delegates it is one step, one nsupdate message;
// split into a removal and an addition, the first half alone leaves the
// selector without a key, and the safety property says so.
func TestTypeChangeIsOneStep(t *testing.T) {
	const domain = "spaced.example"
	z := demo.Zone()
	pl := planFor(t, z, demoProfile(t), domain)
	var one *plan.Change
	for i, c := range pl.Changes {
		if c.Stage == plan.StageDKIM {
			if one != nil {
				t.Fatalf("more than one DKIM step:\n%s", pl.Changes.Text())
			}
			one = &pl.Changes[i]
		}
	}
	if one == nil || one.Action != plan.ActionReplace || len(one.Removed()) != 1 || one.Removed()[0].Type != dnsrec.TypeTXT || one.Added()[0].Type != dnsrec.TypeCNAME {
		t.Fatalf("the DKIM step: %+v", one)
	}
	if n := strings.Count(plan.Changes{*one}.NSUpdate(), "send\n"); n != 1 {
		t.Errorf("the replacement is %d nsupdate messages", n)
	}
	before := outcomes(t, z, domain)
	// The step itself keeps the vendor's signatures verifying.
	whole := demo.Zone()
	apply(t, whole, plan.Changes{*one})
	if why := worse(true, before["vendor"], outcomes(t, whole, domain)["vendor"]); why != "" {
		t.Errorf("after the one step: %s", why)
	}
	// Its first half alone does not.
	removal := plan.NewChange(one.Name, dnsrec.TypeTXT, one.Removed(), nil, one.Party, one.Stage)
	half := demo.Zone()
	apply(t, half, plan.Changes{removal})
	if why := worse(true, before["vendor"], outcomes(t, half, domain)["vendor"]); why == "" {
		t.Error("the safety property misses a selector left without its key")
	}
}
