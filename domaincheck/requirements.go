package domaincheck

import (
	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// Evidence is what the vendor knows about one customer domain beyond its
// DNS. The zero value knows nothing, and then no policy is tightened past
// p=none.
type Evidence struct {
	// ReportsPass says that the domain's DMARC aggregate reports show all
	// of its legitimate mail passing (feedback.Summarize answers it for the
	// domain's own reports: ReportSummary.SafeToTighten). Only then does
	// the plan tighten the policy past p=none towards the profile's goal.
	ReportsPass bool `json:"reports_pass,omitempty"`
	// Stage, when set (from a store of the domain's reports), is the
	// DMARC stage in force and the next one the reports allow; it
	// supersedes ReportsPass (see [Staged]).
	Stage *Staged `json:"stage,omitempty"`
}

// terms returns the SPF mechanisms that authorize the vendor.
func (p *Profile) terms() []string {
	var out []string
	if p.SPF != "" {
		out = append(out, p.SPF)
	}
	for _, a := range p.Addresses {
		mech := "ip4:"
		if a.Addr().Is6() {
			mech = "ip6:"
		}
		if a.IsSingleIP() {
			out = append(out, mech+a.Addr().String())
		} else {
			out = append(out, mech+a.Masked().String())
		}
	}
	return out
}

// keyChecks returns the DKIM requirements for domain.
func (p *Profile) keyChecks(domain string) []dkim.KeyCheck {
	var out []dkim.KeyCheck
	for _, s := range p.DKIM {
		kc := dkim.KeyCheck{Domain: domain, Selector: s.Selector, Target: s.Target}
		if s.Key != "" {
			if rec, err := dkim.Parse(s.Key); err == nil {
				kc.Key, _ = rec.PublicKey()
			}
		}
		out = append(out, kc)
	}
	return out
}

// Requirements lists what the vendor needs of domain, in the order a plan
// applies them: the DKIM selectors; the SPF authorization where the
// envelope makes SPF align (the customer's own domain, or the return-path
// name delegated to the vendor; none with the vendor's own bounce domain,
// where the customer's SPF record plays no part); the DMARC stage, staged
// by what ev says. Check them with plan.Check, or use [Checker].
func (p *Profile) Requirements(domain string, ev Evidence) []plan.Requirement {
	var reqs []plan.Requirement
	keys := p.keyChecks(domain)
	for _, kc := range keys {
		reqs = append(reqs, kc)
	}
	switch p.Envelope.mode() {
	case EnvelopeCustomer:
		for _, t := range p.terms() {
			reqs = append(reqs, authorize{spf.Authorize{Domain: domain, Term: t}})
		}
	case EnvelopeReturnPath:
		reqs = append(reqs, returnPath{Domain: domain, Name: p.Envelope.Name, Target: p.Envelope.Target})
	}
	rec := dmarc.Recommend{Domain: domain, DKIM: keys, ReportsPass: ev.ReportsPass,
		Settings: dmarc.Settings{Policy: p.DMARC.goal(), Reports: p.DMARC.Reports}}
	ev.Stage.apply(&rec, p.DMARC.goal())
	return append(reqs, rec)
}

// authorize is spf.Authorize whose requirement carries the code and
// params it is worded from (spf-authorize's "requirement" sentence), so
// that a report words it in its reader's language; the words are
// spf.Authorize's own.
type authorize struct{ spf.Authorize }

// About implements plan.Requirement.
func (a authorize) About() plan.About {
	about := a.Authorize.About()
	if about.Code != "" {
		return about
	}
	params := map[string]string{"term": a.Term}
	if name, err := dnsrec.CanonicalName(a.Domain); err == nil {
		params["domain"] = dnsrec.TrimDot(name)
	} else {
		params["domain"] = a.Domain
	}
	if plan.SentenceOf(string(spf.ReasonAuthorize), i18n.PartRequirement, 1, params) == about.Requirement {
		about.Code, about.Params = spf.ReasonAuthorize, params
	}
	return about
}
