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

// maxAnalyzeRecords bounds the records an analysis fetches, so that a
// hostile tree of includes cannot make it run long.
const maxAnalyzeRecords = 100

// Analysis is the lookup budget of a domain's SPF record, independent of any
// sender address: what each term costs of the 10 DNS-querying terms that
// RFC 7208, Section 4.6.4 allows, followed through every include and
// redirect.
type Analysis struct {
	Domain string
	Root   *Node
	// Lookups is the total of DNS-querying terms a receiver evaluates when
	// no term matches early (the worst case, which is what receivers hit for
	// forged mail).
	Lookups int
	// VoidLookups counts a, mx and exists terms (and includes) whose names
	// return nothing.
	VoidLookups int
	// Findings: over the limits, loops, includes with no record, DNS errors,
	// terms that depend on the sender.
	Findings []plan.Finding
}

// Node is one record in the include tree.
type Node struct {
	Domain string // canonical, without the trailing dot
	Term   string // the include: or redirect= that led here; "" for the root
	Record string // the SPF record, "" when none was found
	// Cost is what this record's own terms cost; Total adds its children.
	Cost, Total int
	// Terms lists the record's DNS-querying terms with what each costs.
	Terms    []TermCost
	Children []*Node
	Err      error // why the record could not be read or parsed
}

// Analyze walks the SPF record of domain and its includes and redirects
// through r, counting lookups without evaluating any address. Every name
// and type is asked once; the walk is bounded and loop-safe. It answers a
// support engineer's "how close to the limit is this domain?"; a planner
// asking the same of a record it is about to propose uses [AnalyzeRecord].
func Analyze(ctx context.Context, r dnsrec.Resolver, domain string) (*Analysis, error) {
	return analyze(ctx, r, domain, nil)
}

// AnalyzeRecord is Analyze for a record not yet published: record is taken
// as the SPF record of domain, and its includes are looked up through r.
// Use it to see what an edit would cost before proposing it: nothing is
// published, so [Analyze] cannot see it.
func AnalyzeRecord(ctx context.Context, r dnsrec.Resolver, domain, record string) (*Analysis, error) {
	if _, err := Parse(record); err != nil {
		return nil, err
	}
	return analyze(ctx, r, domain, &record)
}

func analyze(ctx context.Context, r dnsrec.Resolver, domain string, record *string) (*Analysis, error) {
	if r == nil {
		return nil, fmt.Errorf("spf: Analyze: %w", dnsrec.ErrNoResolver)
	}
	name, err := dnsrec.ParseDomain("domain", domain)
	if err != nil {
		return nil, fmt.Errorf("spf: Analyze: %w", err)
	}
	w := &walker{ctx: ctx, r: r, memo: map[memoKey]memoEntry{}, root: record}
	a := &Analysis{Domain: dnsrec.TrimDot(name)}
	a.Root = w.walk(name, "", nil)
	if w.tempErr != nil {
		return nil, w.tempErr
	}
	a.Lookups, a.VoidLookups = a.Root.Total, w.voids
	a.Findings = w.findings
	if a.Lookups > DefaultMaxLookups {
		costliest := a.costliest(3)
		a.Findings = append(a.Findings, plan.Worded(plan.Finding{Code: CodeTooManyLookups, Severity: plan.SeverityError, Name: name,
			Params: map[string]string{"domain": a.Domain, "lookups": strconv.Itoa(a.Lookups), "limit": strconv.Itoa(DefaultMaxLookups), "costliest": costliest}}, 1, 1))
	}
	if a.VoidLookups > DefaultMaxVoidLookups {
		a.Findings = append(a.Findings, plan.Worded(plan.Finding{Code: CodeVoidLookups, Severity: plan.SeverityError, Name: name,
			Params: map[string]string{"domain": a.Domain, "voids": strconv.Itoa(a.VoidLookups), "limit": strconv.Itoa(DefaultMaxVoidLookups)}}, 2, 2))
	}
	return a, nil
}

// costliest names the n includes and redirects of the record itself (the
// ones its owner can remove) that cost the most, each with the lookups it
// takes: its own term plus everything below it.
func (a *Analysis) costliest(n int) string {
	nodes := append([]*Node(nil), a.Root.Children...)
	sort.SliceStable(nodes, func(i, j int) bool { return nodes[i].Total > nodes[j].Total })
	var parts []string
	for _, nd := range nodes[:min(n, len(nodes))] {
		parts = append(parts, fmt.Sprintf("%s (%d)", nd.Term, nd.Total+1))
	}
	if len(parts) == 0 {
		return "none: the record's own terms use them all"
	}
	return strings.Join(parts, ", ")
}

// String renders the tree with the cost of each include:
//
//	example.com: 4 lookups (1 own)
//	  include:_spf.example.net: 3 lookups (3 own)
func (a *Analysis) String() string {
	var b strings.Builder
	var visit func(nd *Node, depth int)
	visit = func(nd *Node, depth int) {
		b.WriteString(strings.Repeat("  ", depth))
		label := nd.Domain
		if nd.Term != "" {
			label = nd.Term
		}
		fmt.Fprintf(&b, "%s: %d %s (%d own)", label, nd.Total, plural(nd.Total, "lookup", "lookups"), nd.Cost)
		if nd.Err != nil {
			fmt.Fprintf(&b, ": %v", nd.Err)
		}
		b.WriteByte('\n')
		for _, c := range nd.Children {
			visit(c, depth+1)
		}
	}
	visit(a.Root, 0)
	fmt.Fprintf(&b, "total: %d of %d DNS-querying terms, %d void %s\n", a.Lookups, DefaultMaxLookups, a.VoidLookups, plural(a.VoidLookups, "lookup", "lookups"))
	return b.String()
}

// TermCost is what one DNS-querying term costs.
type TermCost struct {
	Term string
	// Cost is 1 for a, mx, ptr and exists, and 1 plus the target's total for
	// include and redirect.
	Cost int
	// MXHosts is, for mx, the number of MX records found (at most 10 allowed).
	MXHosts int
	// Void: the term's name returned nothing.
	Void bool
}

type walker struct {
	ctx      context.Context
	r        dnsrec.Resolver
	memo     map[memoKey]memoEntry
	records  int
	voids    int
	findings []plan.Finding
	tempErr  error
	root     *string // the root's record, when given rather than looked up
}

func (w *walker) lookup(name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	k := memoKey{name, t}
	if m, ok := w.memo[k]; ok {
		return m.ans, m.err
	}
	a, err := w.r.Lookup(w.ctx, name, t)
	w.memo[k] = memoEntry{ans: a, err: err}
	if err != nil && errors.Is(err, dnsrec.ErrTemporary) && w.tempErr == nil {
		w.tempErr = fmt.Errorf("spf: %w", err)
	}
	return a, err
}

func (w *walker) add(f plan.Finding) {
	f.Offset = nil
	w.findings = append(w.findings, f)
}

// walk analyzes the record at name; path holds the domains above it.
func (w *walker) walk(name, via string, path []string) *Node {
	nd := &Node{Domain: dnsrec.TrimDot(name), Term: via}
	w.records++
	if w.records > maxAnalyzeRecords {
		nd.Err = fmt.Errorf("not followed: more than %d records in the tree", maxAnalyzeRecords)
		return nd
	}
	var texts []string
	a := &dnsrec.Answer{}
	if w.root != nil && len(path) == 0 {
		texts = []string{*w.root}
	} else {
		var err error
		if a, err = w.lookup(name, dnsrec.TypeTXT); err != nil {
			nd.Err = err
			return nd
		}
		for _, txt := range a.TXT() {
			if v := dnsrec.JoinTXT(txt); IsSPF(v) {
				texts = append(texts, v)
			}
		}
	}
	switch {
	case len(texts) == 0:
		nd.Err = fmt.Errorf("%w at %s", ErrNoRecord, nd.Domain)
		if via != "" {
			w.add(plan.Worded(plan.Finding{Code: CodeIncludeNone, Severity: plan.SeverityError, Name: path[len(path)-1], Subject: via,
				Params: map[string]string{"term": via, "target": nd.Domain}}, 1, 1))
			if a.Void() {
				w.voids++
			}
		}
		return nd
	case len(texts) > 1:
		nd.Err = fmt.Errorf("%w: %s publishes %d", ErrMultipleRecords, nd.Domain, len(texts))
		w.add(plan.Worded(plan.Finding{Code: CodeMultiple, Severity: plan.SeverityError, Name: name,
			Params: map[string]string{"domain": nd.Domain, "records": strconv.Itoa(len(texts))}}, 2, 2))
		return nd
	}
	nd.Record = texts[0]
	rec, err := Parse(texts[0])
	if err != nil {
		nd.Err = err
		params := map[string]string{}
		if pe, ok := err.(*ParseError); ok {
			params = pe.params()
			params["record"], params["offset"] = pe.Input, strconv.Itoa(pe.Offset)
		}
		params["domain"] = nd.Domain
		w.add(plan.Worded(plan.Finding{Code: CodeSyntax, Severity: plan.SeverityError, Name: name, Params: nonEmpty(params)}, 1, 2))
		return nd
	}
	path = append(path, name)
	follow := func(t Term) int {
		if strings.Contains(t.Domain, "%") {
			w.add(plan.Worded(plan.Finding{Code: CodeMacroNotFollowed, Severity: plan.SeverityInfo, Name: name, Subject: t.String(),
				Params: map[string]string{"term": t.String()}}, 1, 0))
			return 0
		}
		target, err := dnsrec.CanonicalName(t.Domain)
		if err != nil {
			return 0
		}
		for _, p := range path {
			if p == target {
				w.add(plan.Worded(plan.Finding{Code: CodeIncludeLoop, Severity: plan.SeverityError, Name: name, Subject: t.String(),
					Params: map[string]string{"term": t.String(), "target": dnsrec.TrimDot(target)}}, 1, 1))
				return 0
			}
		}
		c := w.walk(target, t.String(), path)
		nd.Children = append(nd.Children, c)
		nd.Total += c.Total
		return c.Total
	}
	for _, t := range rec.Terms {
		if !t.queriesDNS() || t.Modifier == ModRedirect {
			continue
		}
		nd.Cost++
		nd.Total++
		tc := TermCost{Term: t.String(), Cost: 1}
		switch t.Mechanism {
		case MechInclude:
			tc.Cost += follow(t)
		case MechA, MechMX, MechExists:
			tc.Void, tc.MXHosts = w.countVoid(t, name)
		}
		nd.Terms = append(nd.Terms, tc)
	}
	if red, i := rec.Modifier(ModRedirect); i >= 0 && rec.All() < 0 {
		nd.Cost++
		nd.Total++
		nd.Terms = append(nd.Terms, TermCost{Term: red.String(), Cost: 1 + follow(red)})
	}
	return nd
}

// countVoid asks whether the name of an a, mx or exists term has records,
// and counts MX hosts; names with macros are skipped.
func (w *walker) countVoid(t Term, current string) (void bool, mxHosts int) {
	name := current
	if t.Domain != "" {
		if strings.Contains(t.Domain, "%") {
			return false, 0
		}
		var err error
		if name, err = dnsrec.CanonicalName(t.Domain); err != nil {
			return false, 0
		}
	}
	typ := dnsrec.TypeA
	if t.Mechanism == MechMX {
		typ = dnsrec.TypeMX
	}
	a, err := w.lookup(name, typ)
	if err != nil {
		return false, 0
	}
	if t.Mechanism == MechA && a.Void() {
		// A domain with only IPv6 addresses is not void for a.
		if a6, err := w.lookup(name, dnsrec.TypeAAAA); err == nil && !a6.Void() {
			return false, 0
		}
	}
	if a.Void() {
		w.voids++
		w.add(plan.Worded(plan.Finding{Code: CodeVoidLookups, Severity: plan.SeverityWarning, Name: current, Subject: t.String(),
			Params: map[string]string{"term": t.String(), "target": dnsrec.TrimDot(name), "limit": strconv.Itoa(DefaultMaxVoidLookups)}}, 1, 1))
		return true, 0
	}
	if t.Mechanism == MechMX {
		mxHosts = len(a.MX())
		if n := mxHosts; n > maxMXHosts {
			w.add(plan.Worded(plan.Finding{Code: CodeTooManyMX, Severity: plan.SeverityError, Name: current, Subject: t.String(),
				Params: map[string]string{"term": t.String(), "target": dnsrec.TrimDot(name), "records": strconv.Itoa(n), "limit": strconv.Itoa(maxMXHosts)}}, 1, 1))
		}
	}
	return false, mxHosts
}
