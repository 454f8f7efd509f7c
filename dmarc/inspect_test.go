package dmarc_test

import (
	"context"
	"slices"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/plan"
)

const inspectZone = `
_dmarc.good.example.     IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@good.example,mailto:reports@vendor.example"
good.example._report._dmarc.vendor.example. IN TXT "v=DMARC1"
default._domainkey.good.example. IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
_dmarc.external.example. IN TXT "v=DMARC1; p=quarantine; rua=mailto:reports@analytics.example"
_dmarc.nodkim.example.   IN TXT "v=DMARC1; p=reject; rua=mailto:d@nodkim.example"
apex.example.            IN TXT "v=DMARC1; p=reject; rua=mailto:d@apex.example"
_dmarc.spf.example.      IN TXT "v=spf1 include:spf.vendor.example -all"
_dmarc.spf.example.      IN TXT "v=DMARC1; p=none; rua=mailto:d@spf.example"
_dmarc.two.example.      IN TXT "v=DMARC1; p=none"
_dmarc.two.example.      IN TXT "v=DMARC1; p=reject"
`

func TestInspect(t *testing.T) {
	tests := []struct {
		domain    string
		selectors []string
		codes     []plan.Code
		actions   []plan.Action
	}{
		{"good.example", []string{"default"}, nil, nil},
		{"external.example", nil, []plan.Code{dmarc.CodeExternalRUA}, []plan.Action{plan.ActionAdd}},
		{"nodkim.example", []string{"default", "key001"}, []plan.Code{dmarc.CodeRejectNoDKIM}, nil},
		{"apex.example", nil, []plan.Code{dmarc.CodeAtApex, dmarc.CodeNoRecord}, []plan.Action{plan.ActionAdd, plan.ActionRemove}},
		{"spf.example", nil, []plan.Code{dmarc.CodeSPFAtDMARC, dmarc.CodePolicyNone}, []plan.Action{plan.ActionRemove}},
		{"two.example", nil, []plan.Code{dmarc.CodeMultiple}, nil},
	}
	z := dnstest.MustZone(inspectZone)
	for _, tc := range tests {
		t.Run(tc.domain, func(t *testing.T) {
			in := dmarc.Inspect{Domain: tc.domain, DKIMSelectors: tc.selectors}
			res, err := in.Check(context.Background(), z)
			if err != nil {
				t.Fatal(err)
			}
			checkParams(t, res.Findings)
			if res.Satisfied != (plan.Worst(res.Findings) != plan.SeverityError) {
				t.Errorf("Satisfied %v with findings %v", res.Satisfied, res.Findings)
			}
			for _, code := range tc.codes {
				if !hasCode(res.Findings, code) {
					t.Errorf("no %s in %v", code, res.Findings)
				}
			}
			if len(tc.codes) == 0 && len(res.Findings) > 0 {
				t.Errorf("unexpected findings %v", res.Findings)
			}
			pl, err := plan.Check(context.Background(), z, in)
			if err != nil {
				t.Fatal(err)
			}
			if got := pl.Changes.Actions(); !slices.Equal(got, tc.actions) {
				t.Errorf("actions %v, want %v\n%s", got, tc.actions, pl.Changes.Text())
			}
		})
	}
	pl, _ := plan.Check(context.Background(), z, dmarc.Inspect{Domain: "external.example"})
	if len(pl.Changes) != 1 || pl.Changes[0].Name != "external.example._report._dmarc.analytics.example." ||
		pl.Changes[0].Added()[0].Value() != "v=DMARC1" || pl.Changes[0].Party != plan.PartyOther || pl.Changes[0].Zone != "analytics.example." {
		t.Errorf("authorization change: %+v", pl.Changes)
	}
	z.ResetQueries()
	res, _ := dmarc.Inspect{Domain: "good.example"}.Check(context.Background(), z)
	if rep := z.Repeated(); len(rep) > 0 {
		t.Errorf("asked more than once in one inspection: %v", rep)
	}
	if len(res.Reports) != 2 || res.Reports[0].External || !res.Reports[1].External || !res.Reports[1].Authorized {
		t.Errorf("reports %+v", res.Reports)
	}
}

func TestRecommend(t *testing.T) {
	z := dnstest.MustZone(`
_dmarc.monitoring.example. IN TXT "v=DMARC1; p=none; rua=mailto:own@monitoring.example"
_dmarc.strict.example.     IN TXT "v=DMARC1; p=reject; rua=mailto:own@strict.example,mailto:dmarc@vendor.example"
_dmarc.legacy.example.     IN TXT "v=DMARC1; p=quarantine; pct=5; rua=mailto:own@legacy.example"
_dmarc.spaces.example.     IN TXT "v = DMARC1; p = none"
_dmarc.spfthere.example.   IN TXT "v=spf1 include:spf.vendor.example -all"
_dmarc.twice.example.      IN TXT "v=DMARC1; p=none; rua=mailto:a@twice.example"
_dmarc.twice.example.      IN TXT "v=DMARC1; p=quarantine; rua=mailto:b@twice.example"
`)
	rec := dmarc.Settings{Policy: dmarc.PolicyQuarantine, Reports: []string{"dmarc@vendor.example"}}
	tests := []struct {
		domain    string
		satisfied bool
		actions   []plan.Action
		proposed  string
		next      string // the next stage, "" when none
	}{
		// No DKIM key is known: p=none with reports first, quarantine next.
		{"new.example", false, []plan.Action{plan.ActionAdd, plan.ActionAdd}, "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example",
			"v=DMARC1; p=quarantine; rua=mailto:dmarc@vendor.example"},
		// The customer's own report address is kept.
		{"monitoring.example", false, []plan.Action{plan.ActionUpdate, plan.ActionAdd}, "v=DMARC1; p=none; rua=mailto:own@monitoring.example,mailto:dmarc@vendor.example",
			"v=DMARC1; p=quarantine; rua=mailto:own@monitoring.example,mailto:dmarc@vendor.example"},
		// Never loosened; nothing to wait for.
		{"strict.example", false, []plan.Action{plan.ActionAdd}, "v=DMARC1; p=reject; rua=mailto:own@strict.example,mailto:dmarc@vendor.example", ""},
		// pct=5 is removed by RFC 9989: it becomes t=y.
		{"legacy.example", false, []plan.Action{plan.ActionUpdate, plan.ActionAdd}, "v=DMARC1; p=quarantine; t=y; rua=mailto:own@legacy.example,mailto:dmarc@vendor.example", ""},
		// A record with spaces around "=" is replaced, never left beside a second one.
		{"spaces.example", false, []plan.Action{plan.ActionUpdate, plan.ActionAdd}, "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example",
			"v=DMARC1; p=quarantine; rua=mailto:dmarc@vendor.example"},
		// An SPF record at _dmarc is replaced by the DMARC record.
		{"spfthere.example", false, []plan.Action{plan.ActionUpdate, plan.ActionAdd}, "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example",
			"v=DMARC1; p=quarantine; rua=mailto:dmarc@vendor.example"},
		// Two records become one, with both report addresses.
		{"twice.example", false, []plan.Action{plan.ActionUpdate, plan.ActionAdd}, "v=DMARC1; p=none; rua=mailto:a@twice.example,mailto:dmarc@vendor.example,mailto:b@twice.example",
			"v=DMARC1; p=quarantine; rua=mailto:a@twice.example,mailto:dmarc@vendor.example,mailto:b@twice.example"},
	}
	for _, tc := range tests {
		t.Run(tc.domain, func(t *testing.T) {
			req := dmarc.Recommend{Domain: tc.domain, Settings: rec}
			p, err := req.Check(context.Background(), z)
			if err != nil {
				t.Fatal(err)
			}
			if p.Satisfied != tc.satisfied || p.Proposed != tc.proposed || p.Next != tc.next {
				t.Errorf("satisfied %v proposed %q next %q; want %v %q %q", p.Satisfied, p.Proposed, p.Next, tc.satisfied, tc.proposed, tc.next)
			}
			checkParams(t, p.Findings)
			if (p.Next != "") != hasCode(p.Findings, dmarc.CodeStaged) {
				t.Errorf("next stage %q without its finding, or the reverse: %v", p.Next, p.Findings)
			}
			pl, err := plan.Check(context.Background(), z, req)
			if err != nil {
				t.Fatal(err)
			}
			checkParams(t, pl.AllFindings())
			if got := pl.Changes.Actions(); !slices.Equal(got, tc.actions) {
				t.Errorf("actions %v, want %v\n%s", got, tc.actions, pl.Changes.Text())
			}
			// The vendor's report address is on another domain, which has
			// not authorized it: the vendor's own change says what to publish.
			for _, c := range pl.Changes {
				if c.Name == "_dmarc."+tc.domain+"." && (c.Party != plan.PartyCustomer || c.Added()[0].Value() != tc.proposed) {
					t.Errorf("customer change %+v", c)
				}
				if c.Name == tc.domain+"._report._dmarc.vendor.example." && (c.Party != plan.PartyVendor || c.Zone != "vendor.example.") {
					t.Errorf("vendor change %+v", c)
				}
			}
		})
	}
	z.Add("*._report._dmarc.vendor.example. IN TXT \"v=DMARC1\"")
	pl, err := plan.Check(context.Background(), z, dmarc.Recommend{Domain: "strict.example", Settings: rec})
	if err != nil || !pl.Reports[0].Satisfied || !pl.Satisfied() {
		t.Errorf("plan.Check: %+v %v", pl.Reports[0], err)
	}
}

// Two vendors' recommendations on one domain give one change that keeps
// every report address, and no question is asked twice.
func TestRecommendTwoVendors(t *testing.T) {
	z := dnstest.MustZone(`
_dmarc.customer.example. IN TXT "v=DMARC1; p=none; rua=mailto:own@customer.example"
*._report._dmarc.vendor.example. IN TXT "v=DMARC1"
*._report._dmarc.other.example. IN TXT "v=DMARC1"
`)
	pl, err := plan.Check(context.Background(), z,
		dmarc.Recommend{Domain: "customer.example", Settings: dmarc.Settings{Reports: []string{"dmarc@vendor.example"}}},
		dmarc.Recommend{Domain: "customer.example", Settings: dmarc.Settings{Policy: dmarc.PolicyQuarantine, Reports: []string{"d@other.example"}}})
	if err != nil {
		t.Fatal(err)
	}
	if rep := z.Repeated(); len(rep) > 0 {
		t.Errorf("asked more than once: %v", rep)
	}
	want := "v=DMARC1; p=none; rua=mailto:own@customer.example,mailto:dmarc@vendor.example,mailto:d@other.example"
	if len(pl.Changes) != 1 || pl.Changes[0].Added()[0].Value() != want {
		t.Errorf("want one change to %q:\n%s", want, pl.Changes.Text())
	}
}

// The policy is tightened past p=none only once the vendor's DKIM key is
// published, the record already sends reports to the vendor, and the
// reports show that the domain's legitimate mail passes.
func TestRecommendStages(t *testing.T) {
	key := "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
	z := dnstest.MustZone(`
default._domainkey.vendor.example.   IN TXT "` + key + `"
*._report._dmarc.vendor.example.     IN TXT "v=DMARC1"
_dmarc.nokey.example.                IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"
default._domainkey.keyed.example.    IN CNAME default._domainkey.vendor.example.
_dmarc.keyed.example.                IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"
default._domainkey.noreports.example. IN CNAME default._domainkey.vendor.example.
`)
	goal := dmarc.Settings{Policy: dmarc.PolicyQuarantine, Reports: []string{"dmarc@vendor.example"}}
	for _, tc := range []struct {
		domain      string
		reportsPass bool
		proposed    string
	}{
		{"nokey.example", true, "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"},       // DKIM missing: stays at p=none
		{"keyed.example", false, "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"},      // the reports have not shown it safe
		{"keyed.example", true, "v=DMARC1; p=quarantine; rua=mailto:dmarc@vendor.example"}, // DKIM published, reports clean: next stage
		{"noreports.example", true, "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"},   // DKIM published, no record yet: reports first
	} {
		kc := dkim.KeyCheck{Domain: tc.domain, Selector: "default", Target: "default._domainkey.vendor.example"}
		res, err := dmarc.Recommend{Domain: tc.domain, Settings: goal, DKIM: []dkim.KeyCheck{kc}, ReportsPass: tc.reportsPass}.Check(context.Background(), z)
		if err != nil {
			t.Fatal(err)
		}
		checkParams(t, res.Findings)
		if res.Proposed != tc.proposed {
			t.Errorf("%s: proposed %q, want %q (next %q when %s)", tc.domain, res.Proposed, tc.proposed, res.Next, res.NextWhen)
		}
	}
}

// A record that states p=reject beside an invalid sp is applied as p=none
// (RFC 7489, Section 6.6.3): the proposal keeps what receivers apply and
// stages from there, and its reason says that the stated policy was not
// in force rather than claiming to keep the domain's own policy.
func TestRecommendRepairsIgnoredPolicy(t *testing.T) {
	z := dnstest.MustZone(`
_dmarc.badsp.example. IN TXT "v=DMARC1; p=reject; sp=bogus; rua=mailto:d@badsp.example"
_dmarc.badp.example.  IN TXT "v=DMARC1; p=rejekt; rua=mailto:d@badp.example"
_dmarc.good.example.  IN TXT "v=DMARC1; p=none; rua=mailto:d@good.example"
`)
	settings := dmarc.Settings{Policy: dmarc.PolicyQuarantine, Reports: []string{"dmarc@vendor.example"}}
	for _, tc := range []struct{ domain, written, reason string }{
		{"badsp.example", "reject", "repair the DMARC record: receivers ignore its p=reject and apply p=none, because a part of it is invalid; the repaired record has p=none for now and keeps the domain's report addresses"},
		{"badp.example", "rejekt", "repair the DMARC record: receivers ignore its p=rejekt and apply p=none, because a part of it is invalid; the repaired record has p=none for now and keeps the domain's report addresses"},
		{"good.example", "", "add the recommended settings, keeping the domain's own policy and report addresses"},
	} {
		pl, err := plan.Check(context.Background(), z, dmarc.Recommend{Domain: tc.domain, Settings: settings})
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, c := range pl.Changes {
			if c.Name != "_dmarc."+tc.domain+"." {
				continue
			}
			found = true
			if len(c.Reasons) != 1 || c.Reasons[0].Text != tc.reason || c.Reasons[0].Params["written"] != tc.written {
				t.Errorf("%s: reasons %+v, want %q", tc.domain, c.Reasons, tc.reason)
			}
			if got := c.Added()[0].Value(); got != "v=DMARC1; p=none; rua=mailto:d@"+tc.domain+",mailto:dmarc@vendor.example" {
				t.Errorf("%s: proposed %q", tc.domain, got)
			}
		}
		if !found {
			t.Errorf("%s: no change to its DMARC record:\n%s", tc.domain, pl.Changes.Text())
		}
	}
}
