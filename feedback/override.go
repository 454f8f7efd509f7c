package feedback

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/language"
)

// OverrideType is why a receiver applied a disposition other than the
// published policy: the policy_evaluated/reason/type of an aggregate
// report (RFC 7489, Appendix C, PolicyOverrideType; RFC 9990 keeps
// local_policy, mailing_list, trusted_forwarder and other, and adds
// policy_test_mode). The token is kept as the report gives it.
type OverrideType string

// Override types of aggregate reports.
const (
	OverrideForwarded        OverrideType = "forwarded"         // RFC 7489
	OverrideSampledOut       OverrideType = "sampled_out"       // RFC 7489: pct= left it out
	OverrideTrustedForwarder OverrideType = "trusted_forwarder" // a forwarder the receiver vouches for
	OverrideMailingList      OverrideType = "mailing_list"      // a mailing list the receiver recognized
	OverrideLocalPolicy      OverrideType = "local_policy"      // the receiver's own rules (often ARC)
	OverridePolicyTestMode   OverrideType = "policy_test_mode"  // RFC 9990: t=y
	OverrideOther            OverrideType = "other"
)

// OverrideReason is one policy_evaluated/reason of a report row.
type OverrideReason struct {
	Type    OverrideType
	Comment string // free text, as "arc=pass"
}

// String renders a reason as "local_policy (arc=pass)".
func (o OverrideReason) String() string {
	if o.Comment == "" {
		return string(o.Type)
	}
	return fmt.Sprintf("%s (%s)", o.Type, o.Comment)
}

// maxReportReasons bounds the override reasons of one record.
const maxReportReasons = 16

// deliveredByOverride returns the reason a failing row's mail was
// delivered although it failed DMARC, when it was: the receiver took it
// for forwarded or mailing-list mail (forwarded, trusted_forwarder,
// mailing_list), let its own rules decide (local_policy), or found an ARC
// chain that passed ("arc=pass" in a comment). Such mail is the domain's
// own mail, passed on: a receiver that does not override, or a stricter
// policy, loses it. Sampling (sampled_out) and test mode
// (policy_test_mode) say nothing of the mail and are not counted.
func deliveredByOverride(row ReportRow) (OverrideReason, bool) {
	if row.Passed() {
		return OverrideReason{}, false
	}
	for _, o := range row.Reasons {
		if strings.Contains(strings.ToLower(o.Comment), "arc=pass") {
			return o, true
		}
		switch o.Type {
		case OverrideForwarded, OverrideTrustedForwarder, OverrideMailingList, OverrideLocalPolicy:
			return o, true
		}
	}
	return OverrideReason{}, false
}

// overrideHurt marks a source whose failing mail a receiver delivered only
// by overriding the policy as hurt: a stricter policy, or a receiver that
// does not override, loses that mail.
func overrideHurt(s *SourceSummary) {
	if s.Overridden == 0 {
		return
	}
	why := whyPart{"; ", sentence{"feedback-why-override", map[string]string{"overridden": strconv.Itoa(s.Overridden), "override": s.Override}}}
	if s.Legitimate {
		s.setWhy(slices.Concat(s.why, []whyPart{why})...)
		return
	}
	s.Legitimate = true
	// After what passed for the source's own domain, if anything.
	s.setWhy(slices.Concat(s.why, []whyPart{why, {": ", sentence{Code: "feedback-why-forwarded"}}})...)
}

// unreadText says why records past the rows kept make tightening unsafe,
// in the catalogue language tag matches.
func unreadText(tag language.Tag, o ReportOverflow) string {
	return sentence{"feedback-not-safe-unread", map[string]string{"failed": strconv.Itoa(o.Failed), "records": strconv.Itoa(o.Records), "rows": strconv.Itoa(MaxReportRows)}}.In(tag)
}
