package mailbox

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/plan"
)

// Outcome is how a rule stands for a domain or a message.
type Outcome string

// Outcomes.
const (
	Met           Outcome = "met"             // the rule holds
	NotMet        Outcome = "not-met"         // the rule does not hold: see the sentence, the finding and the fix
	NotChecked    Outcome = "could-not-check" // a DNS question the rule needs failed
	NotApplicable Outcome = "not-applicable"  // the rule does not apply (a bulk-sender rule for another sender; TLS before delivery)
	Elsewhere     Outcome = "check-elsewhere" // the rule cannot be checked from here: the sentence says where to look
)

// RuleResult is one rule's outcome, with the sentence that explains it.
// The domain check (package sender) also names the finding behind it and
// the step of its plan that fixes it.
type RuleResult struct {
	Rule     RuleID     `json:"rule"`
	Provider Provider   `json:"provider"`
	Scope    Scope      `json:"scope"`
	Party    plan.Party `json:"party"`
	Outcome  Outcome    `json:"outcome"`
	Sentence string     `json:"sentence"`
	// Finding is the code of the finding that explains an outcome other
	// than met, and FindingName the record it is about.
	Finding     plan.Code `json:"finding,omitempty"`
	FindingName string    `json:"finding_name,omitempty"`
	// Step is the number of the customer's change in the plan that fixes
	// the rule (1-based; 0 when none does), and Fix says what to do.
	Step int    `json:"step,omitempty"`
	Fix  string `json:"fix,omitempty"`
	// Code and Params are what Sentence is worded from: the message
	// catalogue's sentences of Code (package i18n), filled from Params;
	// FixCode and FixParams the same for Fix (a finding's, when the fix is
	// the finding's own). [RuleResult.In] words the result in another
	// language from them. A result made with [Result] has none.
	Code      plan.Code         `json:"code,omitempty"`
	Params    map[string]string `json:"params,omitempty"`
	FixCode   plan.Code         `json:"fix_code,omitempty"`
	FixParams map[string]string `json:"fix_params,omitempty"`
}

// Result makes the result of rule r.
func Result(r Rule, o Outcome, sentence string) RuleResult {
	return RuleResult{Rule: r.ID, Provider: r.Provider, Scope: r.Scope, Party: r.Party, Outcome: o, Sentence: sentence}
}

// String renders the result on one line, with its finding and fix:
// "[not-met] gmail-one-click: ... (finding x); fix: ...".
func (r RuleResult) String() string { return r.StringIn(i18n.English) }

// StringIn is [RuleResult.String] in the language tag matches: the
// outcome, the sentence and the fix in its words (see [RuleResult.In]).
func (r RuleResult) StringIn(tag language.Tag) string {
	c := i18n.Default()
	r = r.In(tag)
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s", c.Text(tag, "text.report.outcome."+string(r.Outcome), nil), r.Rule)
	if r.Party == plan.PartyVendor && r.Outcome == NotMet {
		b.WriteString(c.Text(tag, "text.message.vendors", nil))
	}
	fmt.Fprintf(&b, ": %s", r.Sentence)
	if r.Finding != "" {
		b.WriteString(c.Text(tag, "text.message.finding", i18n.Params{"finding": string(r.Finding), "name": strings.TrimSuffix(r.FindingName, ".")}))
	}
	if r.Fix != "" {
		fmt.Fprintf(&b, "\n  %s: %s", c.Text(tag, "text.report.fix", nil), r.Fix)
	}
	return b.String()
}

// Compliant reports whether every result is met, not applicable, or to be
// checked elsewhere: nothing is known to break a rule, and nothing could
// not be checked.
func Compliant(rs []RuleResult) bool {
	for _, r := range rs {
		if r.Outcome == NotMet || r.Outcome == NotChecked {
			return false
		}
	}
	return true
}
