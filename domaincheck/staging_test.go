package domaincheck_test

import (
	"context"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
)

// With evidence from a store of reports, the plan proposes the next DMARC
// stage when its condition holds, and otherwise says what is missing.
func TestEvidenceStaged(t *testing.T) {
	z := dnstest.MustZone(checkZone + `
a.example.                     IN TXT "v=spf1 include:spf.vendor.example -all"
default._domainkey.a.example.  IN CNAME default._domainkey.vendor.example.
_dmarc.a.example.              IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"
b.example.                     IN TXT "v=spf1 include:spf.vendor.example -all"
default._domainkey.b.example.  IN CNAME default._domainkey.vendor.example.
_dmarc.b.example.              IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"
c.example.                     IN TXT "v=spf1 include:spf.vendor.example -all"
default._domainkey.c.example.  IN CNAME default._domainkey.vendor.example.
_dmarc.c.example.              IN TXT "v=DMARC1; p=quarantine; t=y; rua=mailto:dmarc@vendor.example"
`)
	c := newChecker(t, z)
	c.Profile.DMARC.Goal = "reject"
	stages := map[string]*domaincheck.Staged{
		"a.example": {Current: domaincheck.StageNone, Next: domaincheck.StageQuarantinePartial},
		"b.example": {Current: domaincheck.StageNone, Missing: []string{"9 of 14 days of reports", "1 legitimate source fails: 198.51.100.7, newsletter.example, DKIM not aligned"}},
		"c.example": {Current: domaincheck.StageQuarantinePartial, Next: domaincheck.StageQuarantine},
	}
	c.Evidence = func(domain string) domaincheck.Evidence { return domaincheck.Evidence{Stage: stages[domain]} }
	ctx := context.Background()

	a := c.Check(ctx, "a.example")
	if len(a.Plan.Changes) != 1 || a.Plan.Changes[0].Added()[0].Value() != "v=DMARC1; p=quarantine; t=y; rua=mailto:dmarc@vendor.example" {
		t.Errorf("a.example (partial quarantine allowed): not proposed:\n%s", a.Text())
	}
	b := c.Check(ctx, "b.example")
	if len(b.Plan.Changes) != 0 || !strings.Contains(b.Text(), "9 of 14 days of reports; 1 legitimate source fails: 198.51.100.7, newsletter.example, DKIM not aligned") {
		t.Errorf("b.example (evidence missing): a change, or the missing evidence not said:\n%s", b.Text())
	}
	cr := c.Check(ctx, "c.example")
	if len(cr.Plan.Changes) != 1 || cr.Plan.Changes[0].Added()[0].Value() != "v=DMARC1; p=quarantine; rua=mailto:dmarc@vendor.example" {
		t.Errorf("c.example (full quarantine allowed): not proposed:\n%s", cr.Text())
	}
}

func TestStagingInProfile(t *testing.T) {
	base := `{"name": "Example CRM", "spf": "include:spf.vendor.example",
		"servers": [{"address": "192.0.2.10", "helo": "mta1.vendor.example"}],
		"dkim": [{"selector": "s1", "target": "s1._domainkey.vendor.example"}], "dmarc": {"goal": "reject", "staging": %s}}`
	p, err := domaincheck.ParseProfile([]byte(strings.Replace(base, "%s", `{"days": 21, "receivers": 3, "pass_rate": 99.5}`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if st := p.DMARC.Staging.Defaults(); st.Days != 21 || st.Receivers != 3 || st.PassRate != 99.5 || st.Window != 30 || st.Messages != 100 || st.Hold != 14 {
		t.Errorf("staging = %+v", st)
	}
	for _, bad := range []string{`{"days": -1}`, `{"pass_rate": 101}`, `{"days": 40}`, `{"dayz": 1}`} {
		if _, err := domaincheck.ParseProfile([]byte(strings.Replace(base, "%s", bad, 1))); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}
