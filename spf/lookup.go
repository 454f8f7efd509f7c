package spf

// The evaluation's DNS questions: each asked once per check (memoized),
// fetched ahead where that pays, counted against the lookup and void
// limits of RFC 7208, Section 4.6.4.

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
)

// lookup asks the resolver once per name and type per evaluation.
func (e *evaluation) lookup(name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	m := e.ask(memoKey{name, t})
	return m.ans, m.err
}

// ask returns the memo entry of question k, asking it first if need be. The
// pointer is valid until the next question is asked.
func (e *evaluation) ask(k memoKey) *memoEntry {
	e.since++
	if m := e.memoized(k); m != nil {
		return m
	}
	a, err, fresh := e.query(k)
	if err != nil && !errors.Is(err, dnsrec.ErrInvalidName) {
		err = fmt.Errorf("spf: %w", err)
	}
	return e.memo.add(memoEntry{k, a, err, fresh})
}

// quickWork is how many terms the evaluation may evaluate between two
// questions (reading no record) for the clock reading taken at the first
// answer to serve as the start of the second question: less than a
// microsecond of work, against slowAnswer.
const quickWork = 16

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
	// The clock is read once or twice per question, monotonic time since
	// the check's first question: when the evaluation has done no more
	// than evaluate a few terms since the last answer (no record read),
	// the reading taken at that answer serves as this question's start.
	// (Three reads with time.Now per question, on a virtual machine whose
	// clock takes some hundreds of nanoseconds a read, cost a fifth of a
	// check whose answers are new.)
	var start time.Duration
	switch {
	case e.t0.IsZero():
		e.t0 = time.Now()
	case e.since <= quickWork:
		start = e.tEnd
	default:
		start = time.Since(e.t0)
	}
	a, err = e.r.Lookup(e.ctx, k.name, k.typ)
	e.tEnd, e.since = time.Since(e.t0), 0
	if e.tEnd-start >= slowAnswer {
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
	for i := range e.memo.len() {
		if m := e.memo.at(i); m.key == k {
			return m
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
	for i := range e.memo.len() {
		m := e.memo.at(i)
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
	e.since = quickWork + 1 // reading the record is work: the next question reads the clock
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
