package spf

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
)

// outcome is the result of check_host() for one domain.
type outcome struct {
	status      Status
	err         error
	explanation string
	term        string   // the mechanism that decided, as written
	termDomain  string   // whose record holds it
	via         []string // include domains it was reached through
}

type memoKey struct {
	name string
	typ  dnsrec.Type
}

type memoEntry struct {
	key   memoKey
	ans   *dnsrec.Answer
	err   error
	fresh bool // asked of DNS (or of a prefetch), not found in a cache
}

// memoTable holds the questions of one check, in order. The first ones
// are held in the table itself, so that an evaluation, which a check keeps
// on its stack, needs no memory of the heap for the questions of a usual
// check (a big provider's tree asks a dozen).
type memoTable struct {
	first [16]memoEntry
	n     int         // questions held in first
	more  []memoEntry // the questions after those
}

func (m *memoTable) len() int { return m.n + len(m.more) }

// at is question i.
func (m *memoTable) at(i int) *memoEntry {
	if i < m.n {
		return &m.first[i]
	}
	return &m.more[i-m.n]
}

// add appends a question and returns it.
func (m *memoTable) add(e memoEntry) *memoEntry {
	if m.n < len(m.first) {
		m.first[m.n] = e
		m.n++
		return &m.first[m.n-1]
	}
	m.more = append(m.more, e)
	return &m.more[len(m.more)-1]
}

// evaluation is the state of one check: counters, the query memo, the trace.
type evaluation struct {
	c         *Checker
	ctx       context.Context
	ip        netip.Addr
	env       macroEnv
	memo      memoTable // the questions asked, in order: a few dozen at most
	res       *Result
	limit     int
	voids     int
	lookups   int
	voidCount int
	trace     []event         // the trace's events; see Trace
	errs      []error         // the trace's errors
	discard   event           // the event a check without a trace records into
	r         dnsrec.Resolver // the Checker's, never nil
	mem       dnsrec.InMemory // r, when it can answer from memory
	asked     int             // questions asked of r directly (the prefetcher counts its own)
	slow      int             // answers from r that took slowAnswer or more
	t0        time.Time       // when the first question timed was asked
	tEnd      time.Duration   // when the last question timed was answered, since t0
	since     int             // terms evaluated and questions asked since then; see quickWork
	pre       *prefetcher     // nil until an answer is slow, and in sequential mode
}

// traceOf is the evaluation's trace.
func (e *evaluation) traceOf() Trace {
	if len(e.trace) == 0 {
		return Trace{}
	}
	return Trace{ip: e.ip, events: e.trace, errs: e.errs}
}

// matchNote is the trace note of a term that matched.
func matchNote(st Status) string {
	switch st {
	case StatusPass:
		return "matches: pass"
	case StatusFail:
		return "matches: fail"
	case StatusSoftFail:
		return "matches: softfail"
	case StatusNeutral:
		return "matches: neutral"
	}
	return "matches: " + string(st)
}

// checkHost evaluates the record of domain (canonical) at a nesting depth.
func (e *evaluation) checkHost(domain string, depth int) outcome {
	if depth > maxDepth {
		return e.fail(depth, domain, StatusPermError, fmt.Errorf("%w: includes nested more than %d deep", ErrTooManyLookups, maxDepth))
	}
	p, err := e.fetchRecord(domain, depth)
	switch {
	case errors.Is(err, dnsrec.ErrTemporary):
		return e.fail(depth, domain, StatusTempError, err)
	case err != nil:
		return e.fail(depth, domain, StatusPermError, err)
	case !p.ok:
		e.record(evNoRecord, depth, domain, nil, -1, "")
		return outcome{status: StatusNone, err: fmt.Errorf("%w at %s", ErrNoRecord, dnsrec.TrimDot(domain))}
	}
	if depth == 0 {
		e.res.Record = p.recordText()
		if !e.c.NoTrace {
			e.trace = slices.Grow(e.trace, p.traceEvents())
		}
	}
	e.record(evRecord, depth, domain, p, -1, "")
	e.env.domain = dnsrec.TrimDot(domain)

	for i := range p.terms {
		t := &p.terms[i]
		if t.isModifier() {
			continue
		}
		e.since++
		if t.queriesDNS() {
			e.lookups++
			if e.lookups > e.limit {
				return e.fail(depth, domain, StatusPermError, fmt.Errorf("%w: %s is lookup %d of at most %d", ErrTooManyLookups, p.termText(i), e.lookups, e.limit))
			}
		}
		match, inner, o := e.mechanism(p, i, domain, depth)
		e.env.domain = dnsrec.TrimDot(domain) // restore after an include
		if o != nil {
			return *o
		}
		if !match {
			continue
		}
		st := t.status()
		e.record(evMatch, depth, domain, p, i, "").st = codeOf(st)
		out := outcome{status: st, term: p.termText(i), termDomain: dnsrec.TrimDot(domain)}
		if inner != nil { // an include passed: the term inside it decided
			out.term, out.termDomain, out.via = inner.term, inner.termDomain, inner.via
		}
		if st == StatusFail {
			out.explanation = e.explain(p)
		}
		return out
	}

	if i := int(p.redirect); p.all < 0 && i >= 0 {
		e.lookups++
		if e.lookups > e.limit {
			return e.fail(depth, domain, StatusPermError, fmt.Errorf("%w: %s is lookup %d of at most %d", ErrTooManyLookups, p.termText(i), e.lookups, e.limit))
		}
		target, err := e.expandDomain(p.spec(i))
		if err != nil {
			return e.fail(depth, domain, StatusPermError, err)
		}
		e.record(evRedirect, depth, domain, p, i, target)
		o := e.checkHost(target, depth+1)
		if o.status == StatusNone {
			return e.fail(depth, domain, StatusPermError, fmt.Errorf("%w: redirect=%s", ErrIncludeNone, dnsrec.TrimDot(target)))
		}
		return o
	}
	e.record(evNeutral, depth, domain, nil, -1, "")
	return outcome{status: StatusNeutral}
}

func (e *evaluation) fail(depth int, domain string, st Status, err error) outcome {
	if !e.c.NoTrace {
		ev := e.record(evFail, depth, domain, nil, -1, "")
		ev.st, ev.n = codeOf(st), count(len(e.errs))
		e.errs = append(e.errs, err)
	}
	return outcome{status: st, err: err}
}

// mechanism evaluates one mechanism. For an include that passes, inner is
// the included domain's outcome. A non-nil stop ends the evaluation
// (temperror, permerror).
func (e *evaluation) mechanism(p *parsedRecord, i int, domain string, depth int) (match bool, inner, stop *outcome) {
	t, text := &p.terms[i], p.termText(i)
	errOut := func(err error) (bool, *outcome, *outcome) {
		st := StatusPermError
		if errors.Is(err, dnsrec.ErrTemporary) {
			st = StatusTempError
		}
		o := e.fail(depth, domain, st, fmt.Errorf("%s: %w", text, err))
		return false, nil, &o
	}
	noMatch := func(kind eventKind, arg string, n int) (bool, *outcome, *outcome) {
		e.record(kind, depth, domain, p, i, arg).n = count(n)
		return false, nil, nil
	}
	switch t.kind {
	case kindAll:
		return true, nil, nil
	case kindIP4, kindIP6:
		if (t.kind == kindIP4) != e.ip.Is4() {
			e.ipMiss(depth, domain, p, i)
			return false, nil, nil
		}
		if p.contains(i, e.ip) {
			return true, nil, nil
		}
		e.ipMiss(depth, domain, p, i)
		return false, nil, nil
	case kindInclude:
		target, err := e.target(p, i)
		if err != nil {
			return errOut(err)
		}
		o := e.checkHost(target, depth+1)
		switch o.status {
		case StatusPass:
			in := o
			in.via = append([]string{dnsrec.TrimDot(target)}, o.via...)
			return true, &in, nil
		case StatusFail, StatusSoftFail, StatusNeutral:
			e.record(evGave, depth, domain, p, i, target).st = codeOf(o.status)
			return false, nil, nil
		case StatusNone:
			return errOut(fmt.Errorf("%w: %s", ErrIncludeNone, dnsrec.TrimDot(target)))
		default:
			stop := o
			return false, nil, &stop
		}
	case kindA:
		name, err := e.targetDomain(p, i, domain)
		if err != nil {
			return errOut(err)
		}
		ips, err := e.addrs(name, true)
		if err != nil {
			return errOut(err)
		}
		if e.containsIP(ips, t) {
			return true, nil, nil
		}
		return noMatch(evAddrs, name, len(ips))
	case kindMX:
		name, err := e.targetDomain(p, i, domain)
		if err != nil {
			return errOut(err)
		}
		a, err := e.lookup(name, dnsrec.TypeMX)
		if err != nil {
			return errOut(err)
		}
		if err := e.countVoid(a); err != nil {
			return errOut(err)
		}
		mxs := a.MX()
		if len(mxs) > maxMXHosts {
			return errOut(fmt.Errorf("%w: %s has %d (limit %d)", ErrTooManyMX, dnsrec.TrimDot(name), len(mxs), maxMXHosts))
		}
		for _, mx := range mxs {
			if mx.Host == "." { // null MX (RFC 7505)
				continue
			}
			ips, err := e.addrs(mx.Host, false)
			if err != nil {
				return errOut(err)
			}
			if e.containsIP(ips, t) {
				return true, nil, nil
			}
		}
		return noMatch(evMX, name, len(mxs))
	case kindPTR:
		name, err := e.targetDomain(p, i, domain)
		if err != nil {
			return errOut(err)
		}
		for _, n := range e.validatedNames() {
			if dnsrec.IsSubdomain(n, name) {
				return true, nil, nil
			}
		}
		return noMatch(evPTR, name, 0)
	case kindExists:
		name, err := e.target(p, i)
		if err != nil {
			return errOut(err)
		}
		a, err := e.lookup(name, dnsrec.TypeA)
		if err != nil {
			return errOut(err)
		}
		if err := e.countVoid(a); err != nil {
			return errOut(err)
		}
		if !a.Void() {
			return true, nil, nil
		}
		return noMatch(evExists, name, 0)
	}
	return false, nil, nil
}

// targetDomain is the domain of a, mx and ptr: the expanded domain-spec, or
// the current domain.
func (e *evaluation) targetDomain(p *parsedRecord, i int, domain string) (string, error) {
	if p.terms[i].dom() < 0 {
		return domain, nil
	}
	return e.target(p, i)
}

// target is the expanded domain-spec of term i.
func (e *evaluation) target(p *parsedRecord, i int) (string, error) {
	if target := p.target(i); target != "" {
		return target, nil
	}
	return e.expandDomain(p.spec(i))
}

// expandDomain expands a domain-spec and makes it a canonical name,
// shortened from the left to 253 bytes (Section 7.3).
func (e *evaluation) expandDomain(spec string) (string, error) {
	return expandDomain(spec, e)
}

// expandDomain expands spec in the evaluation ev; a spec without macros
// needs none.
func expandDomain(spec string, ev *evaluation) (string, error) {
	s, _, err := expandMacros(spec, ev, false)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	s = strings.TrimSuffix(s, ".")
	for len(s) > maxDomainLen {
		i := strings.IndexByte(s, '.')
		if i < 0 {
			break
		}
		s = s[i+1:]
	}
	name, err := dnsrec.CanonicalName(s)
	if err != nil {
		return "", fmt.Errorf("%w: %q expands to %q: %w", ErrDomainSpec, spec, s, err)
	}
	return name, nil
}

func (e *evaluation) containsIP(ips []netip.Addr, t *evalTerm) bool {
	return termContains(ips, t, e.ip)
}

// termContains reports whether the network of one of ips, with the prefix
// lengths of a or mx term t, holds sender.
func termContains(ips []netip.Addr, t *evalTerm, sender netip.Addr) bool {
	bits := prefixLen(t.cidr4)
	if !sender.Is4() {
		bits = prefixLen(t.cidr6)
	}
	if bits < 0 {
		bits = sender.BitLen()
	}
	for _, ip := range ips {
		if ip.Is4() != sender.Is4() {
			continue
		}
		p, err := ip.Prefix(bits)
		if err == nil && p.Contains(sender) {
			return true
		}
	}
	return false
}

// validatedNames returns the sender's reverse names that resolve back to its
// address (Section 5.5), considering at most 10 PTR names. DNS errors make
// a name (or all, for the PTR lookup) count as not validated.
func (e *evaluation) validatedNames() []string {
	a, err := e.lookup(reverseName(e.ip), dnsrec.TypePTR)
	if err != nil {
		return nil
	}
	names := a.Targets()
	if len(names) > maxPTRNames {
		names = names[:maxPTRNames]
	}
	var out []string
	for _, n := range names {
		ips, err := e.addrs(n, false)
		if err != nil {
			continue
		}
		for _, ip := range ips {
			if ip == e.ip {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

// validatedName is the %{p} macro: a validated reverse name of the sender,
// preferring the current domain and its subdomains, else "unknown".
func (e *evaluation) validatedName() string {
	names := e.validatedNames()
	domain := strings.ToLower(e.env.domain) + "."
	for _, n := range names {
		if n == domain {
			return dnsrec.TrimDot(n)
		}
	}
	for _, n := range names {
		if dnsrec.IsSubdomain(n, domain) {
			return dnsrec.TrimDot(n)
		}
	}
	if len(names) > 0 {
		return dnsrec.TrimDot(names[0])
	}
	return "unknown"
}

// explain computes the exp= explanation of rec (Section 6.2): any problem
// means no explanation, and the default one is used.
func (e *evaluation) explain(p *parsedRecord) string {
	if p.exp < 0 {
		return ""
	}
	target, err := e.expandDomain(p.spec(int(p.exp)))
	if err != nil {
		return ""
	}
	a, err := e.lookup(target, dnsrec.TypeTXT)
	if err != nil || len(a.Records) != 1 {
		return ""
	}
	text, _, err := expandMacros(a.Records[0].Value(), e, true)
	if err != nil {
		return ""
	}
	return text
}

// reverseName is the in-addr.arpa or ip6.arpa name of ip.
func reverseName(ip netip.Addr) string { return dnsrec.ReverseName(ip) }

func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
