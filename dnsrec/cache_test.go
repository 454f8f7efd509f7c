package dnsrec_test

import (
	"context"
	"errors"
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
