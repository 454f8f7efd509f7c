package dnsrec_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// delegatedZones is the set-up a vendor asks of its customers: n customer
// zones whose DKIM selector is a CNAME to the vendor's key and whose
// _dmarc is a CNAME to a hosted DMARC service's policy, plus a selector
// whose target does not exist (NXDOMAIN) and a report name whose target
// has no TXT record (NODATA). Each zone has its SOA, so that an
// authoritative server answers each CNAME alone.
func delegatedZones(n int) string {
	var b strings.Builder
	// The vendor's negative answers live 300 s (MINIMUM below the SOA's
	// TTL); the DMARC host's 120 s (the SOA's TTL below MINIMUM).
	b.WriteString(`
vendor.example.                    3600 IN SOA ns1.vendor.example. hostmaster.vendor.example. 1 7200 3600 1209600 300
crm._domainkey.vendor.example.      600 IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
dmarc-host.example.                 120 IN SOA ns1.dmarc-host.example. hostmaster.dmarc-host.example. 1 7200 3600 1209600 900
policy.dmarc-host.example.          300 IN TXT "v=DMARC1; p=reject; rua=mailto:agg@dmarc-host.example"
reports.dmarc-host.example.         300 IN A 192.0.2.80
`)
	for i := range n {
		fmt.Fprintf(&b, `c%03d.example. 3600 IN SOA ns1.c%03d.example. hostmaster.c%03d.example. 1 7200 3600 1209600 60
crm._domainkey.c%03d.example.  3600 IN CNAME crm._domainkey.vendor.example.
old._domainkey.c%03d.example.  3600 IN CNAME old._domainkey.vendor.example.
_dmarc.c%03d.example.          3600 IN CNAME policy.dmarc-host.example.
_report.c%03d.example.         3600 IN CNAME reports.dmarc-host.example.
`, i, i, i, i, i, i, i)
	}
	return b.String()
}

// questions are what a batch asks of each customer: its selector, its
// DMARC policy, an old selector whose key is gone, and a TXT record at a
// name that has only an address.
func questions(i int) []string {
	c := fmt.Sprintf("c%03d.example.", i)
	return []string{"crm._domainkey." + c, "_dmarc." + c, "old._domainkey." + c, "_report." + c}
}

// runBatch asks every customer's questions through r, eight at a time.
func runBatch(t *testing.T, r dnsrec.Resolver, n int) map[string]*dnsrec.Answer {
	t.Helper()
	var mu sync.Mutex
	out := map[string]*dnsrec.Answer{}
	var wg sync.WaitGroup
	work := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				for _, q := range questions(i) {
					a, err := r.Lookup(context.Background(), q, dnsrec.TypeTXT)
					if err != nil {
						t.Errorf("%s: %v", q, err)
						continue
					}
					mu.Lock()
					out[q] = a
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	return out
}

// asked counts the questions in the zone's log per name, and resets it.
func asked(z *dnstest.Zone) map[string]int {
	out := map[string]int{}
	for _, q := range z.Queries() {
		out[q.Name]++
	}
	z.ResetQueries()
	return out
}

// sameAnswer reports how a cached answer differs from an uncached one: in
// nothing but a TTL that may have run down.
func sameAnswer(cached, fresh *dnsrec.Answer) string {
	switch {
	case cached.Name != fresh.Name || cached.Type != fresh.Type:
		return fmt.Sprintf("question %s %s, want %s %s", cached.Name, cached.Type, fresh.Name, fresh.Type)
	case !reflect.DeepEqual(cached.CNAMEs, fresh.CNAMEs):
		return fmt.Sprintf("chain %v, want %v", cached.CNAMEs, fresh.CNAMEs)
	case !reflect.DeepEqual(cached.Records, fresh.Records) && !(len(cached.Records) == 0 && len(fresh.Records) == 0):
		return fmt.Sprintf("records %v, want %v", cached.Records, fresh.Records)
	case cached.NXDomain != fresh.NXDomain:
		return fmt.Sprintf("NXDOMAIN %v, want %v", cached.NXDomain, fresh.NXDomain)
	case cached.TTL > fresh.TTL:
		return fmt.Sprintf("TTL %d, longer than %d", cached.TTL, fresh.TTL)
	case cached.Partial:
		return "a partial answer"
	}
	return ""
}

// TestCacheChainsOverLoopback: a batch over authoritative servers (the
// loopback server, the real client) asks each CNAME target once per TTL,
// and again once it expires, while the customers' CNAMEs, which live
// longer, are not asked again; negative answers at the end of a chain are
// kept for the SOA's MINIMUM or TTL, whichever is lower (RFC 2308,
// Section 5); and every answer equals the uncached client's.
func TestCacheChainsOverLoopback(t *testing.T) {
	const n = 40
	z := dnstest.MustZone(delegatedZones(n))
	srv, err := dnstest.ServeAuthoritative(z)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	client := srv.Client()
	client.Timeout = 5 * time.Second // a loaded machine: the counts below need every answer
	now := time.Unix(1_700_000_000, 0)
	var clock sync.Mutex
	c := &dnsrec.Cache{Resolver: client, Now: func() time.Time {
		clock.Lock()
		defer clock.Unlock()
		return now
	}}
	advance := func(d time.Duration) {
		clock.Lock()
		now = now.Add(d)
		clock.Unlock()
	}

	// Uncached: every alias, and every target once per alias.
	fresh := runBatch(t, client, n)
	uncached := asked(z)
	if got := uncached["crm._domainkey.vendor.example."]; got != n {
		t.Fatalf("uncached: the vendor's key asked %d times, want %d (one per alias)", got, n)
	}

	const key, missing = "crm._domainkey.vendor.example.", "old._domainkey.vendor.example."
	const policy, nodata = "policy.dmarc-host.example.", "reports.dmarc-host.example."
	targets := []string{key, missing, policy, nodata}
	check := func(when string, want map[string]int) {
		t.Helper()
		got := runBatch(t, c, n)
		for q, a := range got {
			if d := sameAnswer(a, fresh[q]); d != "" {
				t.Errorf("%s: %s: %s", when, q, d)
			}
		}
		log := asked(z)
		for _, target := range targets {
			if log[target] != want[target] {
				t.Errorf("%s: %s asked %d times, want %d", when, target, log[target], want[target])
			}
		}
		aliases := 0
		for name, k := range log {
			if strings.HasSuffix(name, ".c000.example.") || strings.Contains(name, ".c0") {
				aliases += k
			}
		}
		if aliases != want["aliases"] {
			t.Errorf("%s: the customers' names asked %d times, want %d", when, aliases, want["aliases"])
		}
	}
	check("first batch", map[string]int{key: 1, missing: 1, policy: 1, nodata: 1, "aliases": 4 * n})
	check("at once again", map[string]int{})
	advance(119 * time.Second)
	check("after 119 s", map[string]int{})
	advance(2 * time.Second) // NODATA at the DMARC host: the SOA's TTL, 120 s
	check("after 121 s", map[string]int{nodata: 1})
	advance(180 * time.Second) // the policy (300 s); the vendor's NXDOMAIN: MINIMUM, 300 s
	check("after 301 s", map[string]int{policy: 1, missing: 1, nodata: 1})
	advance(300 * time.Second) // the vendor's key (600 s)
	check("after 601 s", map[string]int{key: 1, policy: 1, missing: 1, nodata: 1})
	advance(3000 * time.Second) // the customers' CNAMEs (3600 s)
	check("after 3601 s", map[string]int{key: 1, policy: 1, missing: 1, nodata: 1, "aliases": 4 * n})

	// The negative answers say so, with the SOA's lower number as TTL.
	a := fresh["old._domainkey.c000.example."]
	if !a.NXDomain || len(a.TTLs) != 2 || a.TTLs[1] != 300 {
		t.Errorf("NXDOMAIN behind a CNAME: %+v", a)
	}
	a = fresh["_report.c000.example."]
	if a.NXDomain || len(a.Records) != 0 || len(a.TTLs) != 2 || a.TTLs[1] != 120 {
		t.Errorf("NODATA behind a CNAME: %+v", a)
	}
}

// TestCacheShortLink: a CNAME that lives shorter than its target is asked
// again when it expires, the target is not; and the answer to the
// question lives no longer than the shorter of the two.
func TestCacheShortLink(t *testing.T) {
	z := dnstest.MustZone(`
a.example.     3600 IN SOA ns.a.example. h.a.example. 1 7200 3600 1209600 60
b.example.     3600 IN SOA ns.b.example. h.b.example. 1 7200 3600 1209600 60
x.a.example.     60 IN CNAME y.b.example.
y.b.example.   3600 IN TXT "target"
`)
	for name, r := range map[string]dnsrec.Resolver{"steps": dnstest.Authoritative{Zone: z}, "whole answers": z} {
		t.Run(name, func(t *testing.T) {
			now := time.Unix(1_700_000_000, 0)
			c := &dnsrec.Cache{Resolver: r, Now: func() time.Time { return now }}
			ctx := context.Background()
			z.ResetQueries()
			a, err := c.Lookup(ctx, "x.a.example", dnsrec.TypeTXT)
			if err != nil || a.TTL != 60 || !reflect.DeepEqual(a.TTLs, []uint32{60, 3600}) {
				t.Fatalf("first: %+v, %v", a, err)
			}
			z.ResetQueries()
			now = now.Add(30 * time.Second)
			if a, err = c.Lookup(ctx, "y.b.example", dnsrec.TypeTXT); err != nil || a.Records[0].Value() != "target" {
				t.Fatalf("the target: %+v, %v", a, err)
			}
			if log := asked(z); len(log) != 0 {
				t.Errorf("the target was asked although held: %v", log)
			}
			now = now.Add(31 * time.Second)
			if a, err = c.Lookup(ctx, "x.a.example", dnsrec.TypeTXT); err != nil || len(a.Records) != 1 || a.TTL > 60 {
				t.Fatalf("after the CNAME expired: %+v, %v", a, err)
			}
			log := asked(z)
			if log["x.a.example."] != 1 {
				t.Errorf("the expired CNAME was not asked again: %v", log)
			}
			if name == "steps" && log["y.b.example."] != 0 {
				t.Errorf("the target, still held, was asked again: %v", log)
			}
			// Held, the target's answer has run down by 61 s.
			if name == "steps" && a.TTLs[1] != 3600-61 {
				t.Errorf("TTLs %v, want the target's 3539 s left", a.TTLs)
			}
		})
	}
}

// TestCacheChainBounds: loops and chains longer than 12 CNAMEs fail with
// a temporary error, over authoritative servers as over whole answers,
// after a bounded number of questions; and a chain assembled from the
// cache obeys the same bound.
func TestCacheChainBounds(t *testing.T) {
	var b strings.Builder
	for i := range 14 {
		fmt.Fprintf(&b, "z%d.example. 300 IN SOA ns.z%d.example. h.z%d.example. 1 7200 3600 1209600 60\n", i, i, i)
		fmt.Fprintf(&b, "n.z%d.example. 300 IN CNAME n.z%d.example.\n", i, i+1)
	}
	b.WriteString("n.z14.example. 300 IN TXT \"end\"\n")
	b.WriteString("l.z0.example. 300 IN CNAME l.z1.example.\nl.z1.example. 300 IN CNAME l.z0.example.\n")
	z := dnstest.MustZone(b.String())
	ctx := context.Background()
	for name, r := range map[string]dnsrec.Resolver{"steps": dnstest.Authoritative{Zone: z}, "whole answers": z} {
		t.Run(name, func(t *testing.T) {
			c := &dnsrec.Cache{Resolver: r}
			if _, err := c.Lookup(ctx, "l.z0.example", dnsrec.TypeTXT); !errors.Is(err, dnsrec.ErrTemporary) {
				t.Errorf("a loop: %v", err)
			}
			// 12 CNAMEs from n.z2: fine; 13 from n.z1, 14 from n.z0: too long,
			// also when the first part of the chain is held.
			if a, err := c.Lookup(ctx, "n.z2.example", dnsrec.TypeTXT); err != nil || len(a.CNAMEs) != 12 {
				t.Fatalf("12 CNAMEs: %v", err)
			}
			for _, q := range []string{"n.z1.example", "n.z0.example"} {
				if _, err := c.Lookup(ctx, q, dnsrec.TypeTXT); !errors.Is(err, dnsrec.ErrTemporary) {
					t.Errorf("%s: err = %v, want a chain too long", q, err)
				}
			}
			if z.Asked() > 40 {
				t.Errorf("%d questions for a loop and three long chains", z.Asked())
			}
			z.ResetQueries()
		})
	}
}

// heldTarget is a Stepper over authoritative answers that holds every
// question for one name until release is closed or the question's ctx
// ends.
type heldTarget struct {
	dnstest.Authoritative
	name      string
	release   chan struct{}
	asked     atomic.Int32
	cancelled atomic.Int32
}

func (h *heldTarget) LookupStep(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	if name == h.name {
		h.asked.Add(1)
		select {
		case <-h.release:
		case <-ctx.Done():
			h.cancelled.Add(1)
			return nil, &dnsrec.Error{Name: name, Type: t, Err: ctx.Err()}
		}
	}
	return h.Authoritative.LookupStep(ctx, name, t)
}

// TestCacheChainCallersLeave: two customers' selectors lead to the same
// key, asked once for both; the first caller giving up while the key is
// in flight fails only itself, and the key is not asked again.
func TestCacheChainCallersLeave(t *testing.T) {
	z := dnstest.MustZone(delegatedZones(2))
	h := &heldTarget{Authoritative: dnstest.Authoritative{Zone: z}, name: "crm._domainkey.vendor.example.", release: make(chan struct{})}
	c := &dnsrec.Cache{Resolver: h}
	ctx1, cancel1 := context.WithCancel(context.Background())
	defer cancel1()
	ctx2, cancel2 := context.WithTimeout(context.Background(), generous)
	defer cancel2()
	errs := make(chan error, 2)
	go func() {
		_, err := c.Lookup(ctx1, "crm._domainkey.c000.example", dnsrec.TypeTXT)
		errs <- err
	}()
	waitFor(t, "the first caller to wait for the key", func() bool {
		return dnsrec.CacheWaiters(c, h.name, dnsrec.TypeTXT) == 1
	})
	second := make(chan *dnsrec.Answer, 1)
	go func() {
		a, err := c.Lookup(ctx2, "crm._domainkey.c001.example", dnsrec.TypeTXT)
		if err != nil {
			t.Error(err)
		}
		second <- a
	}()
	waitFor(t, "the second caller to join", func() bool {
		return dnsrec.CacheWaiters(c, h.name, dnsrec.TypeTXT) == 2
	})
	cancel1()
	err := <-errs
	var de *dnsrec.Error
	if !errors.Is(err, context.Canceled) || !errors.Is(err, dnsrec.ErrTemporary) || !errors.As(err, &de) || de.Name != "crm._domainkey.c000.example." {
		t.Errorf("the caller who left: %v, want a temporary failure of the question asked", err)
	}
	close(h.release)
	if a := <-second; a == nil || len(a.Records) != 1 {
		t.Fatalf("the caller who stayed: %+v", a)
	}
	if h.asked.Load() != 1 || h.cancelled.Load() != 0 {
		t.Errorf("the key asked %d times, %d cancelled; want once, none", h.asked.Load(), h.cancelled.Load())
	}
	// The first customer's chain goes on from what the second brought.
	z.ResetQueries()
	if a, err := c.Lookup(context.Background(), "crm._domainkey.c000.example", dnsrec.TypeTXT); err != nil || len(a.Records) != 1 {
		t.Fatalf("again: %+v, %v", a, err)
	}
	if h.asked.Load() != 1 || z.Asked() != 0 {
		t.Errorf("asked again: the key %d times, the zone %d", h.asked.Load(), z.Asked())
	}
}
