package dnsrec_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/miekg/dns"
)

// blackHole serves names under blackhole.example. with no reply at all, as
// a recursive resolver does whose authoritative servers are unreachable,
// and answers every other name with an A record.
func blackHole(t *testing.T) *handlerServer {
	return serveHandler(t, func(w dns.ResponseWriter, req *dns.Msg, _ bool) {
		q := req.Question[0]
		if strings.HasSuffix(strings.ToLower(q.Name), ".blackhole.example.") {
			return
		}
		m := new(dns.Msg)
		m.SetReply(req)
		rr, _ := dns.NewRR(q.Name + " 60 IN A 192.0.2.1")
		m.Answer = append(m.Answer, rr)
		w.WriteMsg(m)
	})
}

// MaxInFlight bounds the questions on the wire: beyond it a question waits
// (as long as its ctx allows), and a question that gives up while waiting
// sends nothing.
func TestClientMaxInFlight(t *testing.T) {
	srv := blackHole(t)
	c := &dnsrec.Client{Servers: []string{srv.addr}, Timeout: generous, Attempts: 1, MaxInFlight: 3}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), generous)
	defer cancel()
	const n = 10
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := c.Lookup(ctx, fmt.Sprintf("q%d.blackhole.example", i), dnsrec.TypeA)
			errs <- err
		}()
	}
	waitFor(t, "three questions to reach the server", func() bool { return srv.udp.Load() == 3 })
	time.Sleep(100 * time.Millisecond) // room for a fourth to show, were the bound broken
	if got := srv.udp.Load(); got != 3 {
		t.Errorf("%d questions in flight at once, bound 3", got)
	}
	cancel()
	waiting := 0
	for range n {
		err := <-errs
		if !errors.Is(err, dnsrec.ErrTimeout) || !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want a cancelled timeout", err)
		}
		if strings.Contains(err.Error(), "waiting for one of the 3 exchanges") {
			waiting++
		}
	}
	if waiting != n-3 {
		t.Errorf("%d questions gave up waiting for a place, want %d", waiting, n-3)
	}
	if got := srv.udp.Load(); got != 3 {
		t.Errorf("the server saw %d questions; the cancelled waiters must send none", got)
	}
	// The places are free again.
	ok, cancel2 := context.WithTimeout(context.Background(), generous)
	defer cancel2()
	if _, err := c.Lookup(ok, "fine.example", dnsrec.TypeA); err != nil {
		t.Errorf("after the cancelled questions: %v", err)
	}
}

// Requests abandoned after a short time, for names that never answer,
// do not starve requests that wait patiently: each abandoned question is
// cancelled when its caller leaves and frees its place among the few
// allowed in flight. (Before, a cached question ran on to the client's own
// timeout, 2 seconds, after its caller had gone: 400 abandoned questions
// through 8 places held them for 100 seconds.)
func TestAbandonedRequestsDoNotStarveOthers(t *testing.T) {
	srv := blackHole(t)
	client := &dnsrec.Client{Servers: []string{srv.addr}, Attempts: 1, MaxInFlight: 8} // the default 2 s timeout
	defer client.Close()
	cache := &dnsrec.Cache{Resolver: client}
	const abandoned, legitimate = 400, 20
	var wg sync.WaitGroup
	var gaveUp, answered atomic.Int32
	var failures sync.Map
	for i := range abandoned {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			if _, err := cache.Lookup(ctx, fmt.Sprintf("h%d.blackhole.example", i), dnsrec.TypeA); errors.Is(err, dnsrec.ErrTimeout) {
				gaveUp.Add(1)
			}
		}()
		if i%(abandoned/legitimate) == 0 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				a, err := cache.Lookup(ctx, fmt.Sprintf("customer%d.example", i), dnsrec.TypeA)
				if err == nil && len(a.Records) == 1 {
					answered.Add(1)
				} else {
					failures.Store(i, err)
				}
			}()
		}
	}
	wg.Wait()
	failures.Range(func(k, v any) bool {
		t.Errorf("legitimate request %v failed: %v", k, v)
		return true
	})
	if n := answered.Load(); n != legitimate {
		t.Errorf("%d of %d legitimate requests answered", n, legitimate)
	}
	if n := gaveUp.Load(); n != abandoned {
		t.Errorf("%d of %d abandoned requests timed out", n, abandoned)
	}
	t.Logf("the server saw %d questions for %d abandoned and %d legitimate requests", srv.udp.Load(), abandoned, legitimate)
}
