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
// # CNAME chains
//
// The cache keeps each RRset of an answer under its own name, for its own
// TTL (RFC 2181, Section 5.2 and Section 10.1; [Answer.TTLs]): each CNAME
// record under its alias, as the answer to a CNAME question, and the
// records at the end of the chain (or the negative answer, for the smaller
// of the SOA's TTL and MINIMUM, RFC 2308, Section 5) under the last name.
// A lookup that meets a CNAME it holds continues at the target from the
// cache (RFC 1034, Section 3.6.2) and asks only for what it does not hold,
// so that the key a thousand customers' selectors point to is asked once
// per TTL. Over a [Stepper] (such as [Client]) it follows chains itself,
// one server's answer at a time; over another Resolver it asks for the
// rest of a chain from the first name it does not hold. The answer to the
// question asked is kept as well, for as long as the shortest TTL along
// its chain, and its TTL says what remains of that. Chains are bounded as
// the client bounds them (at most 12 CNAMEs; a loop is an
// [ErrBadResponse]). Data is trusted as the resolver gives it: the records
// of a chain's target, learned from an answer about an alias, answer
// questions about the target.
//
// Answers returned by a Cache are shared between callers and must not be
// modified.
type Cache struct {
	// Resolver answers the questions the cache cannot; with none, every
	// lookup fails with [ErrNoResolver].
	Resolver Resolver
	// MaxEntries bounds the number of RRsets and answers kept; 0 means
	// 10,000. When full, expired ones go first, then the least recently
	// used tenth.
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
	flights map[cacheKey]*flight // questions in flight
	clock   uint64               // counts lookups, to find the least recently used
}

type cacheKey struct {
	name string
	typ  Type
}

// cacheEntry is an answer (or a failure) held. Only used changes once it
// is in the map (under c.mu); the rest is read without the lock.
type cacheEntry struct {
	ans     *Answer
	err     error
	expires time.Time
	used    uint64 // the cache's clock when last asked for
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
// holds one (or holds every link of its chain), and otherwise fails at
// once with [ErrTimeout], asking nothing. A question in flight runs on a
// context of its own (keeping the first caller's values, bounded by 30
// seconds), so that one caller giving up does not fail the others; when
// the last caller waiting for it gives up, it is cancelled, and the next
// caller asks afresh.
func (c *Cache) Lookup(ctx context.Context, name string, t Type) (*Answer, error) {
	qname, err := CanonicalName(name)
	if err != nil {
		return nil, err
	}
	if c.Resolver == nil {
		return nil, &Error{Name: qname, Type: t, Err: ErrNoResolver}
	}
	c.mu.Lock()
	c.clock++
	if e := c.currentLocked(cacheKey{qname, t}); e != nil {
		c.mu.Unlock()
		return e.ans, e.err
	}
	c.mu.Unlock()
	return c.follow(ctx, qname, t, false)
}

// currentLocked returns the entry held for key if it has not expired, and
// marks it used; the caller holds c.mu.
func (c *Cache) currentLocked(key cacheKey) *cacheEntry {
	e := c.entries[key]
	if e == nil || !c.now().Before(e.expires) {
		return nil
	}
	e.used = c.clock
	return e
}

// maxTTL is MaxTTL or its default.
func (c *Cache) maxTTL() time.Duration {
	if c.MaxTTL > 0 {
		return c.MaxTTL
	}
	return time.Hour
}

// putLocked keeps an answer or failure until expires, making room for it;
// one that has already expired is not kept. The caller holds c.mu.
func (c *Cache) putLocked(key cacheKey, ans *Answer, err error, expires time.Time) {
	if !c.now().Before(expires) {
		return
	}
	if c.entries == nil {
		c.entries = make(map[cacheKey]*cacheEntry)
	}
	if _, ok := c.entries[key]; !ok {
		c.evictLocked()
	}
	// A new entry, never a changed one: callers read entries they found
	// after letting go of the lock.
	c.entries[key] = &cacheEntry{ans: ans, err: err, expires: expires, used: c.clock}
}

// storeLocked keeps what one question for key brought: each CNAME record
// under its alias, the records (or the negative answer) at the end of the
// chain under the last name, and the whole answer under the question, each
// for its own TTL (capped by MaxTTL). A failure is kept for FailureTTL. The
// caller holds c.mu.
func (c *Cache) storeLocked(key cacheKey, a *Answer, err error) {
	now := c.now()
	if err != nil {
		if c.FailureTTL > 0 && !errors.Is(err, ErrNoResolver) {
			c.putLocked(key, nil, err, now.Add(min(c.FailureTTL, 5*time.Minute)))
		}
		return
	}
	until := func(ttl uint32) time.Time { return now.Add(min(time.Duration(ttl)*time.Second, c.maxTTL())) }
	owner := key.name
	for i, target := range a.CNAMEs {
		ttl := a.linkTTL(i)
		c.putLocked(cacheKey{owner, TypeCNAME}, linkAnswer(owner, target, ttl), nil, until(ttl))
		owner = target
	}
	if a.Partial {
		return
	}
	if len(a.CNAMEs) > 0 {
		ttl := a.finalTTL()
		end := &Answer{Name: owner, Type: key.typ, Records: a.Records, NXDomain: a.NXDomain, TTL: ttl}
		c.putLocked(cacheKey{owner, key.typ}, end, nil, until(ttl))
	}
	c.putLocked(key, a, nil, until(a.TTL))
}

// fetchTimeout bounds one question asked for the cache's callers.
const fetchTimeout = 30 * time.Second

// Len returns the number of entries held (answers, and the RRsets of their
// chains), expired ones included.
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
		if !now.Before(e.expires) {
			delete(c.entries, k)
			continue
		}
		done = append(done, candidate{k, e.used})
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
