package mailbox_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/mailbox"
	"github.com/domainauth/domainauth/plan"
)

// TestCatalogue: every rule has a unique ID made of its provider and
// requirement, a known scope, party and check kind, a summary, a provider
// page read on a date, and a place to look when it cannot be checked from
// here; the rules the providers share are there for each.
func TestCatalogue(t *testing.T) {
	seen := map[mailbox.RuleID]bool{}
	date := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	for _, r := range mailbox.Catalogue() {
		t.Run(string(r.ID), func(t *testing.T) {
			if seen[r.ID] {
				t.Error("ID listed twice")
			}
			seen[r.ID] = true
			if r.ID != mailbox.ID(r.Provider, r.Requirement) {
				t.Errorf("ID is not provider-requirement")
			}
			if r.Provider.Validate() != nil || (r.Scope != mailbox.AllSenders && r.Scope != mailbox.BulkSenders) ||
				(r.Party != plan.PartyCustomer && r.Party != plan.PartyVendor) || len(r.Checks) == 0 || r.Summary == "" {
				t.Errorf("incomplete: %+v", r)
			}
			if !strings.HasPrefix(r.Source, "https://") || !date.MatchString(r.Read) {
				t.Errorf("source %q read %q", r.Source, r.Read)
			}
			if r.CheckedBy(mailbox.CheckElsewhere) != (r.Where != "") {
				t.Errorf("Where %q for checks %v", r.Where, r.Checks)
			}
			if got, ok := mailbox.Lookup(r.ID); !ok || got.ID != r.ID {
				t.Error("Lookup does not find it")
			}
		})
	}
	for _, p := range mailbox.Providers() {
		for _, q := range []mailbox.Requirement{mailbox.ReqSPFAndDKIM, mailbox.ReqDMARCPolicy, mailbox.ReqDMARCAlignment, mailbox.ReqFCrDNS, mailbox.ReqFormat} {
			if _, ok := mailbox.For(p, q); !ok {
				t.Errorf("%s has no rule for %s", p, q)
			}
		}
	}
	// The requirements the issue lists are each in the catalogue.
	for _, q := range []mailbox.Requirement{mailbox.ReqSPFOrDKIM, mailbox.ReqDKIMKeySize, mailbox.ReqNotListed, mailbox.ReqTLS, mailbox.ReqNotProvider, mailbox.ReqOneClick, mailbox.ReqSpamRate} {
		found := false
		for _, r := range mailbox.Catalogue() {
			found = found || r.Requirement == q
		}
		if !found {
			t.Errorf("no rule for %s", q)
		}
	}
	if _, ok := mailbox.Lookup("gmail-no-such-rule"); ok {
		t.Error("Lookup found a rule that does not exist")
	}
	if err := mailbox.Provider("aol").Validate(); !errors.Is(err, mailbox.ErrUnknownProvider) {
		t.Errorf("Validate: %v", err)
	}
	// The catalogue is a new slice each time: changing one changes no other.
	c := mailbox.Catalogue()
	c[0].ID = "changed"
	if mailbox.Catalogue()[0].ID == "changed" {
		t.Error("Catalogue shares its slice")
	}
}
