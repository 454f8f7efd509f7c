package spf_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/spf"
)

// goroutineID is the number runtime.Stack gives the calling goroutine.
func goroutineID() string {
	b := make([]byte, 64)
	return string(bytes.Fields(b[:runtime.Stack(b, false)])[1])
}

// onGoroutine is an in-memory resolver that records the goroutine of every
// question it is asked, through either method.
type onGoroutine struct {
	r dnsrec.InMemory

	mu   sync.Mutex
	seen map[string]int // goroutine ID: questions
}

func (o *onGoroutine) note() {
	id := goroutineID()
	o.mu.Lock()
	o.seen[id]++
	o.mu.Unlock()
}

func (o *onGoroutine) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	o.note()
	return o.r.Lookup(ctx, name, t)
}

func (o *onGoroutine) LookupInMemory(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	o.note()
	return o.r.LookupInMemory(ctx, name, t)
}

// TestInMemoryCheckStartsNoGoroutines: with a resolver that answers from
// memory (the test zone, a warm dnsrec.Cache), the default check asks every
// question on the caller's goroutine and leaves the number of goroutines as
// it found it. Counted, not timed.
func TestInMemoryCheckStartsNoGoroutines(t *testing.T) {
	zone := dnstest.MustZone(providerZone())
	cache := &dnsrec.Cache{Resolver: dnstest.MustZone(providerZone())}
	ctx := context.Background()
	for _, ip := range []string{"5.255.64.53", "203.0.113.9", "2001:db8::1"} {
		// Fill the cache; its own misses run on goroutines of its own.
		(&spf.Checker{Resolver: cache}).CheckMailFrom(ctx, netip.MustParseAddr(ip), "info@customer.example", "h.example")
	}
	for _, tc := range []struct {
		name string
		r    dnsrec.InMemory
	}{{"zone", zone}, {"warm cache", cache}} {
		for _, ip := range []string{"5.255.64.53", "203.0.113.9", "2001:db8::1"} {
			o := &onGoroutine{r: tc.r, seen: map[string]int{}}
			c := &spf.Checker{Resolver: o}
			before := runtime.NumGoroutine()
			r := c.CheckMailFrom(ctx, netip.MustParseAddr(ip), "info@customer.example", "h.example")
			after := runtime.NumGoroutine()
			me := goroutineID()
			if len(o.seen) != 1 || o.seen[me] != r.Queries {
				t.Errorf("%s, %s: questions by goroutine %v, want all %d on the caller's (%s)", tc.name, ip, o.seen, r.Queries, me)
			}
			if after > before {
				t.Errorf("%s, %s: %d goroutines before the check, %d after", tc.name, ip, before, after)
			}
			if r.Queries == 0 {
				t.Errorf("%s, %s: no questions asked (%s)", tc.name, ip, r.Status)
			}
		}
	}
}

// recorder counts the questions a resolver is asked, answering each after
// delay (longer than the check's threshold, so that the default check
// fetches ahead).
type recorder struct {
	r     dnsrec.Resolver
	delay time.Duration
	n     atomic.Int64

	mu    sync.Mutex
	seen  map[string]bool
	twice []string // questions asked more than once
}

func (c *recorder) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	c.n.Add(1)
	c.mu.Lock()
	q := string(t) + " " + name
	if c.seen[q] {
		c.twice = append(c.twice, q)
	}
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	c.seen[q] = true
	c.mu.Unlock()
	if c.delay > 0 {
		select {
		case <-time.After(c.delay):
		case <-ctx.Done():
			return nil, &dnsrec.Error{Name: name, Type: t, Err: dnsrec.ErrTimeout}
		}
	}
	return c.r.Lookup(ctx, name, t)
}

// askedOf counts the questions an in-memory resolver answers, through
// either method, and each name and type asked more than once.
type askedOf struct {
	r dnsrec.InMemory
	n atomic.Int64

	mu    sync.Mutex
	seen  map[string]bool
	twice []string
}

func (c *askedOf) asked(name string, t dnsrec.Type) {
	c.n.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	q := string(t) + " " + name
	if c.seen[q] {
		c.twice = append(c.twice, q)
	}
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	c.seen[q] = true
}

func (c *askedOf) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	c.asked(name, t)
	return c.r.Lookup(ctx, name, t)
}

func (c *askedOf) LookupInMemory(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	a, err := c.r.LookupInMemory(ctx, name, t)
	if !errors.Is(err, dnsrec.ErrNotInMemory) {
		c.asked(name, t)
	}
	return a, err
}

// onceEach is the number of questions r was asked, failing the test if one
// was asked twice.
func onceEach(t *testing.T, r *askedOf) int {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.twice) > 0 {
		t.Errorf("asked more than once in one check: %v", r.twice)
	}
	return int(r.n.Load())
}

// TestQueriesCountsWhatTheResolverSaw: Result.Queries is the number of
// questions the resolver was asked, in both modes, those fetched ahead and
// never used included; QueriesNeeded is the same in both modes and is
// Queries in sequential mode.
func TestQueriesCountsWhatTheResolverSaw(t *testing.T) {
	type check struct {
		zone, ip, from string
	}
	checks := []check{
		{providerZone(), "5.255.64.53", "info@customer.example"}, // pass, at the last include
		{providerZone(), "10.0.0.7", "info@customer.example"},    // pass, in the first include's first include
		{providerZone(), "203.0.113.9", "info@customer.example"}, // fail, the whole tree read
		{providerZone(), "2001:db8::1", "info@customer.example"}, // fail, IPv6
		{mxZone, "192.0.2.99", "a@mx.example"},                   // mx hosts fetched ahead
		{loopZone, "192.0.2.1", "a@loop.example"},                // a record that includes itself
	}
	for i := 0; i < 40; i++ {
		data := []byte(fmt.Sprintf("%03d-%s", i, strings.Repeat(string(rune('a'+i%26)), 40)))
		checks = append(checks, check{randomZone(data), senders[i%len(senders)], fmt.Sprintf("u@d%d.example", i%8)})
	}
	ctx := context.Background()
	for i, ch := range checks {
		z := dnstest.MustZone(ch.zone)
		ip := netip.MustParseAddr(ch.ip)
		var needed []int
		for _, tc := range []struct {
			name string
			r    func() (dnsrec.Resolver, func() int)
			seq  bool
		}{
			{"zone, sequential", func() (dnsrec.Resolver, func() int) { return z, func() int { return len(z.Queries()) } }, true},
			{"zone", func() (dnsrec.Resolver, func() int) { return z, func() int { return len(z.Queries()) } }, false},
			{"slow, sequential", func() (dnsrec.Resolver, func() int) {
				r := &recorder{r: z, delay: time.Millisecond}
				return r, func() int { return int(r.n.Load()) }
			}, true},
			{"slow", func() (dnsrec.Resolver, func() int) {
				r := &recorder{r: z, delay: time.Millisecond}
				return r, func() int {
					if len(r.twice) > 0 {
						t.Errorf("asked more than once in one check: %v", r.twice)
					}
					return int(r.n.Load())
				}
			}, false},
			{"cache over slow", func() (dnsrec.Resolver, func() int) {
				r := &askedOf{r: &dnsrec.Cache{Resolver: &recorder{r: z, delay: time.Millisecond}}}
				return r, func() int { return onceEach(t, r) }
			}, false},
			{"cache over slow, sequential", func() (dnsrec.Resolver, func() int) {
				r := &askedOf{r: &dnsrec.Cache{Resolver: &recorder{r: z, delay: time.Millisecond}}}
				return r, func() int { return onceEach(t, r) }
			}, true},
		} {
			z.ResetQueries()
			r, saw := tc.r()
			res := (&spf.Checker{Resolver: r, Sequential: tc.seq}).CheckMailFrom(ctx, ip, ch.from, "h.example")
			if n := saw(); res.Queries != n {
				t.Errorf("check %d, %s: Queries %d, the resolver saw %d (%s)", i, tc.name, res.Queries, n, res.Status)
			}
			if tc.seq && res.QueriesNeeded != res.Queries {
				t.Errorf("check %d, %s: QueriesNeeded %d, Queries %d", i, tc.name, res.QueriesNeeded, res.Queries)
			}
			if res.QueriesNeeded > res.Queries {
				t.Errorf("check %d, %s: QueriesNeeded %d > Queries %d", i, tc.name, res.QueriesNeeded, res.Queries)
			}
			needed = append(needed, res.QueriesNeeded)
			if i == 1 && tc.name == "slow" {
				// The pass is found in the first include: the other
				// includes were fetched ahead for nothing, and counted.
				if res.Queries <= res.QueriesNeeded {
					t.Errorf("check 1, slow: Queries %d, QueriesNeeded %d: nothing fetched ahead?", res.Queries, res.QueriesNeeded)
				}
				t.Logf("check 1, slow: %d questions asked, %d needed", res.Queries, res.QueriesNeeded)
			}
		}
		for _, n := range needed[1:] {
			if n != needed[0] {
				t.Errorf("check %d: QueriesNeeded by mode %v, want the same", i, needed)
			}
		}
	}
}

// loopZone has a record that includes itself, after a term that makes the
// check fetch ahead.
const loopZone = `loop.example. IN TXT "v=spf1 a include:loop.example -all"
loop.example. IN A 192.0.2.9
`

// mxZone has an mx term whose hosts are fetched ahead.
const mxZone = `mx.example. IN TXT "v=spf1 mx include:other.example -all"
mx.example. IN MX 10 a.mx.example.
mx.example. IN MX 20 b.mx.example.
a.mx.example. IN A 192.0.2.1
b.mx.example. IN A 192.0.2.2
other.example. IN TXT "v=spf1 ip4:192.0.2.99 -all"
`

// TestInMemoryCheckCostsWhatSequentialCosts: with a resolver that answers
// from memory, the default check allocates exactly what the sequential one
// does (no prefetcher, no goroutine, no channel). Counted, not timed.
func TestInMemoryCheckCostsWhatSequentialCosts(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations are counted without the race detector")
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		r    dnsrec.Resolver
	}{
		{"new answers in memory", freshInMemory{newFreshAnswers(dnstest.MustZone(providerZone()))}},
		{"warm cache", &dnsrec.Cache{Resolver: dnstest.MustZone(providerZone())}},
	} {
		for _, ip := range []string{"5.255.64.53", "203.0.113.9"} {
			count := func(c *spf.Checker) float64 {
				addr := netip.MustParseAddr(ip)
				c.CheckMailFrom(ctx, addr, "info@customer.example", "h.example")
				return testing.AllocsPerRun(50, func() { c.CheckMailFrom(ctx, addr, "info@customer.example", "h.example") })
			}
			def := count(&spf.Checker{Resolver: tc.r})
			seq := count(&spf.Checker{Resolver: tc.r, Sequential: true})
			if def != seq {
				t.Errorf("%s, %s: the default check allocates %.0f times, the sequential one %.0f", tc.name, ip, def, seq)
			}
		}
	}
}
