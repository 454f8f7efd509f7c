package dnsrec

import (
	"context"
	"fmt"
)

// flight is one question the cache asks its resolver for every caller
// that needs its answer at the time.
type flight struct {
	done chan struct{} // closed when ans/err are set
	ans  *Answer
	err  error

	// Until done (c.mu guards them):
	waiters int                // callers waiting for the answer
	cancel  context.CancelFunc // cancels the question
}

// joinLocked puts one question (name and t) to the resolver, or joins the
// same question in flight: one question per name and type, whoever waits
// for it. The question runs on its own context, bounded by fetchTimeout. A
// caller whose ctx is done starts and joins nothing. The caller holds c.mu
// and then waits with [Cache.wait].
func (c *Cache) joinLocked(ctx context.Context, key cacheKey) (*flight, error) {
	if err := ctx.Err(); err != nil { // nobody would wait
		return nil, &Error{Name: key.name, Type: key.typ, Err: timeoutErr(err)}
	}
	f, ok := c.flights[key]
	if !ok {
		if c.flights == nil {
			c.flights = make(map[cacheKey]*flight)
		}
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &flight{done: make(chan struct{}), cancel: cancel}
		c.flights[key] = f
		go c.fetch(fctx, key, f)
	}
	f.waiters++
	return f, nil
}

// wait waits for the answer to a question joined. A caller whose ctx ends
// stops waiting at once, and the question is cancelled when nobody waits
// for it any more.
func (c *Cache) wait(ctx context.Context, key cacheKey, f *flight) (*Answer, error) {
	select {
	case <-f.done:
		return f.ans, f.err
	case <-ctx.Done():
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-f.done: // the answer came as the caller gave up: take it
		return f.ans, f.err
	default:
	}
	if f.waiters--; f.waiters == 0 {
		// Nobody waits for the question any more: stop it, and let the
		// next caller ask afresh rather than join a cancelled question.
		f.cancel()
		if c.flights[key] == f {
			delete(c.flights, key)
		}
	}
	return nil, &Error{Name: key.name, Type: key.typ, Err: timeoutErr(ctx.Err())}
}

// fetch asks the underlying resolver (one server's answer, from a
// [Stepper]), keeps what the answer brings, and publishes it in f. A
// resolver that panics fails the question instead of leaving it in flight
// for ever.
func (c *Cache) fetch(ctx context.Context, key cacheKey, f *flight) {
	defer f.cancel()
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	var ans *Answer
	var err error
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = &Error{Name: key.name, Type: key.typ, Err: fmt.Errorf("%w: the resolver panicked: %v", ErrBadResponse, p)}
			}
		}()
		if s, ok := c.Resolver.(Stepper); ok {
			ans, err = s.LookupStep(ctx, key.name, key.typ)
		} else {
			ans, err = c.Resolver.Lookup(ctx, key.name, key.typ)
		}
	}()
	if err == nil {
		err = checkStep(key, ans)
		if err != nil {
			ans = nil
		}
	}
	c.mu.Lock()
	f.ans, f.err = ans, err
	c.storeLocked(key, ans, err)
	if c.flights[key] == f {
		delete(c.flights, key)
	}
	close(f.done)
	c.mu.Unlock()
}

// checkStep returns an error for an answer the cache cannot use: none at
// all, or one that says it ends in a CNAME and names none.
func checkStep(key cacheKey, a *Answer) error {
	switch {
	case a == nil:
		return &Error{Name: key.name, Type: key.typ, Err: fmt.Errorf("%w: the resolver returned no answer and no error", ErrBadResponse)}
	case a.Partial && len(a.CNAMEs) == 0:
		return &Error{Name: key.name, Type: key.typ, Err: fmt.Errorf("%w: the resolver returned a partial answer without a CNAME", ErrBadResponse)}
	}
	return nil
}
