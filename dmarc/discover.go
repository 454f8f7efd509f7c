package dmarc

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/resolve"
	"github.com/domainauth/domainauth/plan"
	"golang.org/x/net/publicsuffix"
)

// maxWalk is the most _dmarc queries one tree walk makes (RFC 9989): the
// domain itself, then at most seven labels and fewer.
const (
	maxWalk    = 8
	walkJumpTo = 7
)

// Query is one _dmarc lookup of a discovery, for the record of what was
// asked and found.
type Query struct {
	Name   string // the name asked, such as "_dmarc.example.com"
	Result string // what it gave, in words
}

// Discovery is the DMARC policy that applies to an author domain, and how
// it was found.
type Discovery struct {
	Author string // the author (RFC5322.From) domain, canonical, no trailing dot
	Rules  Rules  // the method used: RFC 9989 tree walk or RFC 7489 with the Public Suffix List
	// Record is the policy record that applies, nil when none does, and
	// RecordText its text as published.
	Record     *Record
	RecordText string
	// PolicyDomain is where Record was found; OrgDomain is the author's
	// organizational domain under Rules.
	PolicyDomain string
	OrgDomain    string
	// AuthorExists is false when the author domain does not exist
	// (NXDOMAIN), which selects np under RFC 9989. It is only looked up
	// when the policy comes from another domain.
	AuthorExists bool
	// Policy is the policy for the author domain (p, sp or np, as PolicyTag
	// says), before t=y or pct is applied.
	Policy    Policy
	PolicyTag string
	Queries   []Query
	Findings  []plan.Finding // about the record that applies, and records ignored
}

// Discover finds the policy for mail from the author domain under RFC 9989.
func Discover(ctx context.Context, r dnsrec.Resolver, author string) (*Discovery, error) {
	return RFC9989.Discover(ctx, r, author)
}

// Discover finds the DMARC policy for mail from author: under RFC 9989 by
// the DNS tree walk (at most 8 queries; the first valid record found
// applies), under RFC 7489 at the author domain and then at its
// organizational domain from the Public Suffix List. Records not starting
// with v=DMARC1 are ignored; several DMARC records at one name are all
// discarded. The policy is p at the author domain, sp below it, and (RFC
// 9989) np when the author domain does not exist.
func (rules Rules) Discover(ctx context.Context, r dnsrec.Resolver, author string) (*Discovery, error) {
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	return rules.newWalker(ctx, r).discover(author)
}

// newWalker returns a walker with an empty memo; one evaluation uses one
// walker, so that no _dmarc name is asked twice.
func (rules Rules) newWalker(ctx context.Context, r dnsrec.Resolver) *walker {
	return &walker{ctx: ctx, r: resolve.Ensure(r), rules: rules, cache: map[string]*found{}, answers: map[string]txtAnswer{}}
}

func (w *walker) discover(author string) (*Discovery, error) {
	rules := w.rules
	name, err := dnsrec.CanonicalName(author)
	if err != nil {
		return nil, err
	}
	d := &Discovery{Author: dnsrec.TrimDot(name), Rules: rules, AuthorExists: true}
	var f *found
	if rules.is7489() {
		f, err = w.fetch(name)
		if err == nil && f.rec == nil {
			org := orgDomainPSL(name)
			if org != name {
				f, err = w.fetch(org)
			}
		}
	} else {
		for _, target := range walkTargets(name) {
			if f, err = w.fetch(target); err != nil || f.rec != nil {
				break
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if d.OrgDomain, err = w.orgDomain(name); err != nil {
		return nil, err
	}
	d.Queries, d.Findings = w.queries, w.findings
	if f == nil || f.rec == nil {
		d.Findings = append(d.Findings, plan.Worded(plan.Finding{Code: CodeNoRecord, Severity: plan.SeverityWarning, Name: "_dmarc." + d.Author,
			Params: map[string]string{"domain": d.Author, "org": d.OrgDomain}}, 1, 1))
		return d, nil
	}
	d.Record, d.RecordText, d.PolicyDomain = f.rec, f.text, dnsrec.TrimDot(f.domain)
	d.Findings = append(d.Findings, f.findings...)
	switch {
	case f.domain == name:
		d.Policy, d.PolicyTag = d.Record.EffectivePolicy(), "p"
	default:
		d.Policy, d.PolicyTag = d.Record.EffectiveSubdomainPolicy(), "sp"
		if !rules.is7489() {
			exists, err := w.exists(name)
			if err != nil {
				return nil, err
			}
			d.AuthorExists = exists
			if !exists {
				d.Policy, d.PolicyTag = d.Record.EffectiveNonexistentPolicy(), "np"
			}
		}
	}
	d.Queries = w.queries
	return d, nil
}

// OrgDomain returns the organizational domain of domain under the rules:
// RFC 9989's tree walk (psd=n stops at the domain, psd=y at the one below
// it, else the record with the fewest labels, else the domain itself), or
// RFC 7489's Public Suffix List (no DNS needed).
func (rules Rules) OrgDomain(ctx context.Context, r dnsrec.Resolver, domain string) (string, error) {
	if err := rules.Validate(); err != nil {
		return "", err
	}
	name, err := dnsrec.CanonicalName(domain)
	if err != nil {
		return "", err
	}
	return rules.newWalker(ctx, r).orgDomain(name)
}

// walkTargets lists the names the RFC 9989 tree walk queries for name:
// the name, then (if it has 8 labels or more) its last 7 labels, then one
// label fewer each time, down to the top-level domain. At most 8.
func walkTargets(name string) []string {
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	out := []string{name}
	n := len(labels)
	if n >= walkJumpTo+1 {
		n = walkJumpTo
	} else {
		n--
	}
	for ; n >= 1; n-- {
		out = append(out, strings.Join(labels[len(labels)-n:], ".")+".")
	}
	return out
}

// orgDomainPSL is the RFC 7489 organizational domain: the public suffix
// plus one label, or the name itself when it is a suffix.
func orgDomainPSL(name string) string {
	org, err := publicsuffix.EffectiveTLDPlusOne(strings.TrimSuffix(name, "."))
	if err != nil {
		return name
	}
	return org + "."
}

type found struct {
	domain   string
	rec      *Record
	text     string
	findings []plan.Finding
}

type walker struct {
	ctx      context.Context
	r        dnsrec.Resolver
	rules    Rules
	cache    map[string]*found
	answers  map[string]txtAnswer // every TXT look-up, by name
	queries  []Query
	findings []plan.Finding
}

type txtAnswer struct {
	a   *dnsrec.Answer
	err error
}

// txt looks up the TXT records of name once per walker.
func (w *walker) txt(name string) (*dnsrec.Answer, error) {
	if t, ok := w.answers[name]; ok {
		return t.a, t.err
	}
	a, err := w.r.Lookup(w.ctx, name, dnsrec.TypeTXT)
	w.answers[name] = txtAnswer{a, err}
	return a, err
}

// fetch reads the DMARC record of domain, once.
func (w *walker) fetch(domain string) (*found, error) {
	if f, ok := w.cache[domain]; ok {
		return f, nil
	}
	qname := "_dmarc." + domain
	a, err := w.txt(qname)
	if err != nil {
		if errors.Is(err, dnsrec.ErrInvalidName) {
			f := &found{domain: domain}
			w.cache[domain] = f
			return f, nil
		}
		w.queries = append(w.queries, Query{dnsrec.TrimDot(qname), "DNS failure: " + err.Error()})
		return nil, fmt.Errorf("dmarc: %w", err)
	}
	f := &found{domain: domain}
	w.cache[domain] = f
	var texts []string
	for _, txt := range a.TXT() {
		if v := dnsrec.JoinTXT(txt); isDMARC(v) {
			texts = append(texts, v)
		}
	}
	switch {
	case len(texts) == 0:
		w.queries = append(w.queries, Query{dnsrec.TrimDot(qname), "no DMARC record"})
	case len(texts) > 1:
		w.queries = append(w.queries, Query{dnsrec.TrimDot(qname), fmt.Sprintf("%d DMARC records: all ignored", len(texts))})
		w.findings = append(w.findings, plan.Worded(plan.Finding{Code: CodeMultiple, Severity: plan.SeverityError, Name: qname,
			Params: map[string]string{"name": dnsrec.TrimDot(qname), "records": strconv.Itoa(len(texts))}}, 1, 1))
	default:
		rec, _, err := w.rules.parse(texts[0])
		if err != nil {
			w.queries = append(w.queries, Query{dnsrec.TrimDot(qname), "a broken DMARC record: ignored"})
			w.findings = append(w.findings, published(w.rules.Lint(texts[0]), domain)...)
			break
		}
		w.queries = append(w.queries, Query{dnsrec.TrimDot(qname), "DMARC record: " + texts[0]})
		f.rec, f.text = rec, texts[0]
		f.findings = published(w.rules.Lint(texts[0]), domain)
	}
	return f, nil
}

// published returns the lint findings of the record at _dmarc.<domain>,
// named for it, each with the domain among its parameters.
func published(fs []plan.Finding, domain string) []plan.Finding {
	for i, f := range fs {
		fs[i].Name = "_dmarc." + domain
		params := maps.Clone(f.Params)
		if params == nil {
			params = map[string]string{}
		}
		params["domain"] = dnsrec.TrimDot(domain)
		fs[i].Params = params
	}
	return fs
}

// isDMARC reports whether a TXT value is a DMARC record, by RFC 9989's
// grammar (dmarc-version = "v" *WSP "=" *WSP "DMARC1", the same in RFC
// 7489): the record starts with the tag, with no whitespace before it; the
// tag name is matched without regard to case (an ABNF string), spaces
// around "=" are allowed, and the value is exactly "DMARC1".
func isDMARC(v string) bool {
	if len(v) == 0 || v[0]|0x20 != 'v' {
		return false
	}
	rest := strings.TrimLeft(v[1:], " \t")
	if !strings.HasPrefix(rest, "=") {
		return false
	}
	rest = strings.TrimLeft(rest[1:], " \t")
	if !strings.HasPrefix(rest, "DMARC1") {
		return false
	}
	rest = strings.TrimLeft(rest[len("DMARC1"):], " \t")
	return rest == "" || rest[0] == ';'
}

// orgDomain finds the organizational domain of name (canonical).
func (w *walker) orgDomain(name string) (string, error) {
	if w.rules.is7489() {
		return dnsrec.TrimDot(orgDomainPSL(name)), nil
	}
	targets := walkTargets(name)
	org := ""
	for i, t := range targets {
		f, err := w.fetch(t)
		if err != nil {
			return "", err
		}
		if f.rec == nil {
			continue
		}
		switch f.rec.PSD {
		case PSDNo:
			return dnsrec.TrimDot(t), nil
		case PSDYes:
			if i == 0 {
				break // the walk started at the PSD itself: it is its own organizational domain
			}
			return dnsrec.TrimDot(oneBelow(name, t)), nil
		}
		org = t
	}
	if org == "" {
		org = name
	}
	return dnsrec.TrimDot(org), nil
}

// oneBelow returns the domain one label below psd on the way to name.
func oneBelow(name, psd string) string {
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	n := strings.Count(strings.TrimSuffix(psd, "."), ".") + 2
	if n > len(labels) {
		return name
	}
	return strings.Join(labels[len(labels)-n:], ".") + "."
}

// exists reports whether name exists (anything but NXDOMAIN).
func (w *walker) exists(name string) (bool, error) {
	a, err := w.r.Lookup(w.ctx, name, dnsrec.TypeA)
	if err != nil {
		return false, fmt.Errorf("dmarc: %w", err)
	}
	note := "exists"
	if a.NXDomain {
		note = "does not exist (NXDOMAIN): np applies"
	}
	w.queries = append(w.queries, Query{dnsrec.TrimDot(name) + " (A)", note})
	return !a.NXDomain, nil
}
