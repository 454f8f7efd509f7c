package dmarc_test

import (
	"context"
	"slices"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
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
		codes     []dnsrec.Code
		actions   []dnsrec.Action
	}{
		{"good.example", []string{"default"}, nil, nil},
		{"external.example", nil, []string{dmarc.CodeExternalRUA}, []dnsrec.Action{dnsrec.ActionAdd}},
		{"nodkim.example", []string{"default", "key001"}, []string{dmarc.CodeRejectNoDKIM}, nil},
		{"apex.example", nil, []string{dmarc.CodeAtApex, dmarc.CodeNoRecord}, []dnsrec.Action{dnsrec.ActionRemove, dnsrec.ActionAdd}},
		{"spf.example", nil, []string{dmarc.CodeSPFAtDMARC, dmarc.CodePolicyNone}, []dnsrec.Action{dnsrec.ActionRemove}},
		{"two.example", nil, []string{dmarc.CodeMultiple}, nil},
	}
	z := dnstest.MustZone(inspectZone)
	for _, tc := range tests {
		t.Run(tc.domain, func(t *testing.T) {
			res, err := dmarc.Inspect{Domain: tc.domain, DKIMSelectors: tc.selectors}.Run(context.Background(), z)
			if err != nil {
				t.Fatal(err)
			}
			for _, code := range tc.codes {
				if !hasCode(res.Findings, code) {
					t.Errorf("no %s in %v", code, res.Findings)
				}
			}
			if len(tc.codes) == 0 && len(res.Findings) > 0 {
				t.Errorf("unexpected findings %v", res.Findings)
			}
			if got := res.Changes.Actions(); !slices.Equal(got, tc.actions) {
				t.Errorf("actions %v, want %v", got, tc.actions)
			}
		})
	}
	res, _ := dmarc.Inspect{Domain: "external.example"}.Run(context.Background(), z)
	if len(res.Changes) != 1 || res.Changes[0].New.Name != "external.example._report._dmarc.analytics.example." || res.Changes[0].New.Value() != "v=DMARC1" {
		t.Errorf("authorization change: %s", res.Changes.Text())
	}
	z.ResetQueries()
	res, _ = dmarc.Inspect{Domain: "good.example"}.Run(context.Background(), z)
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
`)
	rec := dmarc.Settings{Policy: dmarc.PolicyQuarantine, Reports: []string{"dmarc@vendor.example"}}
	tests := []struct {
		domain    string
		satisfied bool
		action    dnsrec.Action
		proposed  string
	}{
		{"new.example", false, dnsrec.ActionAdd, "v=DMARC1; p=quarantine; rua=mailto:dmarc@vendor.example"},
		// tightening keeps the customer's own report address
		{"monitoring.example", false, dnsrec.ActionUpdate, "v=DMARC1; p=quarantine; rua=mailto:own@monitoring.example,mailto:dmarc@vendor.example"},
		// never loosened
		{"strict.example", true, dnsrec.ActionNone, "v=DMARC1; p=reject; rua=mailto:own@strict.example,mailto:dmarc@vendor.example"},
		// pct=5 is removed by RFC 9989: it becomes t=y
		{"legacy.example", false, dnsrec.ActionUpdate, "v=DMARC1; p=quarantine; t=y; rua=mailto:own@legacy.example,mailto:dmarc@vendor.example"},
	}
	for _, tc := range tests {
		p, err := dmarc.Recommend{Domain: tc.domain, Settings: rec}.Plan(context.Background(), z)
		if err != nil {
			t.Fatal(err)
		}
		if p.Satisfied != tc.satisfied || p.Proposed != tc.proposed || p.Changes[0].Action != tc.action {
			t.Errorf("%s: satisfied %v proposed %q changes %v", tc.domain, p.Satisfied, p.Proposed, p.Changes)
		}
	}
	// The vendor's report address is on another domain, which has not
	// authorized it: the plan says so and what the vendor must publish.
	p, err := dmarc.Recommend{Domain: "monitoring.example", Settings: rec}.Plan(context.Background(), z)
	if err != nil || !hasCode(p.Findings, dmarc.CodeExternalRUA) || len(p.Changes) != 2 ||
		p.Changes[1].New.Name != "monitoring.example._report._dmarc.vendor.example." {
		t.Errorf("external report authorization in the plan: %v %v\n%s", p.Findings, err, p.Changes.Text())
	}
	z.Add("*._report._dmarc.vendor.example. IN TXT \"v=DMARC1\"")
	reports, err := dnsrec.CheckAll(context.Background(), z, dmarc.Recommend{Domain: "strict.example", Settings: rec})
	if err != nil || !reports[0].Satisfied {
		t.Errorf("CheckAll: %+v %v", reports[0], err)
	}
}
