package spf_test

import (
	"context"
	"fmt"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/spf"
)

const realisticRecord = "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.10 ip6:2001:db8::/32 include:spf.protection.outlook.com include:_spf.google.com include:mail.zendesk.com a mx ~all"

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := spf.Parse(realisticRecord); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLint(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = spf.Lint(realisticRecord)
	}
}

// providerZone is a provider tree three levels deep with 40 ranges: the
// customer includes the provider, which includes three regional records
// holding the ranges; the vendor's own include comes last.
func providerZone() string {
	var z strings.Builder
	z.WriteString(`customer.example. IN TXT "v=spf1 include:spf.provider.example include:spf.vendor.example -all"` + "\n")
	z.WriteString(`spf.vendor.example. IN TXT "v=spf1 ip4:5.255.64.53 -all"` + "\n")
	z.WriteString(`spf.provider.example. IN TXT "v=spf1 include:eu.provider.example include:us.provider.example include:ap.provider.example -all"` + "\n")
	n := 0
	for i, region := range []string{"eu", "us", "ap"} {
		var terms []string
		for ; n < (i+1)*40/3; n++ {
			terms = append(terms, fmt.Sprintf("ip4:10.%d.%d.0/24", n/250, n%250))
		}
		fmt.Fprintf(&z, "%s.provider.example. IN TXT \"v=spf1 %s -all\"\n", region, strings.Join(terms, " "))
	}
	return z.String()
}

// BenchmarkCheckHost evaluates the customer's record for the vendor's
// address, which is found only after the whole provider tree (6 records,
// 40 ranges, 5 DNS-querying terms) has been walked.
// With no cache every answer is new and parsed again; the concurrent mode
// pays for its goroutines without a network delay to hide.
func BenchmarkCheckHost(b *testing.B) {
	for _, sequential := range []bool{true, false} {
		b.Run(map[bool]string{true: "sequential", false: "concurrent"}[sequential], func(b *testing.B) {
			z := dnstest.MustZone(providerZone())
			c := &spf.Checker{Resolver: z, Sequential: sequential}
			ip := netip.MustParseAddr("5.255.64.53")
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if r := c.CheckMailFrom(ctx, ip, "info@customer.example", "smtp1.vendor.example"); r.Status != spf.StatusPass {
					b.Fatal(r.Status, r.Err)
				}
				z.ResetQueries()
			}
		})
	}
}

func BenchmarkAnalyze(b *testing.B) {
	z := dnstest.MustZone(providerZone())
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := spf.Analyze(ctx, z, "customer.example"); err != nil {
			b.Fatal(err)
		}
		z.ResetQueries()
	}
}

// BenchmarkCheckHostCached is BenchmarkCheckHost with a dnsrec.Cache in
// front of the zone, as a receiver or a batch runs it: the answers, and the
// records parsed from them, are shared between checks.
func BenchmarkCheckHostCached(b *testing.B) {
	c := &spf.Checker{Resolver: &dnsrec.Cache{Resolver: dnstest.MustZone(providerZone())}}
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		ip   string
		want spf.Status
	}{
		{"pass", "5.255.64.53", spf.StatusPass},
		{"fail", "203.0.113.9", spf.StatusFail},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ip := netip.MustParseAddr(bc.ip)
			b.ReportAllocs()
			for b.Loop() {
				if r := c.CheckMailFrom(ctx, ip, "info@customer.example", "smtp1.vendor.example"); r.Status != bc.want {
					b.Fatal(r.Status, r.Err)
				}
			}
		})
	}
}

// TestCachedCheckAllocations: a check over answers a dnsrec.Cache already
// holds parses nothing again and builds no text it does not keep. Counted,
// not timed: allocations are the same on every machine.
func TestCachedCheckAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations are counted without the race detector")
	}
	cache := &dnsrec.Cache{Resolver: dnstest.MustZone(providerZone())}
	ctx := context.Background()
	ip := netip.MustParseAddr("203.0.113.9")
	for _, tc := range []struct {
		name string
		c    *spf.Checker
		max  float64
	}{
		// The result, its error and explanation, the memo: no trace.
		{"no trace", &spf.Checker{Resolver: cache, NoTrace: true}, 9},
		// Plus the trace's steps (one slice, sized from the first record)
		// and the notes made for this check (the sender's address).
		{"trace", &spf.Checker{Resolver: cache}, 12},
	} {
		tc.c.CheckMailFrom(ctx, ip, "info@customer.example", "h.example") // fills the cache
		n := testing.AllocsPerRun(100, func() {
			if r := tc.c.CheckMailFrom(ctx, ip, "info@customer.example", "h.example"); r.Status != spf.StatusFail {
				t.Fatal(r.Status, r.Err)
			}
		})
		if n > tc.max {
			t.Errorf("%s: %.0f allocations per cached check, want at most %.0f", tc.name, n, tc.max)
		}
		t.Logf("%s: %.0f allocations", tc.name, n)
	}
}

// freshAnswers answers from a zone read once, returning a new
// dnsrec.Answer for every lookup (its records shared, as answers are read
// only): what a service's own caching resolver does. Nothing derived from
// one answer is seen by the next check, so every record is parsed again;
// it does not say it answers from memory (dnsrec.InMemory).
type freshAnswers struct {
	z *dnstest.Zone

	mu      sync.Mutex
	answers map[freshKey]*dnsrec.Answer
}

type freshKey struct {
	name string
	typ  dnsrec.Type
}

func newFreshAnswers(z *dnstest.Zone) *freshAnswers {
	return &freshAnswers{answers: make(map[freshKey]*dnsrec.Answer), z: z}
}

func (f *freshAnswers) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	k := freshKey{name, t}
	f.mu.Lock()
	a, ok := f.answers[k]
	f.mu.Unlock()
	if !ok {
		var err error
		if a, err = f.z.Lookup(ctx, name, t); err != nil {
			return nil, err
		}
		f.mu.Lock()
		f.answers[k] = a
		f.mu.Unlock()
	}
	return &dnsrec.Answer{Name: a.Name, Type: a.Type, CNAMEs: a.CNAMEs, Records: a.Records, NXDomain: a.NXDomain, TTL: a.TTL}, nil
}

// freshInMemory is freshAnswers saying it answers from memory.
type freshInMemory struct{ *freshAnswers }

func (f freshInMemory) LookupInMemory(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	return f.Lookup(ctx, name, t)
}

// BenchmarkCheckHostFresh is BenchmarkCheckHost with a resolver that
// returns a new answer for every lookup without the dnstest.Zone's own
// cost, in the three ways a check can be configured.
func BenchmarkCheckHostFresh(b *testing.B) {
	for _, bc := range []struct {
		name string
		c    spf.Checker
	}{
		{"default", spf.Checker{}},
		{"sequential", spf.Checker{Sequential: true}},
		{"notrace", spf.Checker{NoTrace: true}},
		{"sequential-notrace", spf.Checker{Sequential: true, NoTrace: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := bc.c
			c.Resolver = newFreshAnswers(dnstest.MustZone(providerZone()))
			ip := netip.MustParseAddr("5.255.64.53")
			ctx := context.Background()
			c.CheckMailFrom(ctx, ip, "info@customer.example", "smtp1.vendor.example") // reads the zone
			b.ReportAllocs()
			for b.Loop() {
				if r := c.CheckMailFrom(ctx, ip, "info@customer.example", "smtp1.vendor.example"); r.Status != spf.StatusPass {
					b.Fatal(r.Status, r.Err)
				}
			}
		})
	}
}

// traceZone has a term of every kind whose trace note is text made for
// the check: an a, an mx, an exists, an include and an ip4 that do not
// match, and a fail.
const traceZone = `customer.example. IN TXT "v=spf1 a mx exists:x.customer.example include:inc.example ip4:198.51.100.0/24 -all"
customer.example. IN A 192.0.2.10
customer.example. IN MX 10 mx.customer.example.
mx.customer.example. IN A 192.0.2.11
inc.example. IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
`

// TestNoTraceAllocations: a check that keeps no trace builds no trace text
// (no quoted record, no note about a term), also when every answer is new
// and parsed again; and one that keeps a trace records it as events, and
// makes no word of it either until the trace is read. Counted, not timed.
func TestNoTraceAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations are counted without the race detector")
	}
	// In memory, so that no check fetches ahead, whatever the machine's load.
	r := freshInMemory{newFreshAnswers(dnstest.MustZone(traceZone))}
	ctx := context.Background()
	ip := netip.MustParseAddr("203.0.113.9")
	count := func(c *spf.Checker) float64 {
		c.CheckMailFrom(ctx, ip, "info@customer.example", "h.example") // reads the zone
		return testing.AllocsPerRun(200, func() {
			if r := c.CheckMailFrom(ctx, ip, "info@customer.example", "h.example"); r.Status != spf.StatusFail {
				t.Fatal(r.Status, r.Err)
			}
		})
	}
	quiet := count(&spf.Checker{Resolver: r, NoTrace: true})
	traced := count(&spf.Checker{Resolver: r})
	// Without a trace, 27 (measured with Go 1.26): the evaluation, its
	// memo, the result and the canonical domain (4); the six answers (6);
	// for each of the two records what is derived from it (the parsed
	// record, its place in the answer's list, its terms, its domain-specs
	// and the names they expand to: 10); the addresses of a and the MX
	// host and the MX list (3); the sender address, the default
	// explanation and the address in it (about 5). A quoted record or a
	// note about a term would add to these.
	const max = 27
	if quiet > max {
		t.Errorf("%.0f allocations per check without a trace, want at most %d", quiet, max)
	}
	// The trace: its events, in one slice sized from the first record, and
	// the error of a step that ends the check (none here). The words (the
	// records quoted, the notes of the include, the a, mx, exists and ip4
	// terms) are made when the trace is read, not before.
	if traced > quiet+1 {
		t.Errorf("%.0f allocations with a trace, %.0f without: recording the trace should cost one", traced, quiet)
	}
	t.Logf("%.0f allocations without a trace, %.0f with", quiet, traced)
}

// TestTraceBytes: a check that keeps its trace allocates at most a fifth
// more bytes than one that does not, on the provider tree with every answer
// new (the default path of a receiver without a cache). Memory, not time:
// the bytes allocated per check do not depend on the machine's load.
func TestTraceBytes(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations are counted without the race detector")
	}
	r := freshInMemory{newFreshAnswers(dnstest.MustZone(providerZone()))}
	ctx := context.Background()
	ip := netip.MustParseAddr("5.255.64.53")
	bytesPerCheck := func(c *spf.Checker) float64 {
		c.CheckMailFrom(ctx, ip, "info@customer.example", "smtp1.vendor.example") // reads the zone
		const n = 500
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range n {
			if r := c.CheckMailFrom(ctx, ip, "info@customer.example", "smtp1.vendor.example"); r.Status != spf.StatusPass {
				t.Fatal(r.Status, r.Err)
			}
		}
		runtime.ReadMemStats(&after)
		return float64(after.TotalAlloc-before.TotalAlloc) / n
	}
	quiet := bytesPerCheck(&spf.Checker{Resolver: r, NoTrace: true})
	traced := bytesPerCheck(&spf.Checker{Resolver: r})
	t.Logf("%.0f bytes per check without a trace, %.0f with (%.2f×)", quiet, traced, traced/quiet)
	if traced > 1.2*quiet {
		t.Errorf("%.0f bytes per check with a trace, %.0f without: more than 1.2×", traced, quiet)
	}
}
