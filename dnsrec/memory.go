package dnsrec

import (
	"context"
	"errors"
)

// InMemory is a [Resolver] that can say it holds an answer: one it can
// give at once, from memory, without I/O and without waiting for a question
// in flight. [Cache] is one (for the answers it holds and has not seen
// expire), and so is the in-memory zone of package dnstest (for every
// question).
//
// It is optional, and exists for callers that would otherwise start work
// ahead of time: the spf package fetches the records a check will need
// concurrently, which pays when answers take a network round trip and is
// pure cost (goroutines, synchronization) when they are at hand. A resolver
// that wraps a cache of its own implements InMemory to let such callers
// skip that work; one that does not is treated as slow until its answers
// show otherwise.
type InMemory interface {
	Resolver
	// LookupInMemory answers the question as Lookup(ctx, name, t) would
	// (an answer, or a failure the resolver holds), but only from memory;
	// it fails with ErrNotInMemory, at once, when Lookup would have to ask
	// DNS or wait. It never starts I/O and never blocks for long.
	LookupInMemory(ctx context.Context, name string, t Type) (*Answer, error)
}

// ErrNotInMemory is the error of [InMemory.LookupInMemory] when the resolver
// holds no current answer to the question: ask Lookup.
var ErrNotInMemory = errors.New("dnsrec: not in memory")

// LookupInMemory returns the answer (or the remembered failure) the cache
// holds for the question, or builds it from the CNAME records and the
// answer at the end of the chain that it holds, without asking the
// underlying Resolver and without waiting for a question in flight: it
// fails with [ErrNotInMemory] when it holds nothing current. It makes
// Cache an [InMemory] resolver. Like Lookup, it answers from the cache
// whatever the state of ctx.
func (c *Cache) LookupInMemory(ctx context.Context, name string, t Type) (*Answer, error) {
	qname, err := CanonicalName(name)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.clock++
	if e := c.currentLocked(cacheKey{qname, t}); e != nil {
		c.mu.Unlock()
		return e.ans, e.err
	}
	c.mu.Unlock()
	return c.follow(ctx, qname, t, true)
}
