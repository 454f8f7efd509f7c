package domaincheck

import (
	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/mailbox"
	"github.com/domainauth/domainauth/plan"
)

// BlockersIn returns the report's Blockers in the language tag matches,
// worded from their codes and parameters by the message catalogue (see
// plan.Finding.In); a report read back from JSON has its English.
func (r *DomainReport) BlockersIn(tag language.Tag) []string {
	if len(r.blockers) != len(r.Blockers) {
		return r.Blockers
	}
	out := make([]string, len(r.blockers))
	for i, f := range r.blockers {
		out[i] = f.In(tag).Message
	}
	return out
}

// In returns a copy of the section whose rules' sentences and fixes are
// in the language tag matches (see mailbox.RuleResult.In): what its JSON
// carries to a reader of that language. Codes, outcomes and steps are
// unchanged.
func (s ProviderSection) In(tag language.Tag) ProviderSection {
	s.Rules = rulesIn(s.Rules, tag)
	return s
}

// In returns a copy of the vendor's report with its findings and its
// rules' sentences in the language tag matches. The report itself is not
// changed.
func (v *VendorReport) In(tag language.Tag) *VendorReport {
	if v == nil {
		return nil
	}
	cp := *v
	if v.Findings != nil {
		cp.Findings = make([]plan.Finding, len(v.Findings))
		for i, f := range v.Findings {
			cp.Findings[i] = f.In(tag)
		}
	}
	cp.Mailbox = rulesIn(v.Mailbox, tag)
	return &cp
}

func rulesIn(rs []mailbox.RuleResult, tag language.Tag) []mailbox.RuleResult {
	if rs == nil {
		return nil
	}
	out := make([]mailbox.RuleResult, len(rs))
	for i, r := range rs {
		out[i] = r.In(tag)
	}
	return out
}
