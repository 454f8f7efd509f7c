package dmarc

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec"
)

// Inspect checks a domain's DMARC set-up through DNS, beyond what [Lint]
// sees in the text: the policy that applies and how it was found, records
// at the wrong name (the apex instead of _dmarc), an SPF record at _dmarc,
// several records, report destinations on other domains without their
// authorization, and p=reject while no DKIM key is published for the given
// selectors (RFC 9989, Section 7.4).
type Inspect struct {
	Domain string
	Rules  Rules
	// DKIMSelectors are the selectors the domain signs with. When given and
	// none of them publishes a key, a p=reject policy is flagged.
	DKIMSelectors []string
}

// Inspection is what Inspect found.
type Inspection struct {
	Domain    string
	Discovery *Discovery
	Reports   []ReportAuthorization
	Findings  []dnsrec.Finding
	Changes   dnsrec.Changes
}

// Run inspects the domain through r.
func (in Inspect) Run(ctx context.Context, r dnsrec.Resolver) (*Inspection, error) {
	name, err := dnsrec.CanonicalName(in.Domain)
	if err != nil {
		return nil, err
	}
	w := in.Rules.newWalker(ctx, r)
	d, err := w.discover(name)
	if err != nil {
		return nil, err
	}
	res := &Inspection{Domain: dnsrec.TrimDot(name), Discovery: d, Findings: d.Findings}
	lookup := func(n string) (*dnsrec.Answer, error) {
		a, err := w.txt(n)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrDNS, err)
		}
		return a, nil
	}
	at, err := lookup("_dmarc." + name)
	if err != nil {
		return nil, err
	}
	for _, rec := range at.Records {
		if v := rec.Value(); strings.HasPrefix(strings.ToLower(v), "v=spf1") {
			res.Findings = append(res.Findings, dnsrec.Finding{Code: CodeSPFAtDMARC, Severity: dnsrec.SeverityError, Name: rec.Name, Subject: v, Offset: -1,
				Message: "an SPF record is published at _dmarc, where receivers look only for DMARC; it protects nothing there",
				Fix:     "delete it; the SPF record belongs at " + dnsrec.TrimDot(name)})
			res.Changes = append(res.Changes, dnsrec.Remove(rec, "SPF belongs at the domain itself, not at _dmarc"))
		}
	}
	apex, err := lookup(name)
	if err != nil {
		return nil, err
	}
	for _, rec := range apex.Records {
		v := rec.Value()
		if !isDMARC(v) {
			continue
		}
		res.Findings = append(res.Findings, dnsrec.Finding{Code: CodeAtApex, Severity: dnsrec.SeverityError, Name: rec.Name, Subject: v, Offset: -1,
			Message: fmt.Sprintf("a DMARC record is published at %s itself; receivers only look at _dmarc.%s", res.Domain, res.Domain),
			Fix:     "move it to _dmarc." + res.Domain})
		res.Changes = append(res.Changes, dnsrec.Remove(rec, "a DMARC record at the domain itself is never read"))
		if d.PolicyDomain != res.Domain {
			if moved, err := dnsrec.NewTXT("_dmarc."+name, v); err == nil {
				res.Changes = append(res.Changes, dnsrec.Add(moved, "publish it where receivers look"))
			}
		}
	}
	if d.Record != nil {
		ras, fs, cs, err := w.authorizeReports(d.PolicyDomain, d.Record)
		if err != nil {
			return nil, err
		}
		res.Reports, res.Findings, res.Changes = ras, append(res.Findings, fs...), append(res.Changes, cs...)
		if d.Policy == PolicyReject && len(in.DKIMSelectors) > 0 {
			ok, err := anyDKIMKey(ctx, r, name, in.DKIMSelectors)
			if err != nil {
				return nil, err
			}
			if !ok {
				res.Findings = append(res.Findings, dnsrec.Finding{Code: CodeRejectNoDKIM, Severity: dnsrec.SeverityWarning, Name: "_dmarc." + name, Subject: d.PolicyTag + "=reject", Offset: -1,
					Message: fmt.Sprintf("the policy is reject, but no DKIM key is published for %s (selectors %s): forwarded mail, whose SPF breaks on the way, will be rejected (RFC 9989, Section 7.4)", res.Domain, strings.Join(in.DKIMSelectors, ", ")),
					Fix:     "publish the DKIM key first, or use p=quarantine until DKIM signs all mail"})
			}
		}
	}
	return res, nil
}

// anyDKIMKey reports whether any of the selectors publishes a usable key.
func anyDKIMKey(ctx context.Context, r dnsrec.Resolver, domain string, selectors []string) (bool, error) {
	for _, sel := range selectors {
		d, err := dkim.KeyCheck{Domain: domain, Selector: sel}.Diagnose(ctx, r)
		if err != nil {
			if errors.Is(err, dnsrec.ErrTemporary) {
				return false, fmt.Errorf("%w: %w", ErrDNS, err)
			}
			continue
		}
		if d.Record != nil && !d.Record.Revoked() {
			return true, nil
		}
	}
	return false, nil
}
