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

// Both the cache and the test zone say they answer from memory.
var (
	_ dnsrec.InMemory = (*dnsrec.Cache)(nil)
	_ dnsrec.InMemory = (*dnstest.Zone)(nil)
)

// TestCacheLookupInMemory: a cache answers from memory what it holds and
// has not seen expire, failures included, and nothing else, without asking
// its resolver.
func TestCacheLookupInMemory(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	z := newResolverZone(t)
	z.Fail("broken.example.com", dnsrec.TypeTXT, dnsrec.ErrServFail)
	c := &dnsrec.Cache{Resolver: z, FailureTTL: time.Minute, Now: func() time.Time { return now }}
	ctx := context.Background()
	if _, err := c.LookupInMemory(ctx, "example.com", dnsrec.TypeTXT); !errors.Is(err, dnsrec.ErrNotInMemory) {
		t.Fatalf("before any lookup: %v, want ErrNotInMemory", err)
	}
	want, err := c.Lookup(ctx, "example.com", dnsrec.TypeTXT)
	if err != nil {
		t.Fatal(err)
	}
	asked := len(z.Queries())
	got, err := c.LookupInMemory(ctx, "EXAMPLE.com.", dnsrec.TypeTXT)
	if err != nil || got != want {
		t.Fatalf("after the lookup: %v %v, want the cached answer", got, err)
	}
	if _, err := c.LookupInMemory(ctx, "example.com", dnsrec.TypeMX); !errors.Is(err, dnsrec.ErrNotInMemory) {
		t.Errorf("another type: %v, want ErrNotInMemory", err)
	}
	// A remembered failure is returned as it is.
	if _, err := c.Lookup(ctx, "broken.example.com", dnsrec.TypeTXT); !errors.Is(err, dnsrec.ErrServFail) {
		t.Fatalf("broken: %v", err)
	}
	if _, err := c.LookupInMemory(ctx, "broken.example.com", dnsrec.TypeTXT); !errors.Is(err, dnsrec.ErrServFail) {
		t.Errorf("a remembered failure: %v, want SERVFAIL", err)
	}
	if n := len(z.Queries()); n != asked+1 {
		t.Errorf("LookupInMemory asked the resolver: %d questions, want %d", n, asked+1)
	}
	// Expired answers are not current.
	now = now.Add(2 * time.Hour)
	if _, err := c.LookupInMemory(ctx, "example.com", dnsrec.TypeTXT); !errors.Is(err, dnsrec.ErrNotInMemory) {
		t.Errorf("after expiry: %v, want ErrNotInMemory", err)
	}
	if _, err := c.LookupInMemory(ctx, "bad..name", dnsrec.TypeTXT); !errors.Is(err, dnsrec.ErrInvalidName) {
		t.Errorf("an invalid name: %v", err)
	}
}

type keyA struct{}
type keyB struct{}

// TestAnswerDerive: what is derived from an answer is computed once per key
// and shared, also by racing callers (run with -race).
func TestAnswerDerive(t *testing.T) {
	a := &dnsrec.Answer{Name: "example.com.", Type: dnsrec.TypeTXT}
	var calls atomic.Int32
	f := func(x *dnsrec.Answer) any { calls.Add(1); return x.Name + " derived" }
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v := a.Derive(keyA{}, f); v != "example.com. derived" {
				t.Errorf("got %v", v)
			}
		}()
	}
	wg.Wait()
	n := calls.Load()
	if n < 1 || n > 16 {
		t.Fatalf("f ran %d times", n)
	}
	for i := 0; i < 100; i++ {
		a.Derive(keyA{}, f)
	}
	if calls.Load() != n {
		t.Errorf("f ran again once the value was kept: %d times, was %d", calls.Load(), n)
	}
	if v := a.Derive(keyB{}, func(*dnsrec.Answer) any { return 42 }); v != 42 {
		t.Errorf("another key: %v", v)
	}
	if v := a.Derive(keyA{}, f); v != "example.com. derived" {
		t.Errorf("the first key after the second: %v", v)
	}
	var nilAnswer *dnsrec.Answer
	if v := nilAnswer.Derive(keyA{}, func(x *dnsrec.Answer) any { return x == nil }); v != true {
		t.Errorf("a nil answer: %v", v)
	}
}
