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

// generous bounds waiting for something a test knows will happen: long
// enough for a loaded machine, never a claim about speed.
const generous = 20 * time.Second

// holding is a Resolver that holds every question until release is closed
// or the question's ctx is done, and counts what happened.
type holding struct {
	r         dnsrec.Resolver
	release   chan struct{}
	asked     atomic.Int32
	cancelled chan struct{} // receives one value per question whose ctx ended
}

func newHolding(r dnsrec.Resolver) *holding {
	return &holding{r: r, release: make(chan struct{}), cancelled: make(chan struct{}, 100)}
}

func (h *holding) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	h.asked.Add(1)
	select {
	case <-h.release:
		return h.r.Lookup(ctx, name, t)
	case <-ctx.Done():
		h.cancelled <- struct{}{}
		return nil, &dnsrec.Error{Name: name, Type: t, Err: ctx.Err()}
	}
}

// waitFor polls cond until it holds, failing the test after a generous
// time.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(generous)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// A caller whose ctx is already done asks nothing: the resolver never sees
// the question, whether through a zone or a real client on loopback. An
// answer already held is still given.
func TestCacheCancelledCallerAsksNothing(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Unix(1, 0))
	defer cancel2()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want error
	}{
		{"cancelled", done, context.Canceled},
		{"deadline passed", expired, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z := newResolverZone(t)
			srv, err := dnstest.Serve(z)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			for name, r := range map[string]dnsrec.Resolver{"zone": z, "loopback": srv.Client()} {
				c := &dnsrec.Cache{Resolver: r}
				_, err := c.Lookup(tc.ctx, "example.com", dnsrec.TypeTXT)
				if !errors.Is(err, tc.want) || !errors.Is(err, dnsrec.ErrTemporary) || !errors.Is(err, dnsrec.ErrTimeout) {
					t.Errorf("%s: err = %v, want a temporary %v", name, err, tc.want)
				}
				var de *dnsrec.Error
				if !errors.As(err, &de) || de.Name != "example.com." {
					t.Errorf("%s: err = %v does not name the question", name, err)
				}
				if c.Len() != 0 {
					t.Errorf("%s: the cache holds %d entries after a cancelled caller", name, c.Len())
				}
			}
			udp, tcp := srv.Served()
			if n := z.Asked(); n != 0 || udp+tcp != 0 {
				t.Errorf("a cancelled caller caused %d questions to the zone, %d to the server", n, udp+tcp)
			}
			// With the answer held, a cancelled caller still gets it.
			c := &dnsrec.Cache{Resolver: z}
			if _, err := c.Lookup(context.Background(), "example.com", dnsrec.TypeTXT); err != nil {
				t.Fatal(err)
			}
			if a, err := c.Lookup(tc.ctx, "example.com", dnsrec.TypeTXT); err != nil || len(a.Records) != 1 {
				t.Errorf("a cached answer to a cancelled caller: %v, %v", a, err)
			}
			if n := z.Asked(); n != 1 {
				t.Errorf("%d questions, want 1", n)
			}
		})
	}
}

// The client itself sends nothing for a ctx already done.
func TestClientCancelledSendsNothing(t *testing.T) {
	z := newResolverZone(t)
	srv, err := dnstest.Serve(z)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := srv.Client()
	defer c.Close()
	for _, name := range []string{"example.com", "big.example.com", "alias.example.com"} {
		if _, err := c.Lookup(ctx, name, dnsrec.TypeTXT); !errors.Is(err, context.Canceled) || !errors.Is(err, dnsrec.ErrTemporary) {
			t.Errorf("%s: err = %v, want a temporary context.Canceled", name, err)
		}
	}
	if udp, tcp := srv.Served(); udp+tcp != 0 {
		t.Errorf("the server saw %d UDP and %d TCP questions from a cancelled caller", udp, tcp)
	}
}

// A question in flight is cancelled when the last caller waiting for it
// gives up, and only then: callers that leave never fail one still
// waiting, who gets the answer.
func TestCacheQuestionCancelledWhenNobodyWaits(t *testing.T) {
	for _, tc := range []struct {
		name           string
		callers, leave int
		wantCancelled  bool
		wantAskedAfter int32 // questions after one more caller asks
	}{
		{"the only caller leaves", 1, 1, true, 2},
		{"two of three leave", 3, 2, false, 1},
		{"all three leave", 3, 3, true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHolding(newResolverZone(t))
			c := &dnsrec.Cache{Resolver: h}
			type outcome struct {
				a   *dnsrec.Answer
				err error
			}
			results := make([]chan outcome, tc.callers)
			cancels := make([]context.CancelFunc, tc.callers)
			for i := range tc.callers {
				ctx, cancel := context.WithTimeout(context.Background(), generous)
				cancels[i], results[i] = cancel, make(chan outcome, 1)
				go func() {
					a, err := c.Lookup(ctx, "example.com", dnsrec.TypeTXT)
					results[i] <- outcome{a, err}
				}()
			}
			defer func() {
				for _, cancel := range cancels {
					cancel()
				}
			}()
			waitFor(t, "every caller to join the question", func() bool {
				return dnsrec.CacheWaiters(c, "example.com", dnsrec.TypeTXT) == tc.callers
			})
			for i := range tc.leave {
				cancels[i]()
				if r := <-results[i]; !errors.Is(r.err, context.Canceled) || !errors.Is(r.err, dnsrec.ErrTemporary) {
					t.Errorf("caller %d, who left: err = %v", i, r.err)
				}
			}
			if tc.wantCancelled {
				select {
				case <-h.cancelled:
				case <-time.After(generous):
					t.Fatal("the question nobody waits for was not cancelled")
				}
			} else {
				// Leaving happens before Lookup returns: had the question been
				// cancelled, the resolver would be told by now or soon; then
				// the answer below would be an error.
				close(h.release)
				for i := tc.leave; i < tc.callers; i++ {
					if r := <-results[i]; r.err != nil || len(r.a.Records) != 1 {
						t.Errorf("caller %d, still waiting: %v, %v", i, r.a, r.err)
					}
				}
				if len(h.cancelled) != 0 {
					t.Error("the question was cancelled although a caller still waited")
				}
			}
			if tc.wantCancelled {
				close(h.release)
			}
			if _, err := c.Lookup(context.Background(), "example.com", dnsrec.TypeTXT); err != nil {
				t.Fatal(err)
			}
			if n := h.asked.Load(); n != tc.wantAskedAfter {
				t.Errorf("%d questions reached the resolver, want %d", n, tc.wantAskedAfter)
			}
		})
	}
}

// Many callers come and go on one slow question; whoever still waits at
// the end gets the answer, and the resolver is asked once.
func TestCacheLeavingCallersNeverFailOthers(t *testing.T) {
	h := newHolding(newResolverZone(t))
	c := &dnsrec.Cache{Resolver: h}
	patient := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), generous)
		defer cancel()
		_, err := c.Lookup(ctx, "example.com", dnsrec.TypeTXT)
		patient <- err
	}()
	waitFor(t, "the patient caller to join", func() bool {
		return dnsrec.CacheWaiters(c, "example.com", dnsrec.TypeTXT) == 1
	})
	var wg sync.WaitGroup
	var left atomic.Int32
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
			defer cancel()
			if _, err := c.Lookup(ctx, "example.com", dnsrec.TypeTXT); errors.Is(err, dnsrec.ErrTimeout) {
				left.Add(1)
			}
		}()
	}
	wg.Wait()
	close(h.release)
	if err := <-patient; err != nil {
		t.Errorf("the patient caller failed: %v", err)
	}
	if n := left.Load(); n != 50 {
		t.Errorf("%d of 50 hurried callers timed out, want all", n)
	}
	if n := h.asked.Load(); n != 1 || len(h.cancelled) != 0 {
		t.Errorf("%d questions, %d cancelled; want 1 and none", n, len(h.cancelled))
	}
}
