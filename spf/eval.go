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
	"github.com/domainauth/domainauth/internal/resolve"
)

// Limits of RFC 7208, Section 4.6.4.
const (
	DefaultMaxLookups     = 10 // terms that query DNS, per check
	DefaultMaxVoidLookups = 2  // lookups that return nothing, per check
	maxMXHosts            = 10 // MX records per mx mechanism
	maxPTRNames           = 10 // PTR names considered per ptr mechanism or %{p}
	maxDepth              = 32 // include/redirect nesting, whatever MaxLookups says
	maxDomainLen          = 253
)

// Checker evaluates check_host() (RFC 7208, Sections 4 to 8). The zero
// value needs only a Resolver; the other fields default to the RFC's values.
// A Checker is safe for concurrent use.
type Checker struct {
	// Resolver answers the DNS questions. Put a dnsrec.Cache in front of a
	// dnsrec.Client to share answers between checks; within one check no
	// question is asked twice regardless. With none, every check gives
	// temperror with dnsrec.ErrNoResolver.
	Resolver dnsrec.Resolver
	// MaxLookups limits the terms that query DNS (include, a, mx, ptr,
	// exists, redirect); 0 means 10.
	MaxLookups int
	// MaxVoidLookups limits the lookups that return NXDOMAIN or no
	// records; 0 means 2.
	MaxVoidLookups int
	// Receiver is the checking host's domain, the %{r} macro in
	// explanations; "" means "unknown".
	Receiver string
	// Now gives the %{t} macro; nil means time.Now.
	Now func() time.Time
	// Sequential turns off fetching ahead. By default, once answers take
	// as long as a round trip to a DNS server (20 µs or more: the first
	// answer, or two later ones), the questions the terms of each record
	// that arrives will need are asked at once, in the background, so
	// that a cold check waits about as many round trips as its includes
	// nest deep rather than one per term. Answers at hand are not worth
	// it: a check whose resolver answers from memory ([dnsrec.InMemory]:
	// a dnsrec.Cache holding the answers, the dnstest zone) or answers as
	// fast runs as a sequential one, on the caller's goroutine. The
	// result, explanation, trace and lookup counts are the same either
	// way; only the order and timing of questions differ, and
	// [Result.Queries] counts those fetched ahead.
	Sequential bool
	// NoTrace leaves [Result.Trace] empty (and [Result.Explain] short): a
	// receiver that checks every message and keeps only the result saves
	// the trace's events, about a sixth of a check's memory when every
	// answer is new (the words of a trace are made only when it is read).
	// Nothing else changes.
	NoTrace bool
}

// CheckMailFrom checks the envelope sender (MAIL FROM) of a message from
// ip that greeted with helo (RFC 7208, Section 2.4). An empty mailFrom (a
// bounce) checks "postmaster@" + helo instead; a sender without "@" or with
// an empty local part is completed with "postmaster", as Section 4.3 says.
func (c *Checker) CheckMailFrom(ctx context.Context, ip netip.Addr, mailFrom, helo string) *Result {
	sender := mailFrom
	if sender == "" {
		sender = "postmaster@" + helo
	}
	local, domain, ok := cutLast(sender, "@")
	if !ok {
		local, domain = "postmaster", sender
	}
	if local == "" {
		local = "postmaster"
	}
	return c.CheckHost(ctx, ip, domain, local+"@"+domain, helo)
}

// CheckHELO checks the HELO/EHLO identity (RFC 7208, Section 2.3).
func (c *Checker) CheckHELO(ctx context.Context, ip netip.Addr, helo string) *Result {
	r := c.CheckHost(ctx, ip, helo, "postmaster@"+helo, helo)
	r.Identity = IdentityHELO
	return r
}

// CheckHost is the check_host() function of RFC 7208, Section 4: may ip
// send mail for domain, given the sender address (for macros) and the HELO
// name (for %{h})?
func (c *Checker) CheckHost(ctx context.Context, ip netip.Addr, domain, sender, helo string) *Result {
	e := &evaluation{
		c:     c,
		ctx:   ctx,
		ip:    ip.Unmap(),
		memo:  make([]memoEntry, 0, 16),
		res:   &Result{Identity: IdentityMailFrom, Domain: domain, IP: ip, Sender: sender, HELO: helo},
		limit: c.MaxLookups,
		voids: c.MaxVoidLookups,
	}
	if e.limit <= 0 {
		e.limit = DefaultMaxLookups
	}
	if e.voids <= 0 {
		e.voids = DefaultMaxVoidLookups
	}
	e.env.sender = sender
	e.env.local, e.env.sdomain, _ = cutLast(sender, "@")
	e.env.helo = helo
	e.env.ip = e.ip
	e.env.receiver = c.Receiver
	e.env.now = c.Now
	e.env.ptr = e
	e.r = resolve.Ensure(c.Resolver)
	e.mem, _ = e.r.(dnsrec.InMemory)
	defer e.queries() // stops the prefetcher on every path

	r := e.res
	// Initial processing (Section 4.3): a malformed or single-label domain
	// gives none.
	name, err := dnsrec.CanonicalName(domain)
	if err == nil && strings.Count(name, ".") < 2 {
		err = fmt.Errorf("%q is not a fully qualified domain name", domain)
	}
	// A sender longer than SMTP allows (RFC 5321, Section 4.5.3.1: 64
	// octets of local part, 255 of domain) is malformed; refusing it here
	// also bounds every macro expansion.
	if local, dom, _ := cutLast(sender, "@"); err == nil && (len(local) > maxLocalPart || len(dom) > maxSenderDomain) {
		err = fmt.Errorf("the sender %.40q... is longer than SMTP allows (%d octets of local part, %d of domain; RFC 5321, Section 4.5.3.1)", sender, maxLocalPart, maxSenderDomain)
	}
	if err != nil {
		r.Status = None
		r.Err = &domainSpecError{err}
		e.record(evInvalid, 0, domain, nil, -1, "")
		r.Trace = e.traceOf()
		return r
	}
	o := e.checkHost(name, 0)
	r.Status, r.Err = o.status, o.err
	r.Term, r.TermDomain, r.Via = o.term, o.termDomain, o.via
	if o.status == Fail {
		r.Explanation = o.explanation
		if r.Explanation == "" {
			r.Explanation = DefaultExplanation(dnsrec.TrimDot(name), e.ip)
		}
	}
	r.Lookups, r.VoidLookups = e.lookups, e.voidCount
	r.Queries, r.QueriesNeeded = e.queries(), len(e.memo)
	r.Trace = e.traceOf()
	return r
}

// Limits of a sender address (RFC 5321, Section 4.5.3.1).
const (
	maxLocalPart    = 64
	maxSenderDomain = 255
)

// DefaultExplanation is the explanation of a fail when the domain publishes
// none with exp=.
func DefaultExplanation(domain string, ip netip.Addr) string {
	return fmt.Sprintf("%s has not authorized %s to send mail for it", domain, ip)
}

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

// evaluation is the state of one check: counters, the query memo, the trace.
type evaluation struct {
	c         *Checker
	ctx       context.Context
	ip        netip.Addr
	env       macroEnv
	memo      []memoEntry // the questions asked, in order: a few dozen at most
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
	case Pass:
		return "matches: pass"
	case Fail:
		return "matches: fail"
	case SoftFail:
		return "matches: softfail"
	case Neutral:
		return "matches: neutral"
	}
	return "matches: " + string(st)
}

// lookup asks the resolver once per name and type per evaluation.
func (e *evaluation) lookup(name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	m := e.ask(memoKey{name, t})
	return m.ans, m.err
}

// ask returns the memo entry of question k, asking it first if need be. The
// pointer is valid until the next question is asked.
func (e *evaluation) ask(k memoKey) *memoEntry {
	if m := e.memoized(k); m != nil {
		return m
	}
	a, err, fresh := e.query(k)
	if err != nil && !errors.Is(err, dnsrec.ErrInvalidName) {
		err = fmt.Errorf("spf: %w", err)
	}
	e.memo = append(e.memo, memoEntry{k, a, err, fresh})
	return &e.memo[len(e.memo)-1]
}

// slowAnswer is how long an answer must take for fetching ahead to pay:
// well above a lookup in a process's memory (a microsecond or two), below
// a round trip to a DNS server on the same machine (some 50 µs).
const slowAnswer = 20 * time.Microsecond

// query asks the resolver question k. An answer the resolver holds in
// memory ([dnsrec.InMemory]) is taken at once; otherwise, once the
// prefetcher runs, the question goes through it, and before that it is
// asked directly and timed: the first answer, or a second one, that takes
// slowAnswer or more starts the prefetcher, which fetches ahead from the
// next record on. A question the prefetcher asked is left to it, even if
// the resolver now holds the answer in memory: it is asked once. fresh says
// the answer did not come from memory, so that the terms of its record are
// worth fetching ahead.
func (e *evaluation) query(k memoKey) (a *dnsrec.Answer, err error, fresh bool) {
	if e.mem != nil && !e.c.Sequential && (e.pre == nil || !e.pre.asking(k)) {
		if a, err = e.mem.LookupInMemory(e.ctx, k.name, k.typ); !errors.Is(err, dnsrec.ErrNotInMemory) {
			e.asked++
			return a, err, false
		}
	}
	if e.pre != nil {
		a, err = e.pre.lookup(k) // counted by the prefetcher
		return a, err, true
	}
	e.asked++
	if e.c.Sequential {
		a, err = e.r.Lookup(e.ctx, k.name, k.typ)
		return a, err, true
	}
	start := time.Now()
	a, err = e.r.Lookup(e.ctx, k.name, k.typ)
	if time.Since(start) >= slowAnswer {
		// The first answer is the record of the domain checked: slow, it
		// says the others will be. Later, one slow answer among fast ones
		// is as likely the machine's doing (the check's goroutine was
		// descheduled) as the resolver's; a second one is not.
		if e.slow++; e.asked == 1 || e.slow == 2 {
			e.startPrefetch(k, a, err)
		}
	}
	return a, err, true
}

// memoized returns the evaluation's earlier question k, or nil.
func (e *evaluation) memoized(k memoKey) *memoEntry {
	for i := range e.memo {
		if e.memo[i].key == k {
			return &e.memo[i]
		}
	}
	return nil
}

// startPrefetch starts the evaluation's prefetcher when the answer to k
// has arrived. It tells the prefetcher the questions asked so far, k
// included, so that none is asked twice.
func (e *evaluation) startPrefetch(k memoKey, a *dnsrec.Answer, err error) {
	family := dnsrec.TypeA
	if !e.ip.Is4() {
		family = dnsrec.TypeAAAA
	}
	ctx, cancel := context.WithCancel(e.ctx)
	e.pre = newPrefetcher(ctx, cancel, e.r, e.ip, family, e.limit)
	for _, m := range e.memo {
		e.pre.known(m.key, m.ans, m.err)
	}
	e.pre.known(k, a, err)
}

// queries is the number of questions the check asked its resolver, those
// fetched ahead included. It stops the prefetcher, if one runs, and waits
// for the questions it has in flight: they are no longer needed, and no
// goroutine of the check outlives it.
func (e *evaluation) queries() int {
	n := e.asked
	if e.pre != nil {
		n += e.pre.stop()
		e.pre = nil
	}
	return n
}

// countVoid counts a void lookup and reports whether the limit is passed.
func (e *evaluation) countVoid(a *dnsrec.Answer) error {
	if a != nil && !a.Void() {
		return nil
	}
	e.voidCount++
	if e.voidCount > e.voids {
		return fmt.Errorf("%w: %d lookups found nothing (limit %d)", ErrTooManyVoidLookups, e.voidCount, e.voids)
	}
	return nil
}

// fetchRecord finds and parses the SPF record of domain (Sections 4.4 and
// 4.5). A nil record with a nil error means none. The parsed record is kept
// with the answer, so an answer shared by a cache is parsed once.
func (e *evaluation) fetchRecord(domain string, depth int) (*parsedRecord, error) {
	m := e.ask(memoKey{domain, dnsrec.TypeTXT})
	if m.err != nil {
		return nil, m.err
	}
	p := m.ans.Derive(parsedKey{}, parseAnswer).(*parsedRecord)
	if e.pre != nil && m.fresh {
		e.pre.record(domain, p, depth)
	}
	if p.count > 1 {
		return nil, fmt.Errorf("%w: %s publishes %d", ErrMultipleRecords, dnsrec.TrimDot(domain), p.count)
	}
	if p.err != nil {
		return nil, p.err
	}
	return p, nil
}

// checkHost evaluates the record of domain (canonical) at a nesting depth.
func (e *evaluation) checkHost(domain string, depth int) outcome {
	if depth > maxDepth {
		return e.fail(depth, domain, PermError, fmt.Errorf("%w: includes nested more than %d deep", ErrTooManyLookups, maxDepth))
	}
	p, err := e.fetchRecord(domain, depth)
	switch {
	case errors.Is(err, dnsrec.ErrTemporary):
		return e.fail(depth, domain, TempError, err)
	case err != nil:
		return e.fail(depth, domain, PermError, err)
	case !p.ok:
		e.record(evNoRecord, depth, domain, nil, -1, "")
		return outcome{status: None, err: fmt.Errorf("%w at %s", ErrNoRecord, dnsrec.TrimDot(domain))}
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
		if t.queriesDNS() {
			e.lookups++
			if e.lookups > e.limit {
				return e.fail(depth, domain, PermError, fmt.Errorf("%w: %s is lookup %d of at most %d", ErrTooManyLookups, p.termText(i), e.lookups, e.limit))
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
		if st == Fail {
			out.explanation = e.explain(p)
		}
		return out
	}

	if i := p.redirect; p.all < 0 && i >= 0 {
		e.lookups++
		if e.lookups > e.limit {
			return e.fail(depth, domain, PermError, fmt.Errorf("%w: %s is lookup %d of at most %d", ErrTooManyLookups, p.termText(i), e.lookups, e.limit))
		}
		target, err := e.expandDomain(p.spec(i))
		if err != nil {
			return e.fail(depth, domain, PermError, err)
		}
		e.record(evRedirect, depth, domain, p, i, target)
		o := e.checkHost(target, depth+1)
		if o.status == None {
			return e.fail(depth, domain, PermError, fmt.Errorf("%w: redirect=%s", ErrIncludeNone, dnsrec.TrimDot(target)))
		}
		return o
	}
	e.record(evNeutral, depth, domain, nil, -1, "")
	return outcome{status: Neutral}
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
		st := PermError
		if errors.Is(err, dnsrec.ErrTemporary) {
			st = TempError
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
		if t.network().Contains(e.ip) {
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
		case Pass:
			in := o
			in.via = append([]string{dnsrec.TrimDot(target)}, o.via...)
			return true, &in, nil
		case Fail, SoftFail, Neutral:
			e.record(evGave, depth, domain, p, i, target).st = codeOf(o.status)
			return false, nil, nil
		case None:
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
	if p.terms[i].dom < 0 {
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
	return expandDomain(spec, &e.env)
}

// expandDomain expands spec in env; a spec without macros needs no env.
func expandDomain(spec string, env *macroEnv) (string, error) {
	s, _, err := expandMacros(spec, env, false)
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

// addrs looks up the addresses of name in the sender's family. For a and
// exists (countVoid) a lookup that finds nothing counts as void.
func (e *evaluation) addrs(name string, countVoid bool) ([]netip.Addr, error) {
	t := dnsrec.TypeA
	if !e.ip.Is4() {
		t = dnsrec.TypeAAAA
	}
	a, err := e.lookup(name, t)
	if err != nil {
		return nil, err
	}
	if countVoid {
		if err := e.countVoid(a); err != nil {
			return nil, err
		}
	}
	return a.Addrs(), nil
}

func (e *evaluation) containsIP(ips []netip.Addr, t *evalTerm) bool {
	return termContains(ips, t, e.ip)
}

// termContains reports whether the network of one of ips, with the prefix
// lengths of a or mx term t, holds sender.
func termContains(ips []netip.Addr, t *evalTerm, sender netip.Addr) bool {
	bits := int(t.cidr4)
	if !sender.Is4() {
		bits = int(t.cidr6)
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
	target, err := e.expandDomain(p.spec(p.exp))
	if err != nil {
		return ""
	}
	a, err := e.lookup(target, dnsrec.TypeTXT)
	if err != nil || len(a.Records) != 1 {
		return ""
	}
	text, _, err := expandMacros(a.Records[0].Value(), &e.env, true)
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
