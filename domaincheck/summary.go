package domaincheck

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// blockers says in words what stands between the domain and ready: each
// a sentence of the message catalogue, as a finding's message carries it
// (Code, Params, Message).
func blockers(p *Profile, v *verdict) []plan.Finding {
	var out []plan.Finding
	if !v.Pass && v.Err == nil {
		params := map[string]string{"envelope": dnsrec.TrimDot(v.Envelope)}
		if !v.DKIM {
			params["missing"] = strings.Join(v.DKIMMissing, ", ")
		}
		switch {
		case p.Envelope.mode() == EnvelopeVendor:
			params["mode"] = "vendor"
		case v.Everyone.IsValid():
			params["mode"] = "everyone"
		default:
			var failing, unaligned []string
			for _, sv := range v.Servers {
				switch {
				case sv.SPF.Status != spf.StatusPass:
					failing = append(failing, sv.Server.Address.String())
				case sv.DMARC != nil && !sv.DMARC.SPFAligned:
					unaligned = append(unaligned, sv.Server.Address.String())
				}
			}
			params["failing"], params["unaligned"] = strings.Join(failing, ", "), strings.Join(unaligned, ", ")
		}
		out = append(out, blocker(CodeBlockerDMARC, params))
	}
	if len(v.HardFail) > 0 && v.Err == nil && v.Pass { // when DMARC fails, the SPF result is already named above
		out = append(out, hardFail(v))
	}
	if !v.PolicyMet && v.Err == nil {
		params := map[string]string{"vendor": p.Name, "minimum": string(p.DMARC.minimum())}
		if v.Discovery == nil || v.Discovery.Record == nil {
			out = append(out, blocker(CodeBlockerNoPolicy, params))
		} else {
			params["policy"] = string(v.Discovery.Policy)
			out = append(out, blocker(CodeBlockerPolicy, params))
		}
	}
	return out
}

// hardFail says that the vendor's mail gets SPF fail on the customer's
// envelope.
func hardFail(v *verdict) plan.Finding {
	return blocker(CodeBlockerSPFFail, map[string]string{"addresses": strings.Join(v.HardFail, ", "), "envelope": dnsrec.TrimDot(v.Envelope)})
}

// blocker is the blocker of code, worded by the catalogue.
func blocker(code plan.Code, params map[string]string) plan.Finding {
	return plan.Finding{Code: code, Severity: plan.SeverityError, Params: params, Message: plan.SentenceOf(string(code), i18n.PartMessage, 1, params)}
}

// messages are the findings' messages.
func messages(fs []plan.Finding) []string {
	if fs == nil {
		return nil
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Message
	}
	return out
}

// summary says in one sentence whether the vendor may send as the domain,
// what blocks it, and separately what is advice.
func (c *Checker) summary(rep *DomainReport, v *verdict) string {
	vendor, domain := c.Profile.Name, rep.Domain
	fixing := 0
	if rep.Plan != nil {
		for _, ch := range rep.Plan.Changes.For(plan.PartyCustomer) {
			if a := rep.Area(areaOfStage(ch.Stage)); a != nil && a.Blocking {
				fixing++
			}
		}
	}
	advice := adviceClause(rep)
	switch rep.Status {
	case DomainNotChecked:
		var failed []string
		for _, a := range rep.Areas {
			if a.Status == StatusNotChecked && a.Name != AreaDelivery {
				failed = append(failed, fmt.Sprintf("%s (%s)", a.Name, a.Failed))
			}
		}
		if len(failed) == 0 {
			failed = append(failed, describeFailure(v.Err))
		}
		return fmt.Sprintf("Could not check whether %s may send as %s: DNS did not answer for %s.", vendor, domain, strings.Join(failed, "; "))
	case DomainReady:
		policy := ""
		if v.Discovery != nil && v.Discovery.Record != nil {
			policy = fmt.Sprintf(", and the policy p=%s meets the minimum (p=%s)", v.Discovery.Policy, c.Profile.DMARC.minimum())
		}
		if advice == "" {
			return fmt.Sprintf("%s may send as %s: %s%s; nothing needs changing.", vendor, domain, v.how(), policy)
		}
		return fmt.Sprintf("%s may send as %s: %s%s. Advice, none of it blocking: %s.", vendor, domain, v.how(), policy, advice)
	}
	lead := fmt.Sprintf("%s may not send as %s yet", vendor, domain)
	if rep.MaySend {
		lead = fmt.Sprintf("%s's mail passes DMARC as %s today (%s), but it is not ready", vendor, domain, v.how())
	}
	what := strings.Join(rep.Blockers, "; ")
	var s string
	if rep.Status == DomainChangesNeeded {
		s = fmt.Sprintf("%s: %s. %s for the customer %s that.", lead, what, plural(fixing, "DNS change", "DNS changes"), map[bool]string{true: "fixes", false: "fix"}[fixing == 1])
	} else {
		s = fmt.Sprintf("%s: %s, and no change can be proposed safely; see the findings.", lead, what)
	}
	if advice != "" {
		s += " Advice, not blocking: " + advice + "."
	}
	return s
}

// Advice is what a report advises beside its verdict.
type Advice struct {
	Findings int // warnings and errors in areas that do not block
	Changes  int // the customer's changes recommended for those areas
}

// Advice counts what the report advises beside its verdict: the warnings
// and errors of areas that do not block, and the customer's changes for
// them.
func (r *DomainReport) Advice() Advice {
	var out Advice
	for _, a := range r.Areas {
		if a.Blocking {
			continue
		}
		for _, f := range a.Findings {
			if f.Severity != plan.SeverityInfo {
				out.Findings++
			}
		}
	}
	if r.Plan != nil {
		for _, ch := range r.Plan.Changes.For(plan.PartyCustomer) {
			if a := r.Area(areaOfStage(ch.Stage)); a != nil && !a.Blocking {
				out.Changes++
			}
		}
	}
	return out
}

// adviceClause words the report's Advice: "2 findings and 1 recommended
// change".
func adviceClause(rep *DomainReport) string {
	adv := rep.Advice()
	findings, changes := adv.Findings, adv.Changes
	var parts []string
	if findings > 0 {
		parts = append(parts, plural(findings, "finding", "findings"))
	}
	if changes > 0 {
		parts = append(parts, plural(changes, "recommended change", "recommended changes"))
	}
	return strings.Join(parts, " and ")
}

// areaOfStage is the area a plan stage belongs to.
func areaOfStage(s plan.Stage) AreaName {
	switch s {
	case plan.StageDKIM:
		return AreaDKIM
	case plan.StageSPF:
		return AreaSPF
	case plan.StageDMARC:
		return AreaDMARC
	}
	return AreaDelivery
}
