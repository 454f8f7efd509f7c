package domaincheck

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// wayOut is what the customer can do when the vendor's servers get SPF
// fail on the customer's envelope and no SPF change can be proposed: the
// ways out in order of effort, each with its consequence (Fix), and the
// includes of the record with the lookups each takes (Includes: "include:a
// (4), include:b (3)"), when the record is at the lookup limit.
type wayOut struct {
	// Ways names the kind of ways out, for the sentence in other languages:
	// "limit" (the record is at the lookup limit), "other", or "vendor"
	// (the vendor fixes its return-path record); "" when there are none.
	Ways          string
	Fix, Includes string
}

// spfWaysOut works out the ways out for domain (canonical) with the
// envelope on the customer's domain. findings are the SPF area's: when they
// say the vendor's term was withheld for the lookup limit, the first way
// out names the record's includes from its lookup tree. With another
// envelope mode there is none: the return-path delegation is the plan's
// step, and the vendor's own bounce domain is the vendor's to fix.
func spfWaysOut(ctx context.Context, r dnsrec.Resolver, p *Profile, domain string, findings []plan.Finding) wayOut {
	shown := dnsrec.TrimDot(domain)
	switch p.Envelope.mode() {
	case EnvelopeVendor:
		return wayOut{}
	case EnvelopeReturnPath:
		for _, f := range findings {
			switch f.Code {
			case CodeReturnPathMissing, CodeReturnPathTarget, CodeReturnPathOccupied:
				return wayOut{} // the customer's to fix: the findings say how
			}
		}
		return wayOut{Ways: "vendor", Fix: fmt.Sprintf("the return path is delegated to %s as it asks: %s fixes the SPF record of its return-path domain %s", p.Name, p.Name, dnsrec.TrimDot(p.Envelope.Target))}
	}
	var ways []string
	out := wayOut{Ways: "other"}
	overLimit := false
	for _, f := range findings {
		overLimit = overLimit || f.Code == spf.CodeTooManyLookups
	}
	if overLimit {
		if an, err := spf.Analyze(ctx, r, domain); err == nil && an.Root != nil {
			out.Ways = "limit"
			out.Includes = includeCosts(an.Root)
			which := ""
			if out.Includes != "" {
				which = " (the record's includes, with the DNS lookups each takes: " + out.Includes + ")"
			}
			ways = append(ways, fmt.Sprintf("remove or replace an include that %s no longer uses%s: the record then has room for the vendor's include within the limit of %d DNS lookups and the plan proposes it, and mail from the service removed no longer passes SPF",
				shown, which, spf.DefaultMaxLookups))
		}
	}
	ways = append(ways,
		fmt.Sprintf("ask %s to send with a return-path subdomain of %s (such as bounce.%s) delegated to it by a CNAME (envelope mode return-path): SPF is then evaluated at the vendor's records and aligns with %s, and the SPF record of %s stays as it is", p.Name, shown, shown, shown, shown),
		fmt.Sprintf("ask %s to send with its own bounce domain in MAIL FROM (envelope mode vendor): the SPF record of %s then plays no part, and DMARC passes through the vendor's DKIM signature alone, so mail whose signature breaks (a missing key, a forwarder that alters the message) fails DMARC", p.Name, shown))
	for i := range ways {
		ways[i] = fmt.Sprintf("(%c) %s", 'a'+i, ways[i])
	}
	out.Fix = fmt.Sprintf("no SPF change can be proposed; the ways out, in order of effort: %s", strings.Join(ways, "; "))
	return out
}

// includeCosts names the includes and redirect of a record with the
// lookups each takes (its own term and everything below it), costliest
// first.
func includeCosts(root *spf.Node) string {
	nodes := append([]*spf.Node(nil), root.Children...)
	sort.SliceStable(nodes, func(i, j int) bool { return nodes[i].Total > nodes[j].Total })
	var parts []string
	for _, nd := range nodes {
		if nd.Term == "" {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s (%d)", nd.Term, nd.Total+1))
	}
	return strings.Join(parts, ", ")
}

// adviceOnly makes the findings of an area that does not block advice: an
// error there would say the verdict needs it fixed, and it does not.
func (a *Area) adviceOnly() {
	if a.Status != StatusFine && a.Status != StatusAdvice {
		return
	}
	fs := make([]plan.Finding, len(a.Findings))
	for i, f := range a.Findings {
		if f.Severity == plan.SeverityError {
			f.Severity = plan.SeverityWarning
		}
		fs[i] = f
	}
	if len(fs) > 0 {
		a.Findings = fs
	}
}

// noPolicy makes what blocks a domain to which no DMARC policy applies an
// error in its DMARC area a: the profile sends only as a domain that
// publishes one. The dmarc package's finding that says why (an SPF record
// at _dmarc, or no record) becomes the error; when there is none (the only record at
// _dmarc is not DMARC), a finding of its own says it, with fix, the plan's
// step that publishes one, if any.
func (v *verdict) noPolicy(p *Profile, domain, fix string, a *Area) {
	if v.Err != nil || v.PolicyMet || v.Discovery != nil && v.Discovery.Record != nil {
		return
	}
	fs := append([]plan.Finding(nil), a.Findings...)
	for _, code := range []plan.Code{dmarc.CodeSPFAtDMARC, dmarc.CodeNoRecord} {
		for i := range fs {
			if fs[i].Code == code {
				fs[i].Severity = plan.SeverityError
				a.Findings = fs
				return
			}
		}
	}
	shown := dnsrec.TrimDot(domain)
	least := string(p.DMARC.minimum())
	if fix == "" {
		fix = fmt.Sprintf("publish a DMARC record at _dmarc.%s with p=%s at least", shown, least)
	}
	a.Findings = plan.AppendNew(a.Findings, plan.Finding{Code: CodeDMARCNoPolicy, Severity: plan.SeverityError, Name: "_dmarc." + domain, Subject: "p=" + least,
		Params:  map[string]string{"domain": shown, "minimum": least, "fix": fix, "vendor": p.Name},
		Message: fmt.Sprintf("no DMARC policy applies to %s, and %s sends only as a domain that publishes one, of p=%s at least", shown, p.Name, least),
		Fix:     fix})
}
