package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/feedback"
)

// fill stores reports for days [0, n) from each receiver, with the rows
// given.
func fill(t *testing.T, s Store, n int, orgs []string, rows ...row) {
	t.Helper()
	ctx := context.Background()
	for d := range n {
		for _, org := range orgs {
			r := received(t, reportXML(org, fmt.Sprintf("%s-%d", org, d), "customer.example", day0.AddDate(0, 0, d), rows...))
			if _, err := s.AddReport(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestEvidenceMissing(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		fill(t, s, 9, []string{"Google"},
			row{ip: "192.0.2.1", count: 10, dkim: true, spf: true},
			row{ip: "198.51.100.7", count: 8, dkim: true},
			row{ip: "198.51.100.7", count: 2, spfRaw: "bounce.newsletter.example=pass"},
			row{ip: "203.0.113.5", count: 1, disp: "none", reason: "forwarded"},
			row{ip: "203.0.113.99", count: 3})
		now := day0.AddDate(0, 0, 9)
		e, err := ComputeEvidence(ctx, s, "Customer.Example.", EvidenceOptions{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if e.Days != 9 || e.Receivers != 1 || e.Reports != 9 || e.Messages != 9*24 || e.Passed != 9*18 {
			t.Errorf("days %d receivers %d reports %d messages %d passed %d", e.Days, e.Receivers, e.Reports, e.Messages, e.Passed)
		}
		if e.Legitimate != 9*20 || e.LegitimatePassed != 9*18 || e.PassRate != 90 {
			t.Errorf("legitimate %d, passed %d, rate %v", e.Legitimate, e.LegitimatePassed, e.PassRate)
		}
		if e.Unaligned != 0 || e.Unauthenticated != 9*4 {
			t.Errorf("unaligned %d, unauthenticated %d", e.Unaligned, e.Unauthenticated)
		}
		if e.Stage != domaincheck.StageNone || e.Next != "" {
			t.Errorf("stage %q next %q", e.Stage, e.Next)
		}
		want := []string{
			"9 of 14 days of reports",
			"reports from 1 of 2 receivers",
			"90.0% of the legitimate mail passes DMARC, 98% needed",
			"1 legitimate source fails: 198.51.100.7, DKIM not aligned (18 of 90 messages fail DMARC)",
			"1 source is delivered only by the receivers' overrides: 203.0.113.5, 9 of 9 messages fail DMARC and were delivered only because the receiver overrode the policy (forwarded)",
		}
		if got := strings.Join(e.Missing, "\n"); got != strings.Join(want, "\n") {
			t.Errorf("Missing:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
		}
		if len(e.Hurt) != 2 || e.Hurt[0].IP.String() != "198.51.100.7" || e.Hurt[1].IP.String() != "203.0.113.5" {
			t.Errorf("Hurt = %+v", e.Hurt)
		}
		// A window of 5 days sees 5 of them.
		e, err = ComputeEvidence(ctx, s, "customer.example", EvidenceOptions{Now: now.AddDate(0, 0, -1), Window: 5})
		if err != nil || e.Days != 5 {
			t.Errorf("5-day window: %d days, %v", e.Days, err)
		}
	})
}

func TestEvidenceStages(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		fill(t, s, 20, []string{"Google", "Yahoo"},
			row{ip: "192.0.2.1", count: 10, dkim: true, spf: true},
			row{ip: "203.0.113.99", count: 3})
		now := day0.AddDate(0, 0, 20)
		ev := func(goal dmarc.Policy) *Evidence {
			e, err := ComputeEvidence(ctx, s, "customer.example", EvidenceOptions{Now: now, Goal: goal})
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		if e := ev(dmarc.PolicyReject); e.Next != domaincheck.StageQuarantinePartial || len(e.Missing) != 0 || e.Unauthenticated != 120 {
			t.Fatalf("none with good reports: next %q, missing %q", e.Next, e.Missing)
		}
		// The goal caps the stages.
		if e := ev(dmarc.PolicyNone); e.Next != "" {
			t.Errorf("goal none: next %q", e.Next)
		}
		// The partial stage, in force for 10 days: 4 more to hold.
		for d := 10; d >= 0; d-- {
			if err := s.AddCheck(ctx, Check{Domain: "customer.example", At: now.AddDate(0, 0, -d), Status: "ready", Policy: dmarc.PolicyQuarantine, Partial: true}); err != nil {
				t.Fatal(err)
			}
		}
		e := ev(dmarc.PolicyReject)
		if e.Stage != domaincheck.StageQuarantinePartial || !e.Since.Equal(now.AddDate(0, 0, -10)) || e.Next != "" ||
			fmt.Sprint(e.Missing) != "[quarantine-partial in force for 10 of 14 days]" {
			t.Fatalf("partial for 10 days: stage %q since %v next %q missing %q", e.Stage, e.Since, e.Next, e.Missing)
		}
		now = now.AddDate(0, 0, 4)
		if e := ev(dmarc.PolicyReject); e.Next != domaincheck.StageQuarantine {
			t.Errorf("partial for 14 days: next %q, missing %q", e.Next, e.Missing)
		}
		if err := s.AddCheck(ctx, Check{Domain: "customer.example", At: now, Status: "ready", Policy: dmarc.PolicyQuarantine}); err != nil {
			t.Fatal(err)
		}
		if e := ev(dmarc.PolicyQuarantine); e.Stage != domaincheck.StageQuarantine || e.Next != "" || len(e.Missing) != 0 {
			t.Errorf("at the goal: stage %q next %q missing %q", e.Stage, e.Next, e.Missing)
		}
	})
}

func TestEvidenceFuncForChecker(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		fill(t, s, 3, []string{"Google"}, row{ip: "192.0.2.1", count: 10, dkim: true})
		f := EvidenceFunc(ctx, s, domaincheck.DMARCNeed{Goal: dmarc.PolicyReject}, nil, nil)
		ev := f("customer.example")
		if ev.ReportsPass || ev.Stage == nil || ev.Stage.Next != "" || len(ev.Stage.Missing) == 0 {
			t.Fatalf("Evidence = %+v", ev)
		}
		var failed error
		s.Close()
		ev = EvidenceFunc(ctx, s, domaincheck.DMARCNeed{Goal: dmarc.PolicyReject}, nil, func(_ string, err error) { failed = err })("customer.example")
		if failed == nil || ev.Stage != nil || ev.ReportsPass {
			t.Errorf("closed store: %+v, %v", ev, failed)
		}
	})
}

func TestVendorSources(t *testing.T) {
	p, err := domaincheck.ParseProfile([]byte(`{"name": "Example CRM", "spf": "include:spf.vendor.example",
		"servers": [{"address": "192.0.2.10", "helo": "mta1.vendor.example"}], "addresses": ["198.51.100.0/24"],
		"dkim": [{"selector": "s1", "target": "s1._domainkey.vendor.example"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		r := received(t, reportXML("G", "1", "customer.example", day0,
			row{ip: "192.0.2.10", count: 5, dkim: true}, row{ip: "198.51.100.7", count: 2}, row{ip: "203.0.113.1", count: 1}))
		r.Sources = VendorSources(p)
		if _, err := s.AddReport(ctx, r); err != nil {
			t.Fatal(err)
		}
		e, err := ComputeEvidence(ctx, s, "customer.example", EvidenceOptions{Now: day0})
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(e.Hurt)
		if len(e.Hurt) != 1 || e.Hurt[0].IP.String() != "198.51.100.7" || !strings.Contains(got, "the vendor's server, neither SPF nor DKIM aligned") {
			t.Errorf("Hurt = %s", got)
		}
		if e.Sources[0].Kind != feedback.SourceVendor || e.Sources[0].Host != "mta1.vendor.example" || e.Sources[2].Kind != feedback.SourceUnauthenticated {
			t.Errorf("Sources = %+v", e.Sources)
		}
	})
}
