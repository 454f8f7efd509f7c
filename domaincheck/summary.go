package domaincheck

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// blockers says in words what stands between the domain and ready.
func blockers(p *Profile, v *verdict) []string {
	var out []string
	if !v.Pass && v.Err == nil {
		var why []string
		if !v.DKIM {
			why = append(why, fmt.Sprintf("DKIM does not pass (%s not set up as the vendor expects)", strings.Join(v.DKIMMissing, " and ")))
		}
		switch {
		case p.Envelope.mode() == EnvelopeVendor:
			why = append(why, "SPF cannot align, since the vendor's mail carries its own bounce domain in MAIL FROM")
		case v.Everyone.IsValid():
			why = append(why, fmt.Sprintf("the SPF record of %s passes anyone, so its pass does not count", dnsrec.TrimDot(v.Envelope)))
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
			if len(failing) > 0 {
				why = append(why, fmt.Sprintf("SPF for %s does not pass for %s", dnsrec.TrimDot(v.Envelope), strings.Join(failing, " and ")))
			}
			if len(unaligned) > 0 {
				why = append(why, fmt.Sprintf("SPF passes for %s but %s does not align with the domain", strings.Join(unaligned, " and "), dnsrec.TrimDot(v.Envelope)))
			}
		}
		out = append(out, "DMARC fails for the vendor's mail: "+strings.Join(why, ", and "))
	}
	if len(v.HardFail) > 0 && v.Err == nil && v.Pass { // when DMARC fails, the SPF result is already named above
		out = append(out, hardFailBlocker(v))
	}
	if !v.PolicyMet && v.Err == nil {
		if v.Discovery == nil || v.Discovery.Record == nil {
			out = append(out, fmt.Sprintf("no DMARC policy is published (%s needs at least p=%s)", p.Name, p.DMARC.minimum()))
		} else {
			out = append(out, fmt.Sprintf("the DMARC policy is p=%s, below the p=%s %s needs", v.Discovery.Policy, p.DMARC.minimum(), p.Name))
		}
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
