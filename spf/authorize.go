package spf

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
)

// Authorize is the requirement "the SPF record of Domain authorizes Term",
// where Term is the mechanism a vendor hands out: "include:spf.vendor.example",
// "ip4:192.0.2.25", "a:smtp1.vendor.example". It implements
// [dnsrec.Requirement]; [Authorize.Plan] says what to change.
type Authorize struct {
	Domain string
	Term   string
	// All is the all term of a record created from nothing; "" means "-all".
	All string
}

// Plan is what it takes for a domain's SPF record to authorize a term.
type Plan struct {
	Domain string
	Term   string
	// Current holds the domain's SPF records (and records meant as SPF but
	// broken by a pasted character), as published.
	Current []string
	// Proposed is the single record the domain should publish; it equals
	// Current[0] when nothing needs changing, and is "" when no safe
	// proposal can be made (see Findings).
	Proposed string
	// Authorized: the current records already authorize Term.
	Authorized bool
	// LookupsBefore and LookupsAfter are the DNS-querying terms a receiver
	// evaluates, now and with Proposed (see [Analyze]).
	LookupsBefore, LookupsAfter int
	Changes                     dnsrec.Changes
	Findings                    []dnsrec.Finding
}

// Check implements dnsrec.Requirement.
func (a Authorize) Check(ctx context.Context, r dnsrec.Resolver) (*dnsrec.Report, error) {
	p, err := a.Plan(ctx, r)
	if err != nil {
		return nil, err
	}
	return &dnsrec.Report{
		Requirement: fmt.Sprintf("the SPF record of %s authorizes %s", p.Domain, a.Term),
		Satisfied:   p.Authorized,
		Findings:    p.Findings,
		Changes:     p.Changes,
	}, nil
}

// Plan looks at the domain's TXT records through r and works out the edit:
// create a record, insert Term into the existing one (before all), repair a
// record broken by a pasted character, or merge several records into one;
// or nothing, when Term is already authorized (the same term, or an include
// that already reaches the same domain or covers the same addresses). It
// warns when the result would pass the 10-lookup limit.
func (a Authorize) Plan(ctx context.Context, r dnsrec.Resolver) (*Plan, error) {
	name, err := dnsrec.CanonicalName(a.Domain)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidDomain, err)
	}
	t, _, reason := parseTerm(a.Term)
	if reason != "" || t.IsModifier() || t.Mechanism == MechAll || strings.ContainsRune(a.Term, ' ') {
		return nil, fmt.Errorf("%w: %q is not a mechanism that authorizes hosts", ErrSyntax, a.Term)
	}
	p := &Plan{Domain: dnsrec.TrimDot(name), Term: a.Term}
	// Planning walks the include tree up to three times (now, before and
	// after the edit); one cache for the whole plan asks each question once.
	r = &dnsrec.Cache{Resolver: r}
	ans, err := r.Lookup(ctx, name, dnsrec.TypeTXT)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDNS, err)
	}
	var spfRecs, broken []dnsrec.Record
	var brokenFix []string
	for _, rec := range ans.Records {
		v := rec.Value()
		if IsSPF(v) {
			spfRecs = append(spfRecs, rec)
			continue
		}
		if _, err := Parse(v); err != nil {
			var pe *ParseError
			if errors.As(err, &pe) && pe.Suggestion != "" {
				broken = append(broken, rec)
				brokenFix = append(brokenFix, pe.Suggestion)
			}
		}
	}
	for _, rec := range append(append([]dnsrec.Record{}, spfRecs...), broken...) {
		p.Current = append(p.Current, rec.Value())
		p.Findings = append(p.Findings, LintTXT(name, [][]string{rec.Txt})...)
	}
	if len(spfRecs) > 1 {
		p.Findings = append(p.Findings, LintTXT(name, txtOf(spfRecs))[len(LintTXT(name, txtOf(spfRecs)))-1])
	}

	// The record to start from, and the records it replaces.
	var base string
	var replaced []dnsrec.Record
	switch {
	case len(spfRecs) == 1:
		base, replaced = spfRecs[0].Value(), spfRecs
		if _, err := Parse(base); err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Suggestion == "" {
				return p, nil // broken beyond repair: the lint findings say so
			}
			base = pe.Suggestion
		}
	case len(spfRecs) > 1:
		var texts []string
		for _, rec := range spfRecs {
			texts = append(texts, rec.Value())
		}
		merged, fs, err := Merge(texts...)
		p.Findings = append(p.Findings, fs...)
		if err != nil {
			return p, nil
		}
		base, replaced = merged, spfRecs
	case len(broken) > 0:
		base, replaced = brokenFix[0], broken[:1]
	}
	if base != "" && len(spfRecs) == 1 && base == spfRecs[0].Value() {
		an, err := Analyze(ctx, r, name)
		if err != nil {
			return nil, err
		}
		if a.covered(ctx, r, name, t, an) {
			p.Authorized = true
			p.Proposed = base
			p.LookupsBefore, p.LookupsAfter = an.Lookups, an.Lookups
			p.Changes = dnsrec.Changes{dnsrec.NoChange(&spfRecs[0], fmt.Sprintf("%s already authorizes %s", p.Domain, a.Term))}
			return p, nil
		}
	}

	var proposed string
	if base == "" {
		all := a.All
		if all == "" {
			all = "-all"
		}
		proposed = "v=spf1 " + a.Term + " " + all
	} else if proposed, _, err = Insert(base, a.Term); err != nil {
		return nil, err
	}
	p.Proposed = proposed
	if base != "" {
		an, err := AnalyzeRecord(ctx, r, name, base)
		if err != nil {
			return nil, err
		}
		p.LookupsBefore = an.Lookups
	}
	after, err := AnalyzeRecord(ctx, r, name, proposed)
	if err != nil {
		return nil, err
	}
	p.LookupsAfter = after.Lookups
	if p.LookupsAfter > DefaultMaxLookups {
		p.Findings = append(p.Findings, dnsrec.Finding{Code: CodeTooManyLookups, Severity: dnsrec.SeverityError, Name: name, Subject: a.Term, Offset: -1,
			Message: fmt.Sprintf("with %s the record would need %d DNS-querying terms, over the limit of 10 (now %d): receivers would give permerror", a.Term, p.LookupsAfter, p.LookupsBefore),
			Fix:     "remove includes of services no longer used, or replace a/mx terms with ip4:/ip6:, before adding this one"})
	}

	newRec, err := dnsrec.NewTXT(name, proposed)
	if err != nil {
		return nil, err
	}
	why := fmt.Sprintf("authorize %s to send mail as %s", a.Term, p.Domain)
	switch {
	case len(replaced) == 0:
		p.Changes = dnsrec.Changes{dnsrec.Add(newRec, why+"; the domain has no SPF record yet")}
	default:
		if len(spfRecs) > 1 {
			why += fmt.Sprintf("; the %d SPF records are merged into one, since more than one makes SPF fail", len(spfRecs))
		} else if base != replaced[0].Value() {
			why += "; the current record is broken (" + firstMessage(p.Findings) + ") and is repaired at the same time"
		}
		newRec.TTL = replaced[0].TTL
		p.Changes = dnsrec.Changes{dnsrec.Update(replaced[0], newRec, why)}
		for _, old := range replaced[1:] {
			p.Changes = append(p.Changes, dnsrec.Remove(old, "merged into the record above; a domain may publish only one SPF record"))
		}
	}
	return p, nil
}

func txtOf(recs []dnsrec.Record) [][]string {
	out := make([][]string, len(recs))
	for i, r := range recs {
		out[i] = r.Txt
	}
	return out
}

func firstMessage(fs []dnsrec.Finding) string {
	for _, f := range fs {
		if f.Severity == dnsrec.SeverityError {
			return f.Message
		}
	}
	return "see the findings"
}

// covered reports whether the published record already authorizes t: the
// same term anywhere in the include tree, an include reaching the same
// domain, or (for ip4, ip6 and a) every address passing check_host().
func (a Authorize) covered(ctx context.Context, r dnsrec.Resolver, domain string, t Term, an *Analysis) bool {
	key := termKey(t)
	found := false
	var visit func(*Node)
	visit = func(nd *Node) {
		if rec, err := Parse(nd.Record); err == nil {
			for _, have := range rec.Terms {
				found = found || termKey(have) == key
			}
		}
		if t.Mechanism == MechInclude {
			if target, err := dnsrec.CanonicalName(t.Domain); err == nil && nd != an.Root && nd.Domain == dnsrec.TrimDot(target) {
				found = true
			}
		}
		for _, c := range nd.Children {
			visit(c)
		}
	}
	visit(an.Root)
	if found {
		return true
	}
	var addrs []netip.Addr
	switch t.Mechanism {
	case MechIP4, MechIP6:
		if t.Net.Bits() != t.Net.Addr().BitLen() {
			return false // a network: only an equal or wider term covers it, found above or not at all
		}
		addrs = []netip.Addr{t.Net.Addr()}
	case MechA:
		if strings.Contains(t.Domain, "%") || t.Domain == "" {
			return false
		}
		for _, typ := range []dnsrec.Type{dnsrec.TypeA, dnsrec.TypeAAAA} {
			if ans, err := r.Lookup(ctx, t.Domain, typ); err == nil {
				addrs = append(addrs, ans.Addrs()...)
			}
		}
	}
	if len(addrs) == 0 {
		return false
	}
	c := &Checker{Resolver: r}
	for _, ip := range addrs {
		if res := c.CheckHost(ctx, ip, domain, "postmaster@"+dnsrec.TrimDot(domain), dnsrec.TrimDot(domain)); res.Status != Pass {
			return false
		}
	}
	return true
}
