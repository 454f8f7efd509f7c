package spf

import (
	"context"
	"fmt"
	"net/netip"
	"sync"

	"github.com/domainauth/domainauth/dnsrec"
)

// Concurrent evaluation. check_host() is sequential: each include is
// evaluated before the next term is looked at, so a cold check of a record
// whose includes nest D deep, with N DNS-querying terms in all, waits for N
// round trips one after another. The prefetcher asks, as soon as a record
// arrives, the questions its terms will need (the TXT record of each include
// and of redirect=, the addresses of a, the MX of mx and then the addresses
// of its hosts, the A record of exists), for every term whose domain-spec has
// no macro; the answers of records it fetched are prefetched in turn. The
// evaluation itself is unchanged: it asks its questions in its own order and
// finds most of them answered or in flight, so a check waits about D + 1
// round trips.
//
// The prefetcher asks nothing the evaluation will certainly not read: no
// term of a record after one that holds the sender without DNS (all, or an
// ip4 or ip6 range holding it), and nothing of a record included after a
// term known to match (a range, an a or mx whose addresses hold the
// sender, an include whose record passes with certainty). What it asks
// beyond the sequential check's questions are those it could not know
// were unneeded when it asked them: the records of includes sent in the
// same round trip as the one that turns out to match.
//
// Nothing the prefetcher does changes a result: the evaluation counts only
// the lookups it makes itself, against the same limits; an answer it never
// asks for is simply unused. The prefetcher is bounded whatever the zone:
// at most MaxLookups terms are prefetched in a check (the number a
// check may ever evaluate), plus the addresses of at most ten hosts per mx
// term, never more than maxInFlight questions at once, never deeper than
// maxDepth, and each question once.

// maxInFlight bounds the questions the prefetcher has outstanding at once.
const maxInFlight = 10

// future is one question, asked or being asked.
type future struct {
	done chan struct{}
	ans  *dnsrec.Answer
	err  error
}

// prefetcher holds the questions of one concurrent evaluation.
type prefetcher struct {
	ctx    context.Context
	cancel context.CancelFunc
	r      dnsrec.Resolver
	ip     netip.Addr     // the sender
	family dnsrec.Type    // A or AAAA: the sender's address family
	wg     sync.WaitGroup // the goroutines prefetching

	mu       sync.Mutex
	futures  map[memoKey]*future
	recorded map[string]bool    // records whose terms were prefetched
	parents  map[string]termRef // the include or redirect= that a record was prefetched for
	decided  map[string]int     // records whose evaluation is known to stop at or before a term: its index
	records  map[string]*parsedRecord
	terms    int // terms prefetched
	maxTerms int
	asked    int           // questions handed to r
	queue    []task        // questions waiting for a worker
	workers  int           // goroutines asking questions, at most maxInFlight
	idle     int           // of those, the ones about to take a question from the queue
	stopped  bool          // the check is over: ask nothing more
	answered chan struct{} // closed: the done of the questions asked before the prefetcher started
}

func newPrefetcher(ctx context.Context, cancel context.CancelFunc, r dnsrec.Resolver, ip netip.Addr, family dnsrec.Type, maxTerms int) *prefetcher {
	return &prefetcher{
		ctx:      ctx,
		cancel:   cancel,
		r:        r,
		ip:       ip,
		family:   family,
		futures:  make(map[memoKey]*future),
		recorded: make(map[string]bool),
		parents:  make(map[string]termRef),
		decided:  make(map[string]int),
		records:  make(map[string]*parsedRecord),
		maxTerms: maxTerms,
	}
}

// known tells the prefetcher a question the evaluation asked before the
// prefetcher started, so that it is not asked again.
func (p *prefetcher) known(k memoKey, a *dnsrec.Answer, err error) {
	p.mu.Lock()
	if p.answered == nil {
		p.answered = make(chan struct{})
		close(p.answered)
	}
	p.futures[k] = &future{done: p.answered, ans: a, err: err}
	p.mu.Unlock()
}

// asking reports whether k was asked, or is being asked, through the
// prefetcher.
func (p *prefetcher) asking(k memoKey) bool {
	p.mu.Lock()
	_, ok := p.futures[k]
	p.mu.Unlock()
	return ok
}

// lookup is the evaluation's own question: it waits for a prefetch of the
// same question, or asks it.
func (p *prefetcher) lookup(k memoKey) (*dnsrec.Answer, error) {
	p.mu.Lock()
	f, ok := p.futures[k]
	if !ok {
		f = &future{done: make(chan struct{})}
		p.futures[k] = f
		p.asked++
	}
	p.mu.Unlock()
	if !ok {
		f.ans, f.err = p.r.Lookup(p.ctx, k.name, k.typ)
		close(f.done)
		return f.ans, f.err
	}
	select {
	case <-f.done:
		return f.ans, f.err
	case <-p.ctx.Done():
		return nil, p.cancelled(k)
	}
}

// stop ends the prefetching when the check is over: nothing more is asked,
// the questions in flight are cancelled, and stop waits for them to return.
// It returns the number of questions handed to the resolver.
func (p *prefetcher) stop() int {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	p.cancel()
	p.wg.Wait()
	return p.asked
}

// cancelled is the error of question k when the check ended first, as a
// resolver reports a cancelled question.
func (p *prefetcher) cancelled(k memoKey) error {
	return &dnsrec.Error{Name: k.name, Type: k.typ, Err: fmt.Errorf("%w: %w", dnsrec.ErrTimeout, p.ctx.Err())}
}

// task is a question waiting for a worker, and what to do with its answer.
type task struct {
	k    memoKey
	f    *future
	next func(*dnsrec.Answer)
}

// prefetch asks k in the background unless it was asked already; then, when
// the answer is there, runs next (in the background goroutine). Questions
// are asked by at most maxInFlight worker goroutines, each asking one
// question after another from a queue, so that a check starts a goroutine
// per question in flight at once rather than per question.
func (p *prefetcher) prefetch(k memoKey, next func(*dnsrec.Answer)) {
	p.mu.Lock()
	if _, ok := p.futures[k]; ok || p.stopped {
		p.mu.Unlock()
		return
	}
	f := &future{done: make(chan struct{})}
	p.futures[k] = f
	p.queue = append(p.queue, task{k, f, next})
	spawn := len(p.queue) > p.idle && p.workers < maxInFlight
	if spawn {
		p.workers++
		p.idle++
		p.wg.Add(1)
	}
	p.mu.Unlock()
	if spawn {
		go p.work()
	}
}

// work asks the queued questions until there are none, or the check is
// over; then the questions left are answered as cancelled.
func (p *prefetcher) work() {
	defer p.wg.Done()
	for {
		p.mu.Lock()
		if len(p.queue) == 0 || p.stopped {
			left := p.queue
			if p.stopped {
				p.queue = nil
			} else {
				left = nil
			}
			p.workers--
			p.idle--
			p.mu.Unlock()
			for _, t := range left {
				t.f.err = p.cancelled(t.k)
				close(t.f.done)
			}
			return
		}
		t := p.queue[0]
		p.queue[0] = task{}
		p.queue = p.queue[1:]
		p.idle--
		p.asked++
		p.mu.Unlock()
		t.f.ans, t.f.err = p.r.Lookup(p.ctx, t.k.name, t.k.typ)
		p.mu.Lock()
		p.idle++ // the questions next queues are this worker's first
		p.mu.Unlock()
		if t.f.err == nil && t.f.ans != nil && t.next != nil {
			t.next(t.f.ans)
		}
		close(t.f.done)
	}
}

// takeTerm reserves one term of the budget.
func (p *prefetcher) takeTerm() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terms >= p.maxTerms {
		return false
	}
	p.terms++
	return true
}

// termRef is term i of the record of domain.
type termRef struct {
	domain string
	i      int
}

// record prefetches what the terms of domain's record (at depth) will need:
// the terms before the first one that is known to match without DNS (all,
// or an ip4 or ip6 holding the sender), which is as far as the evaluation
// will read the record, and none when the record itself will not be read
// (see unneeded).
func (p *prefetcher) record(domain string, pr *parsedRecord, depth int) {
	if pr == nil || !pr.ok || depth >= maxDepth || p.ctx.Err() != nil {
		return
	}
	stop, passes := pr.staticMatch(p.ip)
	p.mu.Lock()
	done := p.recorded[domain]
	p.recorded[domain] = true
	unneeded := !done && p.unneeded(domain)
	if !done {
		p.records[domain] = pr
		if stop < len(pr.terms) {
			p.decide(domain, stop)
		}
		if passes {
			p.passes(domain)
		}
	}
	p.mu.Unlock()
	if done || unneeded {
		return
	}
	for i := range pr.terms[:stop] {
		t := &pr.terms[i]
		target := pr.target(i)
		switch t.kind {
		case kindA, kindMX:
			if t.dom() < 0 {
				target = domain
			}
		case kindInclude, kindExists:
		case kindRedirect:
			if pr.all >= 0 { // redirect= is ignored when all is present
				continue
			}
		default:
			continue
		}
		if target == "" || !p.takeTerm() {
			continue
		}
		switch t.kind {
		case kindInclude, kindRedirect:
			p.mu.Lock()
			if _, ok := p.parents[target]; !ok {
				p.parents[target] = termRef{domain, i}
			}
			p.mu.Unlock()
			p.prefetch(memoKey{target, dnsrec.TypeTXT}, func(a *dnsrec.Answer) {
				child, _ := a.Derive(parsedKey{}, parseAnswer).(*parsedRecord)
				p.record(target, child, depth+1)
			})
		case kindA:
			p.prefetch(memoKey{target, p.family}, func(a *dnsrec.Answer) {
				if termContains(a.Addrs(), t, p.ip) {
					p.mu.Lock()
					p.decide(domain, i)
					p.mu.Unlock()
				}
			})
		case kindExists:
			p.prefetch(memoKey{target, dnsrec.TypeA}, nil)
		case kindMX:
			p.prefetch(memoKey{target, dnsrec.TypeMX}, func(a *dnsrec.Answer) { p.hosts(a, termRef{domain, i}, t) })
		}
	}
}

// decide notes that the evaluation of domain's record stops at term i or
// before (a term there matches). Called with p.mu held.
func (p *prefetcher) decide(domain string, i int) {
	if d, ok := p.decided[domain]; !ok || i < d {
		p.decided[domain] = i
	}
}

// passes notes that domain's record passes for the sender whatever the
// answers still to come: the include (or redirect=) that it was fetched
// for matches, and so, when nothing before that term can match and its
// qualifier is +, does the record holding it, and so on up. Called with
// p.mu held.
func (p *prefetcher) passes(domain string) {
	for range maxDepth {
		ref, ok := p.parents[domain]
		if !ok {
			return
		}
		p.decide(ref.domain, ref.i)
		parent := p.records[ref.domain]
		if parent == nil || parent.terms[ref.i].kind != kindInclude || parent.terms[ref.i].status() != StatusPass {
			return
		}
		for j := range parent.terms[:ref.i] {
			if k := parent.terms[j].kind; k != kindIP4 && k != kindIP6 && !parent.terms[j].isModifier() {
				return // a term before it might match otherwise
			}
		}
		domain = ref.domain
	}
}

// unneeded reports whether the record of domain was prefetched for an
// include (or redirect=) that the evaluation will not reach: one after a
// term of the same record known to match, in this record or in one that
// includes it. Called with p.mu held.
func (p *prefetcher) unneeded(domain string) bool {
	for range maxDepth { // a record may include itself: bounded
		ref, ok := p.parents[domain]
		if !ok {
			return false
		}
		if d, ok := p.decided[ref.domain]; ok && d < ref.i {
			return true
		}
		domain = ref.domain
	}
	return false
}

// hosts prefetches the addresses of the hosts of an MX answer, as the mx
// mechanism at ref (term t) will ask them: none when there are more than it
// accepts.
func (p *prefetcher) hosts(a *dnsrec.Answer, ref termRef, t *evalTerm) {
	mxs := a.MX()
	if len(mxs) > maxMXHosts {
		return
	}
	for _, mx := range mxs {
		if mx.Host == "." { // null MX (RFC 7505), as the mx mechanism skips it
			continue
		}
		p.prefetch(memoKey{mx.Host, p.family}, func(a *dnsrec.Answer) {
			if termContains(a.Addrs(), t, p.ip) {
				p.mu.Lock()
				p.decide(ref.domain, ref.i)
				p.mu.Unlock()
			}
		})
	}
}
