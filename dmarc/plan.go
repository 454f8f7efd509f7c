package dmarc

import (
	"context"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
)

// Recommend is the requirement "the domain publishes at least this DMARC
// policy, with these report addresses": what a vendor tells its customers
// (seed 001). It implements [dnsrec.Requirement].
type Recommend struct {
	Domain   string
	Settings Settings // the recommended record (see Build)
	Rules    Rules
}

// Plan is the change that brings a domain's DMARC record up to a
// recommendation.
type Plan struct {
	Domain    string
	Current   string // the record at _dmarc.<domain>, "" when none
	Proposed  string // the record to publish
	Satisfied bool   // the current record already meets the recommendation
	Changes   dnsrec.Changes
	Findings  []dnsrec.Finding
}

// Check implements dnsrec.Requirement.
func (rc Recommend) Check(ctx context.Context, r dnsrec.Resolver) (*dnsrec.Report, error) {
	p, err := rc.Plan(ctx, r)
	if err != nil {
		return nil, err
	}
	want, _ := Build(rc.Settings)
	what := fmt.Sprintf("p=%s or stricter", want.EffectivePolicy())
	var to []string
	for _, u := range want.RUA {
		to = append(to, u.Address())
	}
	if len(to) > 0 {
		what += ", with aggregate reports to " + strings.Join(to, " and ")
	}
	return &dnsrec.Report{
		Requirement: fmt.Sprintf("_dmarc.%s publishes %s", p.Domain, what),
		Satisfied:   p.Satisfied,
		Findings:    p.Findings,
		Changes:     p.Changes,
	}, nil
}

// Plan works out the record to publish: the recommended one when the domain
// has none; otherwise the current record made at least as strict (p, sp
// and np never loosened), with the recommended report addresses added to
// the customer's own, tags the rules removed dropped (pct becomes t=y
// under RFC 9989 when it was below 100), and everything else kept.
func (rc Recommend) Plan(ctx context.Context, r dnsrec.Resolver) (*Plan, error) {
	want, err := Build(rc.Settings)
	if err != nil {
		return nil, err
	}
	name, err := dnsrec.CanonicalName(rc.Domain)
	if err != nil {
		return nil, err
	}
	p := &Plan{Domain: dnsrec.TrimDot(name)}
	a, err := r.Lookup(ctx, "_dmarc."+name, dnsrec.TypeTXT)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDNS, err)
	}
	var current []dnsrec.Record
	for _, rec := range a.Records {
		if isDMARC(rec.Value()) {
			current = append(current, rec)
		}
	}
	qname := "_dmarc." + name
	if len(current) == 0 {
		p.Proposed = want.String()
		rec, err := dnsrec.NewTXT(qname, p.Proposed)
		if err != nil {
			return nil, err
		}
		p.Changes = dnsrec.Changes{dnsrec.Add(rec, fmt.Sprintf("publish a DMARC policy for %s", p.Domain))}
		return p, rc.authorize(ctx, r, p, want)
	}
	p.Current = current[0].Value()
	cur, _, err := rc.Rules.parse(p.Current)
	if err != nil {
		cur = &Record{} // broken: start from the recommendation alone
		p.Findings = append(p.Findings, rc.Rules.Lint(p.Current)...)
	}
	merged := mergeRecords(cur, want, rc.Rules)
	p.Proposed = merged.String()
	p.Satisfied = len(current) == 1 && err == nil && merged.Equal(cur)
	if p.Satisfied {
		p.Changes = dnsrec.Changes{dnsrec.NoChange(&current[0], "the DMARC record already meets the recommendation")}
		return p, rc.authorize(ctx, r, p, cur)
	}
	rec, err := dnsrec.NewTXT(qname, p.Proposed)
	if err != nil {
		return nil, err
	}
	rec.TTL = current[0].TTL
	why := "tighten the DMARC policy and add the vendor's report address, keeping the domain's own report addresses"
	if merged.EffectivePolicy() == cur.EffectivePolicy() {
		why = "add the recommended settings, keeping the domain's own policy and report addresses"
	}
	p.Changes = dnsrec.Changes{dnsrec.Update(current[0], rec, why)}
	for _, extra := range current[1:] {
		p.Changes = append(p.Changes, dnsrec.Remove(extra, "a second DMARC record makes receivers ignore both"))
	}
	return p, rc.authorize(ctx, r, p, merged)
}

// authorize adds what the proposed record's external report destinations
// still need: a finding and the record their operator must publish.
func (rc Recommend) authorize(ctx context.Context, r dnsrec.Resolver, p *Plan, proposed *Record) error {
	_, fs, cs, err := rc.Rules.AuthorizeReports(ctx, r, p.Domain, proposed)
	if err != nil {
		return err
	}
	p.Findings = append(p.Findings, fs...)
	p.Changes = append(p.Changes, cs...)
	return nil
}

// mergeRecords returns cur raised to at least want.
func mergeRecords(cur, want *Record, rules Rules) *Record {
	out := *cur
	out.RUA = append([]URI(nil), cur.RUA...)
	out.RUF = append([]URI(nil), cur.RUF...)
	stricter := func(have, w Policy) Policy {
		if have == "" && w == "" {
			return ""
		}
		if have == "" || (w != "" && w.strictness() > have.strictness()) {
			return w
		}
		return have
	}
	out.Policy = stricter(cur.Policy, want.Policy)
	if cur.Policy == "" && out.Policy == "" {
		out.Policy = PolicyNone
	}
	if want.SubdomainPolicy != "" {
		out.SubdomainPolicy = stricter(cur.SubdomainPolicy, want.SubdomainPolicy)
	}
	if want.NonexistentPolicy != "" {
		out.NonexistentPolicy = stricter(cur.NonexistentPolicy, want.NonexistentPolicy)
	}
	if want.Test != "" {
		out.Test = want.Test
	}
	if want.ADKIM != "" {
		out.ADKIM = want.ADKIM
	}
	if want.ASPF != "" {
		out.ASPF = want.ASPF
	}
	out.RUA = unionURIs(out.RUA, want.RUA)
	out.RUF = unionURIs(out.RUF, want.RUF)
	if !rules.is7489() {
		if out.Pct != "" && out.Percent() < 100 && out.Test == "" {
			out.Test = "y" // RFC 9989's replacement for a partial pct
		}
		out.Pct, out.RF, out.RI = "", "", ""
	} else if want.Pct != "" || (out.Pct != "" && out.Policy != cur.Policy) {
		out.Pct = want.Pct
	}
	return &out
}

func unionURIs(have, add []URI) []URI {
	out := have
	for _, a := range add {
		dup := false
		for _, h := range have {
			dup = dup || strings.EqualFold(h.URI, a.URI)
		}
		if !dup {
			out = append(out, a)
		}
	}
	return out
}
