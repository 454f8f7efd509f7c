package dnsrec

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Cache is a [Resolver] that remembers the answers of another one for as
// long as their TTL allows (negative answers included, RFC 2308) and
// collapses concurrent identical questions into one query. Failures are not
// remembered. The zero value is not usable: set Resolver. Safe for concurrent
// use; must not be copied after first use.
//
// Answers returned by a Cache are shared between callers and must not be
// modified.
type Cache struct {
	// Resolver answers the questions the cache cannot; with none, every
	// lookup fails with [ErrNoResolver].
	Resolver Resolver
	// MaxEntries bounds the number of answers kept; 0 means 10,000. When
	// full, expired answers go first, then arbitrary ones.
	MaxEntries int
	// MaxTTL caps how long any answer is kept; 0 means one hour.
	MaxTTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu      sync.Mutex
	entries map[cacheKey]*cacheEntry
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
}

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Lookup answers from the cache when it can, and otherwise asks the
// underlying Resolver once for all concurrent callers.
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
	e, ok := c.entries[key]
	if ok {
		select {
		case <-e.done:
			if e.err == nil && c.now().Before(e.expires) {
				c.mu.Unlock()
				return e.ans, nil
			}
			ok = false // expired or failed: ask again
		default: // in flight: wait for it
			c.mu.Unlock()
			select {
			case <-e.done:
				return e.ans, e.err
			case <-ctx.Done():
				return nil, &Error{Name: qname, Type: t, Err: timeoutErr(ctx.Err())}
			}
		}
	}
	if !ok {
		c.evictLocked()
		e = &cacheEntry{done: make(chan struct{})}
		c.entries[key] = e
	}
	c.mu.Unlock()

	ans, err := c.Resolver.Lookup(ctx, qname, t)
	c.mu.Lock()
	e.ans, e.err = ans, err
	if err == nil {
		ttl := time.Duration(ans.TTL) * time.Second
		maxTTL := c.MaxTTL
		if maxTTL <= 0 {
			maxTTL = time.Hour
		}
		e.expires = c.now().Add(min(ttl, maxTTL))
	} else if c.entries[key] == e {
		delete(c.entries, key)
	}
	close(e.done)
	c.mu.Unlock()
	return ans, err
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
	now := c.now()
	for k, e := range c.entries {
		select {
		case <-e.done:
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		default:
		}
	}
	for k, e := range c.entries {
		if len(c.entries) < limit-limit/10 {
			break
		}
		select {
		case <-e.done:
			delete(c.entries, k)
		default:
		}
	}
}

// timeoutErr wraps a context error as ErrTimeout so that callers see a
// temporary failure.
func timeoutErr(err error) error {
	return fmt.Errorf("%w: %w", ErrTimeout, err)
}
