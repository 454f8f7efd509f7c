package dnsrec_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// gated is a Resolver that counts questions and holds each one until the
// gate opens.
type gated struct {
	r     dnsrec.Resolver
	gate  chan struct{}
	count atomic.Int32
}

func (g *gated) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	g.count.Add(1)
	<-g.gate
	return g.r.Lookup(ctx, name, t)
}

func TestCacheCollapsesConcurrentQueries(t *testing.T) {
	g := &gated{r: newResolverZone(t), gate: make(chan struct{})}
	c := &dnsrec.Cache{Resolver: g}
	var wg sync.WaitGroup
	answers := make([]*dnsrec.Answer, 20)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := c.Lookup(context.Background(), "example.com", dnsrec.TypeTXT)
			if err != nil {
				t.Error(err)
			}
			answers[i] = a
		}()
	}
	// Let the first question reach the resolver, then release it.
	for g.count.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(g.gate)
	wg.Wait()
	if n := g.count.Load(); n != 1 {
		t.Errorf("resolver asked %d times, want 1", n)
	}
	for i, a := range answers {
		if a == nil || len(a.Records) != 1 {
			t.Fatalf("answer %d = %+v", i, a)
		}
	}
}

func TestCacheTTL(t *testing.T) {
	z := newResolverZone(t)
	now := time.Unix(1_700_000_000, 0)
	c := &dnsrec.Cache{Resolver: z, Now: func() time.Time { return now }}
	ctx := context.Background()
	ask := func(name string, ty dnsrec.Type) {
		t.Helper()
		if _, err := c.Lookup(ctx, name, ty); err != nil {
			t.Fatal(err)
		}
	}
	ask("example.com", dnsrec.TypeTXT)      // TTL 3600
	ask("nope.example.com", dnsrec.TypeTXT) // negative: SOA minimum 60
	ask("EXAMPLE.com.", dnsrec.TypeTXT)     // same key
	if n := len(z.Queries()); n != 2 {
		t.Fatalf("%d queries, want 2", n)
	}
	now = now.Add(61 * time.Second)
	ask("example.com", dnsrec.TypeTXT)
	ask("nope.example.com", dnsrec.TypeTXT) // negative answer expired
	if n := len(z.Queries()); n != 3 {
		t.Fatalf("%d queries after 61s, want 3", n)
	}
	now = now.Add(time.Hour)
	ask("example.com", dnsrec.TypeTXT)
	if n := len(z.Queries()); n != 4 {
		t.Fatalf("%d queries after an hour, want 4", n)
	}
}

func TestCacheDoesNotKeepFailures(t *testing.T) {
	z := newResolverZone(t)
	c := &dnsrec.Cache{Resolver: z}
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if _, err := c.Lookup(ctx, "broken.example.com", dnsrec.TypeTXT); !errors.Is(err, dnsrec.ErrServFail) {
			t.Fatalf("err = %v", err)
		}
	}
	if n := len(z.Queries()); n != 2 {
		t.Errorf("%d queries, want 2: failures must not be cached", n)
	}
	z.Fail("broken.example.com", dnsrec.TypeTXT, nil)
	if _, err := c.Lookup(ctx, "broken.example.com", dnsrec.TypeTXT); err != nil {
		t.Errorf("after the failure is lifted: %v", err)
	}
}

func TestCacheEvicts(t *testing.T) {
	z := dnstest.MustZone("")
	c := &dnsrec.Cache{Resolver: z, MaxEntries: 10}
	for i := 0; i < 100; i++ {
		if _, err := c.Lookup(context.Background(), string(rune('a'+i%26))+".x"+string(rune('a'+i/26))+".example", dnsrec.TypeA); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.Len(); n > 10 {
		t.Errorf("cache holds %d entries, limit 10", n)
	}
}

// One caller giving up early does not fail the callers waiting for the
// same answer with longer deadlines.
func TestCacheCallerDeadlinesAreTheirOwn(t *testing.T) {
	g := &gated{r: newResolverZone(t), gate: make(chan struct{})}
	c := &dnsrec.Cache{Resolver: g}
	hurried, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	first := make(chan error, 1)
	go func() {
		_, err := c.Lookup(hurried, "example.ch", dnsrec.TypeTXT)
		first <- err
	}()
	for g.count.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_, err := c.Lookup(ctx, "example.ch", dnsrec.TypeTXT)
			errs <- err
		}()
	}
	if err := <-first; !errors.Is(err, dnsrec.ErrTimeout) {
		t.Errorf("the hurried caller: err = %v, want a timeout", err)
	}
	close(g.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a patient caller failed: %v", err)
		}
	}
	if n := g.count.Load(); n != 1 {
		t.Errorf("%d questions, want 1", n)
	}
}

type panicking struct{ calls atomic.Int32 }

func (p *panicking) Lookup(context.Context, string, dnsrec.Type) (*dnsrec.Answer, error) {
	if p.calls.Add(1) == 1 {
		panic("broken resolver")
	}
	return &dnsrec.Answer{Name: "x.example.", Type: dnsrec.TypeTXT}, nil
}

// A resolver that panics fails its question; later callers ask again
// instead of waiting for ever.
func TestCacheResolverPanics(t *testing.T) {
	p := &panicking{}
	c := &dnsrec.Cache{Resolver: p}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := c.Lookup(ctx, "x.example", dnsrec.TypeTXT); !errors.Is(err, dnsrec.ErrBadResponse) {
		t.Errorf("first lookup: err = %v, want ErrBadResponse", err)
	}
	if _, err := c.Lookup(ctx, "x.example", dnsrec.TypeTXT); err != nil {
		t.Errorf("second lookup: %v", err)
	}
}

// When full, the cache drops the least recently used answers: a name
// asked for all the time stays.
func TestCacheKeepsHotAnswers(t *testing.T) {
	z := dnstest.MustZone(`hot.example. IN TXT "v=spf1 -all"`)
	c := &dnsrec.Cache{Resolver: z, MaxEntries: 20}
	ctx := context.Background()
	for i := range 500 {
		if _, err := c.Lookup(ctx, "hot.example", dnsrec.TypeTXT); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Lookup(ctx, fmt.Sprintf("cold%d.example", i), dnsrec.TypeTXT); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for _, q := range z.Queries() {
		if q.Name == "hot.example." {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the hot name was asked %d times, want once", n)
	}
	if c.Len() > 20 {
		t.Errorf("%d entries, limit 20", c.Len())
	}
}

// With FailureTTL, a failed question is remembered for that long.
func TestCacheFailureTTL(t *testing.T) {
	z := dnstest.MustZone("")
	z.Fail("broken.example.", "", dnsrec.ErrServFail)
	now := time.Unix(1e9, 0)
	c := &dnsrec.Cache{Resolver: z, FailureTTL: time.Minute, Now: func() time.Time { return now }}
	for range 3 {
		if _, err := c.Lookup(context.Background(), "broken.example", dnsrec.TypeTXT); !errors.Is(err, dnsrec.ErrServFail) {
			t.Fatalf("err = %v", err)
		}
	}
	if n := len(z.Queries()); n != 1 {
		t.Errorf("%d questions within the failure TTL, want 1", n)
	}
	now = now.Add(2 * time.Minute)
	c.Lookup(context.Background(), "broken.example", dnsrec.TypeTXT)
	if n := len(z.Queries()); n != 2 {
		t.Errorf("%d questions after the failure TTL, want 2", n)
	}
}
