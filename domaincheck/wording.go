package domaincheck

import (
	"maps"
	"strings"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
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
			cp.Findings[i] = v.findingIn(f, tag)
		}
	}
	cp.Mailbox = rulesIn(v.Mailbox, tag)
	return &cp
}

// findingIn is f in the language tag matches; the sentence about a broken
// key record words the record's errors in it too (its problem parameter
// holds them in English, as the DKIM lint wrote them).
func (v *VendorReport) findingIn(f plan.Finding, tag language.Tag) plan.Finding {
	t := f.In(tag)
	problems := v.keyProblems[f.Params["name"]]
	c := i18n.Default()
	if f.Code != CodeVendorKey || len(problems) == 0 || c.Match(tag) == i18n.English {
		return t
	}
	id := c.Choose(string(f.Code), i18n.PartMessage, f.Params, f.Message)
	if id == "" {
		return t
	}
	words := make([]string, len(problems))
	for i, p := range problems {
		words[i] = p.In(tag).Message
	}
	params := maps.Clone(f.Params)
	params["problem"] = strings.Join(words, "; ")
	if m := c.Text(tag, id, params); m != "" {
		t.Message = m
	}
	return t
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
