package dnsrec

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Cache is a [Resolver] that remembers the answers of another one for as
// long as their TTL allows (negative answers included, RFC 2308) and
// collapses concurrent identical questions into one query, which runs on
// its own context: one caller giving up (its ctx cancelled, its deadline
// passed) returns at once without failing the others waiting for the same
// answer, and a question nobody waits for any more is cancelled (see
// [Cache.Lookup]). Failures are not remembered unless FailureTTL says so.
// The zero value is not usable: set Resolver. Safe for concurrent use; must
// not be copied after first use.
//
// Answers returned by a Cache are shared between callers and must not be
// modified.
type Cache struct {
	// Resolver answers the questions the cache cannot; with none, every
	// lookup fails with [ErrNoResolver].
	Resolver Resolver
	// MaxEntries bounds the number of answers kept; 0 means 10,000. When
	// full, expired answers go first, then the least recently used tenth.
	MaxEntries int
	// MaxTTL caps how long any answer is kept; 0 means one hour.
	MaxTTL time.Duration
	// FailureTTL is how long a failure (SERVFAIL, REFUSED, a timeout) is
	// remembered, so that a batch does not ask a broken server the same
	// question again; RFC 2308, Section 7 allows up to five minutes. 0
	// means failures are not remembered.
	FailureTTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu      sync.Mutex
	base    time.Time // the monotonic clock's origin, when Now is nil
	entries map[cacheKey]*cacheEntry
	clock   uint64 // counts lookups, to find the least recently used
}

type cacheKey struct {
	name string
	typ  Type
}

type cacheEntry struct {
	done    chan struct{} // closed when ans/err are set
	ans     *Answer
	err     error
	expires time.Time
	used    uint64 // the cache's clock when last asked for

	// While in flight (c.mu guards them):
	waiters int                // callers waiting for the answer
	cancel  context.CancelFunc // cancels the question
}

// now is the cache's clock; the caller holds c.mu. Without Now it reads
// only the monotonic clock (time.Since), half the cost of time.Now where
// clock reads are slow, as on many virtual machines.
func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	if c.base.IsZero() {
		c.base = time.Now()
	}
	return c.base.Add(time.Since(c.base))
}

// Lookup answers from the cache when it can, and otherwise asks the
// underlying Resolver once for all concurrent callers.
//
// A caller whose ctx is already done gets a current answer if the cache
// holds one, and otherwise fails at once with [ErrTimeout], asking nothing.
// A question in flight runs on a context of its own (keeping the first
// caller's values, bounded by 30 seconds), so that one caller giving up does
// not fail the others; when the last caller waiting for it gives up, it is
// cancelled, and the next caller asks afresh.
func (c *Cache) Lookup(ctx context.Context, name string, t Type) (*Answer, error) {
	qname, err := CanonicalName(name)
	if err != nil {
		return nil, err
	}
	if c.Resolver == nil {
		return nil, &Error{Name: qname, Type: t, Err: ErrNoResolver}
	}
	key := cacheKey{qname, t}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = make(map[cacheKey]*cacheEntry)
	}
	c.clock++
	e, ok := c.entries[key]
	if ok {
		e.used = c.clock
		if c.currentLocked(e) {
			c.mu.Unlock()
			return e.ans, e.err
		}
		select {
		case <-e.done:
			ok = false // expired or failed: ask again
		default: // in flight: wait for it below
		}
	}
	if err := ctx.Err(); err != nil {
		c.mu.Unlock() // start nothing, join nothing: nobody would wait
		return nil, &Error{Name: qname, Type: t, Err: timeoutErr(err)}
	}
	if !ok {
		c.evictLocked()
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		e = &cacheEntry{done: make(chan struct{}), used: c.clock, cancel: cancel}
		c.entries[key] = e
		go c.fetch(fctx, key, e)
	}
	e.waiters++
	c.mu.Unlock()
	select {
	case <-e.done:
		return e.ans, e.err
	case <-ctx.Done():
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-e.done: // the answer came as the caller gave up: take it
		return e.ans, e.err
	default:
	}
	if e.waiters--; e.waiters == 0 {
		// Nobody waits for the question any more: stop it, and let the
		// next caller ask afresh rather than join a cancelled question.
		e.cancel()
		if c.entries[key] == e {
			delete(c.entries, key)
		}
	}
	return nil, &Error{Name: qname, Type: t, Err: timeoutErr(ctx.Err())}
}

// currentLocked reports whether e holds an answer (or a failure) that has
// not expired; the caller holds c.mu.
func (c *Cache) currentLocked(e *cacheEntry) bool {
	select {
	case <-e.done:
		return c.now().Before(e.expires)
	default: // in flight
		return false
	}
}

// fetchTimeout bounds one question asked for the cache's callers.
const fetchTimeout = 30 * time.Second

// fetch asks the underlying resolver and publishes the outcome in e. A
// resolver that panics fails the question instead of leaving it in flight
// for ever.
func (c *Cache) fetch(ctx context.Context, key cacheKey, e *cacheEntry) {
	defer e.cancel()
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
		ans, err = c.Resolver.Lookup(ctx, key.name, key.typ)
	}()
	if err == nil && ans == nil {
		err = &Error{Name: key.name, Type: key.typ, Err: fmt.Errorf("%w: the resolver returned no answer and no error", ErrBadResponse)}
	}
	c.mu.Lock()
	e.ans, e.err = ans, err
	if err == nil {
		ttl := time.Duration(ans.TTL) * time.Second
		maxTTL := c.MaxTTL
		if maxTTL <= 0 {
			maxTTL = time.Hour
		}
		e.expires = c.now().Add(min(ttl, maxTTL))
	} else if c.FailureTTL > 0 && !errors.Is(err, ErrNoResolver) {
		e.expires = c.now().Add(min(c.FailureTTL, 5*time.Minute))
	} else if c.entries[key] == e {
		delete(c.entries, key)
	}
	close(e.done)
	c.mu.Unlock()
}

// Len returns the number of answers held, expired ones included.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// evictLocked makes room for one entry.
func (c *Cache) evictLocked() {
	limit := c.MaxEntries
	if limit <= 0 {
		limit = 10000
	}
	if len(c.entries) < limit {
		return
	}
	// One pass: expired answers go; the others are candidates, least
	// recently used first. (Sorting keys by a map look-up in the
	// comparison was most of a full batch's cache time.)
	now := c.now()
	type candidate struct {
		key  cacheKey
		used uint64
	}
	done := make([]candidate, 0, len(c.entries))
	for k, e := range c.entries {
		select {
		case <-e.done:
			if !now.Before(e.expires) {
				delete(c.entries, k)
				continue
			}
			done = append(done, candidate{k, e.used})
		default:
		}
	}
	if len(c.entries) < limit {
		return
	}
	slices.SortFunc(done, func(a, b candidate) int { return cmp.Compare(a.used, b.used) })
	for _, d := range done {
		if len(c.entries) < limit-limit/10 {
			break
		}
		delete(c.entries, d.key)
	}
}

// timeoutErr wraps a context error as ErrTimeout so that callers see a
// temporary failure.
func timeoutErr(err error) error {
	return fmt.Errorf("%w: %w", ErrTimeout, err)
}
