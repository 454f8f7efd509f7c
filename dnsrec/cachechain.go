package dnsrec

import (
	"context"
	"fmt"
	"time"
)

// chain is a CNAME chain being followed through the cache, from the name
// asked for: the targets met so far, what remains of each RRset's TTL,
// and when the first of them expires.
type chain struct {
	qname   string
	t       Type
	cnames  []string
	ttls    []uint32
	expires time.Time // zero until a piece is added
}

// add appends a CNAME target whose record has ttl seconds left and expires
// then, within the chain bound and refusing loops.
func (ch *chain) add(target string, ttl uint32, expires time.Time) error {
	if len(ch.cnames) == maxChain {
		return &Error{Name: ch.qname, Type: ch.t, Err: fmt.Errorf("%w: CNAME chain longer than %d", ErrBadResponse, maxChain)}
	}
	if target == ch.qname || containsName(ch.cnames, target) {
		return &Error{Name: ch.qname, Type: ch.t, Err: fmt.Errorf("%w: CNAME loop at %s", ErrBadResponse, target)}
	}
	ch.cnames = append(ch.cnames, target)
	ch.ttls = append(ch.ttls, ttl)
	ch.until(expires)
	return nil
}

func (ch *chain) until(expires time.Time) {
	if ch.expires.IsZero() || expires.Before(ch.expires) {
		ch.expires = expires
	}
}

func containsName(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// follow answers the question by following its CNAME chain: from the
// RRsets the cache holds while it can, and otherwise by asking the
// resolver for the first name it does not hold (each such question once
// for all concurrent callers, see [Cache.joinLocked]). With memOnly it asks
// nothing, and fails with ErrNotInMemory where it would have to.
func (c *Cache) follow(ctx context.Context, qname string, t Type, memOnly bool) (*Answer, error) {
	ch := chain{qname: qname, t: t}
	cur := qname
	for {
		c.mu.Lock()
		if e := c.currentLocked(cacheKey{cur, t}); e != nil {
			if cur == qname { // kept meanwhile by another caller
				c.mu.Unlock()
				return e.ans, e.err
			}
			left := c.leftLocked(e)
			c.mu.Unlock()
			if e.err != nil {
				return nil, chainErr(e.err, qname, cur)
			}
			// The answer held for cur may have a chain of its own.
			for i, target := range e.ans.CNAMEs {
				if err := ch.add(target, min(left, e.ans.linkTTL(i)), e.expires); err != nil {
					return nil, err
				}
			}
			ch.until(e.expires)
			return c.finish(&ch, e.ans, min(left, e.ans.finalTTL()))
		}
		if t != TypeCNAME {
			if e := c.currentLocked(cacheKey{cur, TypeCNAME}); e != nil && e.err == nil {
				if target, ok := e.ans.cnameOf(cur); ok {
					left := c.leftLocked(e)
					c.mu.Unlock()
					if err := ch.add(target, left, e.expires); err != nil {
						return nil, err
					}
					cur = target
					continue
				}
			}
		}
		if memOnly {
			c.mu.Unlock()
			return nil, ErrNotInMemory
		}
		// Not held: ask (or join the question in flight) before letting go
		// of the lock, so that an answer that came meanwhile is not asked
		// for again.
		key := cacheKey{cur, t}
		f, err := c.joinLocked(ctx, key)
		c.mu.Unlock()
		var a *Answer
		if err == nil {
			a, err = c.wait(ctx, key, f)
		}
		if err != nil {
			if cur != qname {
				return nil, chainErr(err, qname, cur)
			}
			return nil, err
		}
		if cur == qname && !a.Partial {
			return a, nil // the resolver's answer to the question itself
		}
		c.mu.Lock()
		now := c.now()
		c.mu.Unlock()
		until := func(ttl uint32) time.Time { return now.Add(min(time.Duration(ttl)*time.Second, c.maxTTL())) }
		for i, target := range a.CNAMEs {
			if err := ch.add(target, a.linkTTL(i), until(a.linkTTL(i))); err != nil {
				return nil, err
			}
		}
		if !a.Partial {
			ttl := a.finalTTL()
			ch.until(until(ttl))
			return c.finish(&ch, a, ttl)
		}
		cur = a.Canonical()
	}
}

// leftLocked returns the seconds left of e's life, rounded up (an answer
// kept a moment ago has its whole TTL left), at most its TTL; the caller
// holds c.mu.
func (c *Cache) leftLocked(e *cacheEntry) uint32 {
	left := (e.expires.Sub(c.now()) + time.Second - 1) / time.Second
	if e.ans != nil {
		left = min(left, time.Duration(e.ans.TTL))
	}
	return uint32(max(left, 0))
}

// finish builds the answer to the chain's question from the chain and the
// answer at its end (whose records have ttl seconds left), and keeps it
// for as long as the first RRset along the chain lives. When another
// caller kept one first, that one is returned, so that callers share it.
func (c *Cache) finish(ch *chain, end *Answer, ttl uint32) (*Answer, error) {
	a := &Answer{Name: ch.qname, Type: ch.t, CNAMEs: ch.cnames, Records: end.Records, NXDomain: end.NXDomain}
	a.TTLs = append(ch.ttls, ttl)
	a.TTL = ttl
	for _, l := range ch.ttls {
		a.TTL = min(a.TTL, l)
	}
	key := cacheKey{ch.qname, ch.t}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.currentLocked(key); e != nil && e.err == nil {
		return e.ans, nil
	}
	c.putLocked(key, a, nil, ch.expires)
	return a, nil
}

// linkAnswer is the answer to a CNAME question that a link of a chain
// gives: the CNAME record at owner.
func linkAnswer(owner, target string, ttl uint32) *Answer {
	return &Answer{
		Name:    owner,
		Type:    TypeCNAME,
		Records: []Record{{Name: owner, Type: TypeCNAME, TTL: ttl, Data: target}},
		TTL:     ttl,
	}
}

// cnameOf returns the target of the CNAME record at owner that an answer
// to a CNAME question holds.
func (a *Answer) cnameOf(owner string) (string, bool) {
	for _, r := range a.Records {
		if r.Type != TypeCNAME {
			continue
		}
		if n, err := CanonicalName(r.Name); err != nil || n != owner {
			continue
		}
		if target, err := CanonicalName(r.Data); err == nil {
			return target, true
		}
	}
	return "", false
}

// ttlsReported reports whether the answer gives one TTL per RRset (nil
// TTLs, or a number that does not fit, leave TTL for each).
func (a *Answer) ttlsReported() bool {
	n := len(a.CNAMEs)
	if !a.Partial {
		n++
	}
	return len(a.TTLs) == n
}

// linkTTL is the TTL of the CNAME record whose target is CNAMEs[i].
func (a *Answer) linkTTL(i int) uint32 {
	if a.ttlsReported() {
		return a.TTLs[i]
	}
	return a.TTL
}

// finalTTL is the TTL of the records (or the negative answer) at the end
// of the chain.
func (a *Answer) finalTTL() uint32 {
	if a.ttlsReported() && !a.Partial {
		return a.TTLs[len(a.CNAMEs)]
	}
	return a.TTL
}
