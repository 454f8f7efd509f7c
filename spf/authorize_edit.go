package spf

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
)

// spfEdit is the edit [Authorize] proposes for a domain's TXT record set.
// Its apply is a pure function of the set, so that the edits of several
// vendors combine into one record.
type spfEdit struct {
	name      string   // the domain, canonical
	term      string   // the term to authorize; "" to repair only
	all       string   // the all term of a new record
	extra     []string // terms a new record also needs (the domain's mail provider)
	providers []string // the providers' names, for the reason
}

// otherSenders finds what a new record must authorize besides the vendor:
// the mail provider the domain's MX hosts belong to (from a small built-in
// catalogue), or the MX hosts themselves.
func (e *spfEdit) otherSenders(ctx context.Context, r dnsrec.Resolver, res *Authorization) error {
	a, err := r.Lookup(ctx, e.name, dnsrec.TypeMX)
	if err != nil {
		return fmt.Errorf("spf: %w", err)
	}
	var hosts []string
	needMX := false
	for _, mx := range a.MX() {
		if mx.Host == "." || mx.Host == "" { // a null MX (RFC 7505): no mail received
			continue
		}
		hosts = append(hosts, dnsrec.TrimDot(mx.Host))
		if p, ok := ProviderForMX(mx.Host); ok {
			if !contains(e.extra, p.Term) && !strings.EqualFold(p.Term, e.term) {
				e.extra = append(e.extra, p.Term)
				e.providers = append(e.providers, p.Name)
			}
			continue
		}
		needMX = true
	}
	if needMX {
		e.extra = append([]string{"mx"}, e.extra...)
	}
	// mx holds the hosts the sentence names (those of no known provider),
	// "" like providers when there are none.
	params := map[string]string{"domain": res.Domain, "all": e.all, "mx": "", "providers": strings.Join(e.providers, ", "), "terms": strings.Join(e.extra, ", ")}
	var parts []string
	if len(e.providers) > 0 {
		var terms []string
		for i, p := range e.providers {
			terms = append(terms, fmt.Sprintf("%s's servers (%s)", p, e.extra[i+boolInt(needMX)]))
		}
		parts = append(parts, fmt.Sprintf("the domain's mail is hosted at %s, so the new record authorizes %s", strings.Join(e.providers, " and "), strings.Join(terms, " and ")))
	}
	if needMX {
		own := strings.Join(mxOnly(hosts), ", ")
		params["mx"] = own
		parts = append(parts, fmt.Sprintf("the domain receives mail at %s, and the new record authorizes those hosts too (mx), in case they also send", own))
	}
	f := plan.Finding{Code: CodeConfirmSenders, Severity: plan.SeverityWarning, Name: e.name, Params: params}
	switch {
	case len(parts) == 0:
		f = plan.Worded(f, 1, 1)
	case len(e.providers) == 0:
		f = plan.Worded(f, 2, 1) // the domain's own MX hosts
	case len(e.providers) == 1 && !needMX:
		f = plan.Worded(f, 3, 1) // one mail provider
	default:
		// Several providers, or providers and MX hosts: the sentence
		// lists each; the catalogue words it from the parameters in
		// other languages (see plan.Finding.In).
		f = plan.Worded(f, 0, 1)
		f.Message = fmt.Sprintf("%s has no SPF record yet: %s; it ends in %s until you confirm that nothing else sends mail as %s", res.Domain, strings.Join(parts, "; "), e.all, res.Domain)
	}
	res.Findings = append(res.Findings, f)
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// apply returns the TXT set with one SPF record that authorizes the term:
// records meant as SPF are repaired and merged (in sorted order), an all is
// added where none is, and the term is inserted before it. Other TXT
// records are kept. A set whose SPF records cannot be merged without
// guessing is returned unchanged (the findings say why).
func (e *spfEdit) apply(set []dnsrec.Record) ([]dnsrec.Record, error) {
	var keep, spfs []dnsrec.Record
	for _, rec := range set {
		if meantAsSPF(rec.Value()) {
			spfs = append(spfs, rec)
		} else {
			keep = append(keep, rec)
		}
	}
	var base string
	switch {
	case len(spfs) == 0 && e.term == "":
		return set, nil
	case len(spfs) == 0:
		base = strings.Join(append(append([]string{"v=spf1"}, e.extra...), e.all), " ")
	default:
		var texts []string
		for _, rec := range spfs {
			fixed, _ := repairSPF(rec.Value())
			texts = append(texts, fixed)
		}
		if len(texts) == 1 {
			base = texts[0]
		} else {
			m, _, err := merge(texts)
			if err != nil {
				return set, nil
			}
			base = m
		}
		if rec, err := Parse(base); err == nil && rec.All() < 0 {
			if _, at := rec.Modifier(ModRedirect); at < 0 {
				base = strings.TrimRight(base, " ") + " " + e.all
			}
		}
	}
	if e.term != "" {
		s, _, err := insert(base, e.term)
		if err != nil {
			return set, nil
		}
		base = s
	}
	if len(spfs) == 1 && spfs[0].Value() == base {
		return set, nil
	}
	rec, err := dnsrec.NewTXT(e.name, base)
	if err != nil {
		return nil, err
	}
	if len(spfs) > 0 {
		sort.Slice(spfs, func(i, j int) bool { return spfs[i].Value() < spfs[j].Value() })
		rec.TTL = spfs[0].TTL
	}
	return append(keep, rec), nil
}

// repairSPF returns a record meant as SPF in a form that parses: as it is,
// with pasted look-alike characters corrected, or (broken beyond that) with
// the terms that do not parse left out, which it returns.
func repairSPF(v string) (string, []string) {
	_, err := Parse(v)
	if err == nil {
		return v, nil
	}
	var pe *ParseError
	if errors.As(err, &pe) && pe.Suggestion != "" {
		if _, err := Parse(pe.Suggestion); err == nil {
			return pe.Suggestion, nil
		}
	}
	fields := strings.Fields(strings.Trim(v, "\"' "))
	kept := []string{"v=spf1"}
	var dropped []string
	for _, f := range fields[min(1, len(fields)):] {
		if _, pe := parseTerm(f); pe == nil {
			kept = append(kept, f)
		} else {
			dropped = append(dropped, f)
		}
	}
	return strings.Join(kept, " "), dropped
}

// reason words the edit.
func (e *spfEdit) reason(domain string, current int) plan.Reason {
	params := map[string]string{"domain": domain}
	if e.term != "" {
		params["term"] = e.term
	}
	switch {
	case current == 0:
		if len(e.extra) > 0 {
			params["also"] = strings.Join(e.extra, " ")
			return plan.Reason{Code: ReasonCreate, Params: params, Text: plan.Sentence("spf-create.reason_2", params)}
		}
		return plan.Reason{Code: ReasonCreate, Params: params, Text: plan.Sentence("spf-create.reason", params)}
	case e.term == "":
		return plan.Reason{Code: ReasonRepair, Params: params, Text: plan.Sentence("spf-repair.reason", params)}
	case current > 1:
		params["records"] = fmt.Sprint(current)
		return plan.Reason{Code: ReasonAuthorize, Params: params, Text: plan.Sentence("spf-authorize.reason_2", params)}
	}
	return plan.Reason{Code: ReasonAuthorize, Params: params, Text: plan.Sentence("spf-authorize.reason", params)}
}

// verify checks the SPF record of the final proposed set: it must be the
// only one, pass lint without errors, and stay within the lookup limits
// with its includes as published.
func (e *spfEdit) verify(ctx context.Context, r dnsrec.Resolver, proposed []dnsrec.Record) ([]plan.Finding, error) {
	var fs []plan.Finding
	var texts []string
	for _, rec := range proposed {
		if meantAsSPF(rec.Value()) {
			texts = append(texts, rec.Value())
		}
	}
	if len(texts) != 1 {
		return LintTXT(e.name, txtOfStrings(texts)), nil
	}
	for _, f := range LintTXT(e.name, txtOfStrings(texts)) {
		if f.Severity == plan.SeverityError {
			fs = append(fs, f)
		}
	}
	if len(fs) > 0 {
		return fs, nil
	}
	an, err := AnalyzeRecord(ctx, r, e.name, texts[0])
	if err != nil {
		return nil, err
	}
	for _, f := range an.Findings {
		if f.Severity == plan.SeverityError && f.Code != CodeTooManyLookups {
			if n, ok := proposedMessage[f.Code]; ok {
				f.Message = plan.SentenceOf(string(f.Code), "message", n, f.Params) // "the proposed record: …"
			} else {
				f.Message = "the proposed record: " + f.Message
			}
			fs = append(fs, f)
		}
	}
	if an.Lookups > DefaultMaxLookups {
		domain, costliest := dnsrec.TrimDot(e.name), an.costliest(3)
		params := nonEmpty(map[string]string{"domain": domain, "term": e.term, "proposed": texts[0], "lookups": strconv.Itoa(an.Lookups), "limit": strconv.Itoa(DefaultMaxLookups), "costliest": costliest})
		fs = append(fs, plan.Worded(plan.Finding{Code: CodeTooManyLookups, Severity: plan.SeverityError, Name: e.name, Subject: e.term, Params: params}, 2, 2))
	}
	return fs, nil
}

func txtOfStrings(texts []string) [][]string {
	out := make([][]string, len(texts))
	for i, s := range texts {
		out[i] = dnsrec.SplitTXT(s)
	}
	return out
}

// mxOnly returns the MX hosts that belong to no recognized provider.
func mxOnly(hosts []string) []string {
	var out []string
	for _, h := range hosts {
		if _, ok := ProviderForMX(h + "."); !ok {
			out = append(out, h)
		}
	}
	return out
}

// proposedMessage is, for the codes of [Analyze]'s errors, the variant of
// the message that says it of the proposed record.
var proposedMessage = map[plan.Code]int{CodeIncludeLoop: 2, CodeIncludeNone: 2, CodeTooManyMX: 2, CodeSyntax: 2, CodeMultiple: 4, CodeVoidLookups: 3}
