package feedback

import (
	"testing"

	"github.com/domainauth/domainauth/mailbox"
)

// Every provider code that enforces one of the providers' rules names a
// rule of the one catalogue (package mailbox), of the same provider: a
// bounce shows the rule the domain check reports met or not met.
func TestProviderCodesPointAtRules(t *testing.T) {
	names := map[string]mailbox.Provider{"Gmail": mailbox.Gmail, "Yahoo": mailbox.Yahoo, "Outlook.com": mailbox.Microsoft}
	linked := 0
	for _, r := range providerRules {
		if r.RuleID == "" {
			if r.Class != ClassTemporary && r.Tag == "" {
				t.Errorf("%s %s names no rule of the catalogue", r.Provider, r.Code)
			}
			continue
		}
		rule, ok := mailbox.Lookup(r.RuleID)
		if !ok || rule.Provider != names[r.Provider] {
			t.Errorf("%s %s: rule %q is not a rule of %s in the catalogue", r.Provider, r.Code, r.RuleID, r.Provider)
			continue
		}
		linked++
	}
	if linked < 12 {
		t.Errorf("only %d codes point at a rule", linked)
	}
}
