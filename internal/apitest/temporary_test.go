package apitest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/feedback"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/sender"
	"github.com/domainauth/domainauth/spf"
)

// servfail is a resolver every question of which fails temporarily, as a
// recursive resolver does when the domain's servers are down.
type servfail struct{}

func (servfail) Lookup(_ context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	return nil, &dnsrec.Error{Name: name, Type: t, Err: dnsrec.ErrServFail}
}

// TestTemporaryFailureIsOneQuestion calls every public entry point that
// asks DNS with a resolver that fails temporarily: each says so in a way
// errors.Is(err, dnsrec.ErrTemporary) recognizes, whichever package it is
// in and whether it returns an error or a result holding one.
func TestTemporaryFailureIsOneQuestion(t *testing.T) {
	r := servfail{}
	ctx := context.Background()
	ip := netip.MustParseAddr("192.0.2.1")
	profile, err := domaincheck.ParseProfile([]byte(`{"name": "Example CRM", "spf": "include:spf.vendor.example", "servers": [{"address": "192.0.2.1",
		"helo": "smtp.vendor.example"}], "dkim": [{"selector": "default", "target": "default._domainkey.vendor.example"}], "dmarc": {"minimum": "none"}}`))
	if err != nil {
		t.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(bytes.NewReader(make([]byte, 64)))
	var signed bytes.Buffer
	if err := (&dkim.Signer{Domain: "customer.example", Selector: "s", Key: key}).Sign(&signed,
		strings.NewReader("From: a@customer.example\r\nTo: b@example.com\r\nSubject: x\r\n\r\nbody\r\n")); err != nil {
		t.Fatal(err)
	}
	rec := dmarc.MustParse("v=DMARC1; p=none; rua=mailto:d@reports.example")
	first := func(errs ...error) error {
		for _, e := range errs {
			if e != nil {
				return e
			}
		}
		return nil
	}
	checks := map[string]func() error{
		"spf.Checker.CheckHost": func() error {
			return (&spf.Checker{Resolver: r}).CheckHost(ctx, ip, "customer.example", "a@customer.example", "h.example").Err
		},
		"spf.Checker.CheckMailFrom": func() error {
			return (&spf.Checker{Resolver: r}).CheckMailFrom(ctx, ip, "a@customer.example", "h.example").Err
		},
		"spf.Checker.CheckHELO": func() error { return (&spf.Checker{Resolver: r}).CheckHELO(ctx, ip, "h.example").Err },
		"spf.Analyze":           func() error { _, err := spf.Analyze(ctx, r, "customer.example"); return err },
		"spf.AnalyzeRecord": func() error {
			_, err := spf.AnalyzeRecord(ctx, r, "customer.example", "v=spf1 include:x.example -all")
			return err
		},
		"spf.Authorize.Check": func() error {
			_, err := spf.Authorize{Domain: "customer.example", Term: "mx"}.Check(ctx, r)
			return err
		},
		"spf.Authorize.Require": func() error {
			_, err := spf.Authorize{Domain: "customer.example", Term: "mx"}.Require(ctx, r)
			return err
		},
		"dkim.KeyCheck.Check": func() error {
			_, err := dkim.KeyCheck{Domain: "customer.example", Selector: "s"}.Check(ctx, r)
			return err
		},
		"dkim.KeyCheck.Require": func() error {
			_, err := dkim.KeyCheck{Domain: "customer.example", Selector: "s"}.Require(ctx, r)
			return err
		},
		"dkim.Verify": func() error {
			vs, err := dkim.Verify(ctx, r, bytes.NewReader(signed.Bytes()))
			if err != nil || len(vs) != 1 {
				return fmt.Errorf("%d verifications, err %w", len(vs), err)
			}
			return vs[0].Err
		},
		"dmarc.Discover":       func() error { _, err := dmarc.Discover(ctx, r, "customer.example"); return err },
		"dmarc.Rules.Discover": func() error { _, err := dmarc.RFC7489.Discover(ctx, r, "customer.example"); return err },
		"dmarc.Evaluate":       func() error { _, err := dmarc.Evaluate(ctx, r, dmarc.Input{From: "customer.example"}); return err },
		"dmarc.Rules.Aligned": func() error {
			_, err := dmarc.RFC9989.Aligned(ctx, r, "customer.example", "mail.customer.example", dmarc.AlignRelaxed)
			return err
		},
		"dmarc.Rules.OrgDomain":        func() error { _, err := dmarc.RFC9989.OrgDomain(ctx, r, "mail.customer.example"); return err },
		"dmarc.Rules.AuthorizeReports": func() error { _, err := dmarc.RFC9989.AuthorizeReports(ctx, r, "customer.example", rec); return err },
		"dmarc.Inspect.Check":          func() error { _, err := dmarc.Inspect{Domain: "customer.example"}.Check(ctx, r); return err },
		"dmarc.Recommend.Check": func() error {
			_, err := dmarc.Recommend{Domain: "customer.example", Settings: dmarc.Settings{Policy: dmarc.PolicyNone}}.Check(ctx, r)
			return err
		},
		"feedback.Summarize": func() error {
			report, err := feedback.ParseAggregateReport(strings.NewReader(aggregateReport))
			if err != nil {
				return fmt.Errorf("the test's report: %v", err)
			}
			_, err = feedback.Summarize(ctx, r, "customer.example", "include:spf.vendor.example", report)
			return err
		},
		"dnsrec.ReadSet": func() error { _, err := dnsrec.ReadSet(ctx, r, "customer.example", dnsrec.TypeTXT); return err },
		"plan.Check": func() error {
			pl, err := plan.Check(ctx, r, profile.Requirements("customer.example", domaincheck.Evidence{})...)
			return first(err, pl.Reports[0].Err)
		},
		"domaincheck.Checker.Check": func() error {
			rep := (&domaincheck.Checker{Profile: profile, Resolver: r}).Check(ctx, "customer.example")
			if rep.Status != domaincheck.DomainNotChecked {
				return errors.New("status " + string(rep.Status))
			}
			return rep.Area(domaincheck.AreaDKIM).Err
		},
		"domaincheck.Checker.CheckVendor": func() error {
			return (&domaincheck.Checker{Profile: profile, Resolver: r}).CheckVendor(ctx).Err
		},
		"domaincheck.Checker.CheckBatch": func() error {
			var got error
			err := (&domaincheck.Checker{Profile: profile, Resolver: r}).CheckBatch(ctx, []string{"customer.example"}, domaincheck.BatchOptions{}, func(rep *domaincheck.DomainReport) {
				got = rep.Area(domaincheck.AreaSPF).Err
			})
			return first(err, got)
		},
		"sender.Verifier.Verify": func() error {
			return (&domaincheck.Verifier{Checker: &domaincheck.Checker{Profile: profile, Resolver: r}}).Verify(ctx, "customer.example").Err
		},
		"sender.Policy.Select": func() error {
			p, err := sender.New(sender.Config{Domains: []sender.Domain{{Domain: "crm.example"}}, Default: "noreply@crm.example",
				DNS: &domaincheck.Verifier{Checker: &domaincheck.Checker{Profile: profile, Resolver: r}}})
			if err != nil {
				return err
			}
			return p.Select(ctx, sender.Request{From: "a@customer.example"}).DNS.Err
		},
		"feedback.Diagnose": func() error {
			_, err := feedback.Diagnose(ctx, r, feedback.MechSPF, "customer.example", ip, profile.Requirements("customer.example", domaincheck.Evidence{})...)
			return err
		},
		"dnsrec.Cache.Lookup": func() error {
			_, err := (&dnsrec.Cache{Resolver: r}).Lookup(ctx, "customer.example", dnsrec.TypeTXT)
			return err
		},
	}
	for name, check := range checks {
		t.Run(name, func(t *testing.T) {
			err := check()
			var de *dnsrec.Error
			if !errors.Is(err, dnsrec.ErrTemporary) {
				t.Errorf("err = %v, want errors.Is(err, dnsrec.ErrTemporary)", err)
			} else if !errors.As(err, &de) && name != "dkim.Verify" {
				t.Errorf("err = %v: the failed question (*dnsrec.Error) is not in the chain", err)
			}
		})
	}
}

// aggregateReport is a minimal DMARC aggregate report (RFC 7489, Appendix C).
const aggregateReport = `<?xml version="1.0"?>
<feedback><report_metadata><org_name>receiver.example</org_name><email>r@receiver.example</email><report_id>1</report_id>
<date_range><begin>1700000000</begin><end>1700086400</end></date_range></report_metadata>
<policy_published><domain>customer.example</domain><p>none</p></policy_published>
<record><row><source_ip>192.0.2.1</source_ip><count>3</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>
<identifiers><header_from>customer.example</header_from></identifiers>
<auth_results><spf><domain>customer.example</domain><result>fail</result></spf></auth_results></record></feedback>`
