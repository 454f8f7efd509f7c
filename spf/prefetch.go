package spf

import (
	"context"
	"fmt"
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
	family dnsrec.Type // A or AAAA: the sender's address family
	sem    chan struct{}
	wg     sync.WaitGroup // the goroutines prefetching

	mu       sync.Mutex
	futures  map[memoKey]*future
	recorded map[string]bool // records whose terms were prefetched
	terms    int             // terms prefetched
	maxTerms int
	asked    int           // questions handed to r
	stopped  bool          // the check is over: ask nothing more
	answered chan struct{} // closed: the done of the questions asked before the prefetcher started
}

func newPrefetcher(ctx context.Context, cancel context.CancelFunc, r dnsrec.Resolver, family dnsrec.Type, maxTerms int) *prefetcher {
	return &prefetcher{
		ctx:      ctx,
		cancel:   cancel,
		r:        r,
		family:   family,
		sem:      make(chan struct{}, maxInFlight),
		futures:  make(map[memoKey]*future),
		recorded: make(map[string]bool),
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

// prefetch asks k in the background unless it was asked already; then, when
// the answer is there, runs next (in the background goroutine).
func (p *prefetcher) prefetch(k memoKey, next func(*dnsrec.Answer)) {
	p.mu.Lock()
	if _, ok := p.futures[k]; ok || p.stopped {
		p.mu.Unlock()
		return
	}
	f := &future{done: make(chan struct{})}
	p.futures[k] = f
	p.wg.Add(1)
	p.mu.Unlock()
	go func() {
		defer p.wg.Done()
		defer close(f.done)
		select {
		case p.sem <- struct{}{}:
		case <-p.ctx.Done():
			f.err = p.cancelled(k)
			return
		}
		p.mu.Lock()
		stopped := p.stopped
		if !stopped {
			p.asked++
		}
		p.mu.Unlock()
		if stopped {
			<-p.sem
			f.err = p.cancelled(k)
			return
		}
		f.ans, f.err = p.r.Lookup(p.ctx, k.name, k.typ)
		<-p.sem
		if f.err == nil && f.ans != nil && next != nil {
			next(f.ans)
		}
	}()
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

// record prefetches what the terms of domain's record (at depth) will need.
func (p *prefetcher) record(domain string, pr *parsedRecord, depth int) {
	if pr == nil || !pr.ok || depth >= maxDepth || p.ctx.Err() != nil {
		return
	}
	p.mu.Lock()
	done := p.recorded[domain]
	p.recorded[domain] = true
	p.mu.Unlock()
	if done {
		return
	}
	for i := range pr.terms {
		t := &pr.terms[i]
		target := pr.target(i)
		switch t.kind {
		case kindA, kindMX:
			if t.dom < 0 {
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
			p.prefetch(memoKey{target, dnsrec.TypeTXT}, func(a *dnsrec.Answer) {
				child, _ := a.Derive(parsedKey{}, parseAnswer).(*parsedRecord)
				p.record(target, child, depth+1)
			})
		case kindA:
			p.prefetch(memoKey{target, p.family}, nil)
		case kindExists:
			p.prefetch(memoKey{target, dnsrec.TypeA}, nil)
		case kindMX:
			p.prefetch(memoKey{target, dnsrec.TypeMX}, p.hosts)
		}
	}
}

// hosts prefetches the addresses of the hosts of an MX answer, as the mx
// mechanism will ask them: none when there are more than it accepts.
func (p *prefetcher) hosts(a *dnsrec.Answer) {
	mxs := a.MX()
	if len(mxs) > maxMXHosts {
		return
	}
	for _, mx := range mxs {
		if mx.Host == "." { // null MX (RFC 7505), as the mx mechanism skips it
			continue
		}
		p.prefetch(memoKey{mx.Host, p.family}, nil)
	}
}
