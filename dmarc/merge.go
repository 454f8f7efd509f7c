package dmarc

// The edit Recommend proposes to a domain's DMARC record set: the record
// merged from the published one and the stage's, so that the domain's own
// report addresses and stricter settings are kept, with its reason and the
// check that the result is a record receivers apply.

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
)

// policyEdit is the edit Recommend proposes for the _dmarc TXT set: one
// record, at least as strict as want, keeping every report address of the
// records already there.
type policyEdit struct {
	name  string
	rules Rules
	want  *Record
}

func (e *policyEdit) apply(set []dnsrec.Record) ([]dnsrec.Record, error) {
	var keep, old []dnsrec.Record
	for _, rec := range set {
		switch v := rec.Value(); {
		case meantAsDMARC(v), strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), "v=spf1"):
			old = append(old, rec)
		default:
			keep = append(keep, rec)
		}
	}
	sort.Slice(old, func(i, j int) bool { return old[i].Value() < old[j].Value() })
	var base *Record
	var extraRUA, extraRUF []URI
	for _, rec := range old {
		p, _, err := e.rules.parse(rec.Value())
		if err != nil {
			continue
		}
		if base == nil {
			base = p
			continue
		}
		extraRUA, extraRUF = append(extraRUA, p.RUA...), append(extraRUF, p.RUF...)
	}
	merged := mergeRecords(orEmpty(base), e.want, e.rules)
	merged.RUA = unionURIs(merged.RUA, extraRUA)
	merged.RUF = unionURIs(merged.RUF, extraRUF)
	value := merged.String()
	if len(old) == 1 && old[0].Value() == value {
		return set, nil
	}
	rec, err := dnsrec.NewTXT(e.name, value)
	if err != nil {
		return nil, err
	}
	if len(old) > 0 {
		rec.TTL = old[0].TTL
	}
	return append(keep, rec), nil
}

func (e *policyEdit) reason(domain string, cur *Record) plan.Reason {
	params := map[string]string{"domain": domain, "policy": string(e.want.EffectivePolicy())}
	variant := 2 // add the recommended settings
	switch {
	case cur == nil:
		variant = 1 // publish a policy
	case writtenPolicy(cur) != "":
		// The record states a policy receivers do not apply: the
		// proposal keeps what they apply, and says so, rather than
		// claiming to keep "the domain's own policy".
		variant = 4
		params["written"] = writtenPolicy(cur)
	case e.want.EffectivePolicy().strictness() > cur.EffectivePolicy().strictness():
		variant = 3 // tighten it
	}
	return plan.Reason{Code: ReasonPolicy, Params: params, Text: plan.SentenceOf(string(ReasonPolicy), "reason", variant, params)}
}

// writtenPolicy returns the p= value a record states but receivers
// ignore (an invalid sp beside it, or a misspelt policy, makes them apply
// p=none), or "".
func writtenPolicy(r *Record) string {
	for _, ig := range r.Ignored {
		if ig.Tag == "p" {
			return ig.Value
		}
	}
	return ""
}

// verify refuses a proposed set whose DMARC record is not exactly one
// record that lints without error.
func (e *policyEdit) verify(_ context.Context, _ dnsrec.Resolver, proposed []dnsrec.Record) ([]plan.Finding, error) {
	var fs []plan.Finding
	n := 0
	for _, rec := range proposed {
		if !meantAsDMARC(rec.Value()) {
			continue
		}
		n++
		for _, f := range e.rules.Lint(rec.Value()) {
			if f.Severity == plan.SeverityError {
				f.Name = e.name
				fs = append(fs, f)
			}
		}
	}
	if n != 1 {
		fs = append(fs, plan.Worded(plan.Finding{Code: CodeMultiple, Severity: plan.SeverityError, Name: e.name,
			Params: map[string]string{"name": dnsrec.TrimDot(e.name), "records": strconv.Itoa(n)}}, 3, 0))
	}
	return fs, nil
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
	switch {
	case want.Test != "":
		out.Test = want.Test
	case cur.Testing() && want.Policy != "" && want.Policy.strictness() >= out.Policy.strictness():
		out.Test = "" // the policy in full: the partial stage is over
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
		for _, h := range out {
			dup = dup || strings.EqualFold(h.URI, a.URI)
		}
		if !dup {
			out = append(out, a)
		}
	}
	return out
}
