package dmarc

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/resolve"
	"github.com/domainauth/domainauth/plan"
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

// Inspection is what [Inspect.Check] found. Satisfied (in the embedded
// report) says there is no error finding.
type Inspection struct {
	plan.Report
	Domain    string
	Discovery *Discovery
	Reports   []ReportAuthorization
}

// Reason code of the edits Inspect proposes.
const ReasonMisplaced plan.Code = "dmarc-misplaced" // a record at the wrong name is moved or removed

// About implements [plan.Requirement]: "the DMARC set-up of example.ch
// has no errors", in the DMARC stage, of the customer.
func (in Inspect) About() plan.About {
	return plan.About{Requirement: fmt.Sprintf("the DMARC set-up of %s has no errors", displayDomain(in.Domain)), Stage: plan.StageDMARC, Party: plan.PartyCustomer}
}

// Require implements [plan.Requirement].
func (in Inspect) Require(ctx context.Context, r dnsrec.Resolver) (*plan.Report, error) {
	res, err := in.Check(ctx, r)
	if err != nil {
		return nil, err
	}
	return &res.Report, nil
}

// Check inspects the domain through r.
func (in Inspect) Check(ctx context.Context, r dnsrec.Resolver) (*Inspection, error) {
	if err := in.Rules.Validate(); err != nil {
		return nil, err
	}
	name, err := dnsrec.ParseDomain("Domain", in.Domain)
	if err != nil {
		return nil, fmt.Errorf("dmarc: Inspect: %w", err)
	}
	r = resolve.Cached(r)
	w := in.Rules.newWalker(ctx, r)
	d, err := w.discover(name)
	if err != nil {
		return nil, err
	}
	res := &Inspection{Domain: dnsrec.TrimDot(name), Discovery: d}
	res.About = in.About()
	res.Findings = d.Findings
	lookup := func(n string) (*dnsrec.Answer, error) {
		a, err := w.txt(n)
		if err != nil {
			return nil, fmt.Errorf("dmarc: %w", err)
		}
		return a, nil
	}
	at, err := lookup("_dmarc." + name)
	if err != nil {
		return nil, err
	}
	spfAtDMARC, dmarcAtDMARC := false, false
	for _, rec := range at.Records {
		v := rec.Value()
		dmarcAtDMARC = dmarcAtDMARC || meantAsDMARC(v)
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), "v=spf1") {
			spfAtDMARC = true
			res.Findings = append(res.Findings, plan.Worded(plan.Finding{Code: CodeSPFAtDMARC, Severity: plan.SeverityError, Name: rec.Name, Subject: v,
				Params: map[string]string{"domain": res.Domain, "record": v}}, 1, 1))
		}
	}
	var moved *dnsrec.Record
	apex, err := lookup(name)
	if err != nil {
		return nil, err
	}
	for _, rec := range apex.Records {
		v := rec.Value()
		if !isDMARC(v) {
			continue
		}
		res.Findings = append(res.Findings, plan.Worded(plan.Finding{Code: CodeAtApex, Severity: plan.SeverityError, Name: rec.Name, Subject: v,
			Params: map[string]string{"domain": res.Domain, "record": v}}, 1, 1))
		res.Edits = append(res.Edits, plan.Edit{Name: name, Type: dnsrec.TypeTXT, Party: plan.PartyCustomer, Stage: plan.StageDMARC,
			Reason: misplaced(res.Domain, 1),
			Apply:  func(cur []dnsrec.Record) ([]dnsrec.Record, error) { return dropWhere(cur, isDMARC), nil }})
		if !dmarcAtDMARC && moved == nil {
			if m, err := dnsrec.NewTXT("_dmarc."+name, v); err == nil {
				moved = &m
			}
		}
	}
	if spfAtDMARC || moved != nil {
		res.Edits = append(res.Edits, plan.Edit{Name: "_dmarc." + name, Type: dnsrec.TypeTXT, Party: plan.PartyCustomer, Stage: plan.StageDMARC,
			Reason: misplaced(res.Domain, 2),
			Apply: func(cur []dnsrec.Record) ([]dnsrec.Record, error) {
				out := dropWhere(cur, func(v string) bool { return strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), "v=spf1") })
				if moved != nil && len(dropWhere(out, meantAsDMARC)) == len(out) {
					out = append(out, *moved)
				}
				return out, nil
			}})
	}
	if d.Record != nil {
		rep, err := w.authorizeReports(d.PolicyDomain, d.Record)
		if err != nil {
			return nil, err
		}
		res.Reports, res.Findings, res.Edits = rep.Destinations, append(res.Findings, rep.Findings...), append(res.Edits, rep.Edits...)
		if d.Policy == PolicyReject && len(in.DKIMSelectors) > 0 {
			ok, err := anyDKIMKey(ctx, r, name, in.DKIMSelectors)
			if err != nil {
				return nil, err
			}
			if !ok {
				params := map[string]string{"domain": res.Domain, "tag": d.PolicyTag, "policy": string(PolicyReject), "selectors": strings.Join(in.DKIMSelectors, ", ")}
				res.Findings = append(res.Findings, plan.Worded(plan.Finding{Code: CodeRejectNoDKIM, Severity: plan.SeverityWarning, Name: "_dmarc." + name, Subject: d.PolicyTag + "=reject", Params: params}, 1, 1))
			}
		}
	}
	res.Satisfied = plan.Worst(res.Findings) != plan.SeverityError
	return res, nil
}

// dropWhere returns the records whose value does not satisfy match.
func dropWhere(set []dnsrec.Record, match func(string) bool) []dnsrec.Record {
	var out []dnsrec.Record
	for _, rec := range set {
		if !match(rec.Value()) {
			out = append(out, rec)
		}
	}
	return out
}

// anyDKIMKey reports whether any of the selectors publishes a usable key.
func anyDKIMKey(ctx context.Context, r dnsrec.Resolver, domain string, selectors []string) (bool, error) {
	for _, sel := range selectors {
		d, err := dkim.KeyCheck{Domain: domain, Selector: sel}.Check(ctx, r)
		if err != nil {
			if errors.Is(err, dnsrec.ErrTemporary) {
				return false, fmt.Errorf("dmarc: %w", err)
			}
			continue
		}
		if d.Record != nil && !d.Record.Revoked() {
			return true, nil
		}
	}
	return false, nil
}

// misplaced is the reason of an edit that moves or removes a record at the
// wrong name: variant 1 at the domain itself, 2 at _dmarc.
func misplaced(domain string, variant int) plan.Reason {
	params := map[string]string{"domain": domain}
	return plan.Reason{Code: ReasonMisplaced, Params: params, Text: plan.SentenceOf(string(ReasonMisplaced), "reason", variant, params)}
}
