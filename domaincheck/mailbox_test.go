package domaincheck_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/mailbox"
)

// TestProfileProviders: the providers and the bulk flag read from JSON in
// snake case, default to all three providers and not bulk, and a wrong
// provider is an error naming the field.
func TestProfileProviders(t *testing.T) {
	p, err := domaincheck.ParseProfile([]byte(profileJSON))
	if err != nil {
		t.Fatal(err)
	}
	if p.Providers != nil || p.BulkSender {
		t.Errorf("defaults: providers %v, bulk %v", p.Providers, p.BulkSender)
	}
	p, err = domaincheck.ParseProfile(withProfile(t, `"providers": ["yahoo", "gmail"], "bulk_sender": true`))
	if err != nil || !reflect.DeepEqual(p.Providers, []mailbox.Provider{mailbox.Yahoo, mailbox.Gmail}) || !p.BulkSender {
		t.Fatalf("providers %v, bulk %v, err %v", p.Providers, p.BulkSender, err)
	}
	if p, err = domaincheck.ParseProfile(withProfile(t, `"providers": []`)); err != nil || p.Providers != nil {
		t.Errorf("an empty list: %v, %v", p.Providers, err)
	}
	for field, bad := range map[string]string{
		"providers[0]": `"providers": ["hotmail"]`,
		"providers[1]": `"providers": ["gmail", "gmail"]`,
	} {
		_, err := domaincheck.ParseProfile(withProfile(t, bad))
		var pe *domaincheck.ProfileError
		if !errors.As(err, &pe) || pe.Field != field {
			t.Errorf("%s: err = %v, want an error for %s", bad, err, field)
		}
	}
	if _, err := domaincheck.ParseProfile(withProfile(t, `"bulkSender": true`)); !errors.Is(err, domaincheck.ErrProfile) {
		t.Errorf("camel case accepted: %v", err)
	}
}

// TestProviderSections: a report has one section per provider the profile
// names, in its order, each rule of the provider that DNS can check or
// that must be checked elsewhere, and none of the message-side rules.
func TestProviderSections(t *testing.T) {
	p, err := domaincheck.ParseProfile(withProfile(t, `"providers": ["microsoft", "gmail"], "bulk_sender": true`))
	if err != nil {
		t.Fatal(err)
	}
	z := dnstest.MustZone(`customer.example. 3600 IN TXT "v=spf1 -all"`)
	rep := (&domaincheck.Checker{Profile: p, Resolver: z}).Check(context.Background(), "customer.example")
	if len(rep.Mailbox) != 2 || rep.Mailbox[0].Provider != mailbox.Microsoft || rep.Mailbox[1].Provider != mailbox.Gmail {
		t.Fatalf("sections %+v", rep.Mailbox)
	}
	for _, sec := range rep.Mailbox {
		var want []mailbox.RuleID
		for _, r := range mailbox.RulesOf(sec.Provider) {
			if r.CheckedBy(mailbox.CheckDNS) || r.CheckedBy(mailbox.CheckElsewhere) {
				want = append(want, r.ID)
			}
		}
		var got []mailbox.RuleID
		for _, r := range sec.Rules {
			got = append(got, r.Rule)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: rules %v, want %v", sec.Provider, got, want)
		}
		if sec.CustomerCompliant {
			t.Errorf("%s: a domain whose SPF fails every server and with no DKIM is compliant", sec.Provider)
		}
	}
	if !strings.Contains(rep.Text(), "Outlook.com: the customer's DNS does not meet them all yet") {
		t.Errorf("text:\n%s", rep.Text())
	}
}

// TestProviderSectionsDNSFailure: a DNS question that fails leaves the
// rules it touches "could not check", with the question, never met or not
// met.
func TestProviderSectionsDNSFailure(t *testing.T) {
	p, err := domaincheck.ParseProfile(withProfile(t, `"bulk_sender": true`))
	if err != nil {
		t.Fatal(err)
	}
	z := dnstest.MustZone(`customer.example. 3600 IN TXT "v=spf1 include:spf.vendor.example -all"`)
	z.Fail("_dmarc.customer.example.", dnsrec.TypeTXT, dnsrec.ErrServFail)
	rep := (&domaincheck.Checker{Profile: p, Resolver: z}).Check(context.Background(), "customer.example")
	n := 0
	for _, sec := range rep.Mailbox {
		for _, r := range sec.Rules {
			rule, _ := mailbox.Lookup(r.Rule)
			if rule.Requirement != mailbox.ReqDMARCPolicy {
				continue
			}
			n++
			if r.Outcome != mailbox.NotChecked || !strings.Contains(r.Sentence, "_dmarc.customer.example") {
				t.Errorf("%s: %s: %s", r.Rule, r.Outcome, r.Sentence)
			}
		}
		if sec.CustomerCompliant {
			t.Errorf("%s: compliant though a rule could not be checked", sec.Provider)
		}
	}
	if n != 3 {
		t.Errorf("%d DMARC policy rules, want 3", n)
	}
}
