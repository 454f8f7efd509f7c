package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
)

// blackHoleFor answers from the demo zone, except that questions about the
// black-hole domains never get an answer: they wait until their caller
// gives up, as a domain whose name servers are down does.
type blackHoleFor struct {
	zone    dnsrec.Resolver
	mu      sync.Mutex
	waiting int // questions waiting now
	most    int // the most that ever waited at once
}

func (b *blackHoleFor) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	if !strings.Contains(name, "blackhole") {
		return b.zone.Lookup(ctx, name, t)
	}
	b.mu.Lock()
	b.waiting++
	b.most = max(b.most, b.waiting)
	b.mu.Unlock()
	<-ctx.Done()
	b.mu.Lock()
	b.waiting--
	b.mu.Unlock()
	return nil, &dnsrec.Error{Name: name, Type: t, Err: dnsrec.ErrTimeout}
}

// TestWebAbandonedRequests: many clients ask for domains whose servers
// never answer and give up after 50 ms; meanwhile, other clients check
// ordinary domains. The abandoned checks stop with their requests, the
// server's bound holds, and every legitimate request gets its report.
func TestWebAbandonedRequests(t *testing.T) {
	bh := &blackHoleFor{zone: demo.Zone()}
	c := &domaincheck.Checker{Profile: demoProfile(t), Resolver: bh}
	lim := newLimiter(8)
	srv := httptest.NewServer(limitedHandler(c, nil, lim, func(r *http.Request) string { return r.Header.Get("X-Client") }))
	defer srv.Close()
	get := func(ctx context.Context, client, domain string) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/check?domain="+domain, nil)
		req.Header.Set("X-Client", client)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		return resp.StatusCode, nil
	}
	var wg sync.WaitGroup
	for i := range 400 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			get(ctx, "abuser"+strconv.Itoa(i%40), "d"+strconv.Itoa(i)+".blackhole.example")
		}()
	}
	statuses := make([]int, 20)
	errs := make([]error, 20)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A patient client: a generous deadline, not a speed.
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			statuses[i], errs[i] = get(ctx, "customer"+strconv.Itoa(i), demoDomains[i%len(demoDomains)])
		}()
	}
	wg.Wait()
	for i := range statuses {
		if statuses[i] != http.StatusOK || errs[i] != nil {
			t.Errorf("legitimate request %d: status %d, err %v", i, statuses[i], errs[i])
		}
	}
	// Under the lock: a check's questions run on (detached) past the
	// request that began them.
	bh.mu.Lock()
	most := bh.most
	bh.mu.Unlock()
	if most > 8*4 { // 8 checks at once, a handful of questions each
		t.Errorf("%d questions waited at once; the server admits 8 checks", most)
	}
	// Every abandoned check stopped: nothing waits any more.
	deadline := time.Now().Add(30 * time.Second)
	for {
		bh.mu.Lock()
		waiting := bh.waiting
		bh.mu.Unlock()
		if waiting == 0 || time.Now().After(deadline) {
			if waiting != 0 {
				t.Errorf("%d questions of abandoned checks still wait", waiting)
			}
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	// One client cannot hold more than its share.
	lim2 := newLimiter(8)
	var releases []func()
	for range maxPerClient {
		done, err := lim2.acquire(context.Background(), "one")
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, done)
	}
	if _, err := lim2.acquire(context.Background(), "one"); err != errBusy {
		t.Errorf("a fifth check from one client: %v", err)
	}
	for _, r := range releases {
		r()
	}
}
