package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"runtime"
	"slices"
	"testing"

	blitiri "blitiri.com.ar/go/spf"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/spf"
)

// sender is one check of the provider zone: the vendor's address passes
// after the whole tree is walked; an unknown one soft-fails.
type sender struct {
	name string
	ip   string
	want spf.Status
}

var senders = []sender{
	{"pass, IPv4", "5.255.64.53", spf.StatusPass},
	{"softfail, IPv4", "192.0.2.1", spf.StatusSoftFail},
	{"pass, IPv6", "2001:db8:5::53", spf.StatusPass},
	{"softfail, IPv6", "2001:db8:ffff::1", spf.StatusSoftFail},
}

// checker is one implementation's check of billing@domain from ip.
type checker func(ctx context.Context, ip netip.Addr, domain string) string

func domainauthCheck(c *spf.Checker) checker {
	return func(ctx context.Context, ip netip.Addr, domain string) string {
		return string(c.CheckMailFrom(ctx, ip, "billing@"+domain, "smtp.vendor.example").Status)
	}
}

func blitiriCheck(r blitiri.DNSResolver) checker {
	return func(ctx context.Context, ip netip.Addr, domain string) string {
		res, _ := blitiri.CheckHostWithSender(net.IP(ip.AsSlice()), "smtp.vendor.example", "billing@"+domain,
			blitiri.WithResolver(r), blitiri.WithContext(ctx))
		return string(res)
	}
}

const customer = "customer.example"

// inProcess runs each implementation over the same data in memory, in
// cfg.rounds interleaved rounds (every row once per round, blitiri first in
// each sender's group), so that a change in the machine's load touches
// every row of a round alike: the ratios to blitiri are taken within a
// round, and each row shows the median and the range over the rounds.
func inProcess(cfg config, w io.Writer) error {
	z := providerZone()
	mem, err := dnstest.NewZone(z.text())
	if err != nil {
		return err
	}
	cache := &dnsrec.Cache{Resolver: mem}
	fresh, err := newFreshResolver(z, mem)
	if err != nil {
		return err
	}
	all := []inImpl{
		{"blitiri, map resolver", blitiriCheck(newMapResolver(z))},
		{"domainauth, new answers", domainauthCheck(&spf.Checker{Resolver: fresh})},
		{"domainauth, new, no trace", domainauthCheck(&spf.Checker{Resolver: fresh, NoTrace: true})},
		{"domainauth, cache", domainauthCheck(&spf.Checker{Resolver: cache, NoTrace: true})},
		{"domainauth, cache, trace", domainauthCheck(&spf.Checker{Resolver: cache})},
		{"domainauth, dnstest.Zone", domainauthCheck(&spf.Checker{Resolver: mem})},
	}
	impls := all[:1]
	for _, im := range all[1:] {
		if cfg.match == nil || cfg.match.MatchString(im.name) {
			impls = append(impls, im)
		}
	}
	ctx := context.Background()
	for _, s := range senders {
		ip := netip.MustParseAddr(s.ip)
		for _, im := range impls {
			if got := im.check(ctx, ip, customer); got != string(s.want) {
				return fmt.Errorf("%s, %s: %s, want %s", im.name, s.name, got, s.want)
			}
		}
	}
	// figs[sender][impl][round]
	figs := make([][][]inFigure, len(senders))
	for si := range senders {
		figs[si] = make([][]inFigure, len(impls))
	}
	for round := 0; round < cfg.rounds; round++ {
		for si, s := range senders {
			ip := netip.MustParseAddr(s.ip)
			for ii, im := range impls {
				figs[si][ii] = append(figs[si][ii], measureInProcess(ctx, im.check, ip, mem))
			}
		}
	}

	fmt.Fprintln(w, "\nIn process: the provider zone (3 levels of includes, 70 ranges, a, mx) in memory behind each library's resolver.")
	fmt.Fprintln(w, "\"new answers\": a new answer for every lookup, every record parsed again (blitiri's map resolver returns the zone's")
	fmt.Fprintln(w, "slices); \"cache\": a dnsrec.Cache holding answers and parsed records; \"dnstest.Zone\": the test zone, which builds each")
	fmt.Fprintln(w, "answer from its records. Default checks (no \"no trace\") keep every step of the evaluation; blitiri keeps none.")
	fmt.Fprintln(w, "CPU µs/check is this process's CPU (user and system, the garbage collector's included) over as many checks again:")
	fmt.Fprintln(w, "on a machine shared with other work it is steadier than the time per check.")
	fmt.Fprintf(w, "%d rounds, interleaved (every row once per round): the median of the rounds, the range of CPU µs, and the ratios\n", cfg.rounds)
	fmt.Fprintln(w, "to blitiri's figures of the same round (time: its µs/check over the row's; CPU: its CPU µs over the row's), their range")
	fmt.Fprintf(w, "%-16s %-26s %9s %9s %8s %13s %7s %8s  %s\n", "check", "implementation", "checks/s", "µs/check", "CPU µs", "CPU µs range", "allocs", "B/check", "vs blitiri: time, CPU, bytes")
	for si, s := range senders {
		base := figs[si][0]
		for ii, im := range impls {
			f := figs[si][ii]
			var ns, cpu, timeRatio, cpuRatio []float64
			for r := range f {
				ns = append(ns, f[r].ns)
				cpu = append(cpu, f[r].cpu)
				timeRatio = append(timeRatio, base[r].ns/f[r].ns)
				cpuRatio = append(cpuRatio, base[r].cpu/f[r].cpu)
			}
			last := f[len(f)-1]
			ratio := ""
			if ii > 0 {
				ratio = fmt.Sprintf("  %s, %s, %.2f×", span(timeRatio, "%.1f×"), span(cpuRatio, "%.1f×"), last.bytes/base[len(base)-1].bytes)
			}
			fmt.Fprintf(w, "%-16s %-26s %9.0f %9.1f %8.1f %13s %7.0f %8.0f%s\n", s.name, im.name, 1e9/mid(ns), mid(ns)/1e3, mid(cpu),
				span(cpu, "%.1f"), last.allocs, last.bytes, ratio)
		}
	}
	return nil
}

// inImpl is one row of the in-process table.
type inImpl struct {
	name  string
	check checker
}

// inFigure is one in-process measurement of one row.
type inFigure struct {
	ns, cpu       float64 // wall-clock ns and CPU µs per check
	allocs, bytes float64
}

// measureInProcess benchmarks check of ip, then measures the process's CPU
// over as many checks again.
func measureInProcess(ctx context.Context, check checker, ip netip.Addr, mem *dnstest.Zone) inFigure {
	mem.ResetQueries()
	r := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			check(ctx, ip, customer)
			if i%1024 == 0 {
				mem.ResetQueries() // the zone logs questions; keep the log short
			}
		}
	})
	return inFigure{
		ns:     float64(r.T.Nanoseconds()) / float64(r.N),
		cpu:    cpuPerCheck(r.N, func() { check(ctx, ip, customer) }, mem),
		allocs: float64(r.AllocsPerOp()),
		bytes:  float64(r.AllocedBytesPerOp()),
	}
}

// mid is the median of xs.
func mid(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// span is the range of xs, "min–max" in format f, or one figure.
func span(xs []float64, f string) string {
	lo, hi := slices.Min(xs), slices.Max(xs)
	if len(xs) == 1 {
		return fmt.Sprintf(f, lo)
	}
	return fmt.Sprintf(f+"–"+f, lo, hi)
}

// cpuPerCheck runs check n times and returns the process's CPU per check,
// in µs.
func cpuPerCheck(n int, check func(), mem *dnstest.Zone) float64 {
	runtime.GC()
	start := cpuTime()
	for i := 0; i < n; i++ {
		check()
		if i%1024 == 0 {
			mem.ResetQueries()
		}
	}
	return float64(cpuTime()-start) / float64(n) / 1e3
}
