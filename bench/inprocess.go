package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"runtime"
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

// inProcess runs each implementation over the same data in memory.
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
	impls := []struct {
		name  string
		check checker
	}{
		{"domainauth, dnstest.Zone", domainauthCheck(&spf.Checker{Resolver: mem})},
		{"domainauth, cache, trace", domainauthCheck(&spf.Checker{Resolver: cache})},
		{"domainauth, cache", domainauthCheck(&spf.Checker{Resolver: cache, NoTrace: true})},
		{"domainauth, new, no trace", domainauthCheck(&spf.Checker{Resolver: fresh, NoTrace: true})},
		{"domainauth, new answers", domainauthCheck(&spf.Checker{Resolver: fresh})},
		{"blitiri, map resolver", blitiriCheck(newMapResolver(z))},
	}
	fmt.Fprintln(w, "\nIn process: the provider zone (3 levels of includes, 70 ranges, a, mx) in memory behind each library's resolver.")
	fmt.Fprintln(w, "\"new answers\": a new answer for every lookup, every record parsed again (blitiri's map resolver returns the zone's")
	fmt.Fprintln(w, "slices); \"cache\": a dnsrec.Cache holding answers and parsed records; \"dnstest.Zone\": the test zone, which builds each")
	fmt.Fprintln(w, "answer from its records. Default checks (no \"no trace\") keep every step of the evaluation; blitiri keeps none.")
	fmt.Fprintln(w, "CPU µs/check is this process's CPU (user and system, the garbage collector's included) over as many checks again:")
	fmt.Fprintln(w, "on a machine shared with other work it is steadier than the time per check")
	fmt.Fprintf(w, "%-16s %-26s %12s %10s %8s %12s %10s\n", "check", "implementation", "checks/s", "µs/check", "CPU µs", "allocs/check", "B/check")
	ctx := context.Background()
	for _, s := range senders {
		ip := netip.MustParseAddr(s.ip)
		var blitiriRate, blitiriCPU, blitiriAllocs, blitiriBytes float64
		for i := len(impls) - 1; i >= 0; i-- { // blitiri first, for the ratios
			im := impls[i]
			if got := im.check(ctx, ip, customer); got != string(s.want) {
				return fmt.Errorf("%s, %s: %s, want %s", im.name, s.name, got, s.want)
			}
			mem.ResetQueries()
			r := testing.Benchmark(func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					im.check(ctx, ip, customer)
					if i%1024 == 0 {
						mem.ResetQueries() // the zone logs questions; keep the log short
					}
				}
			})
			cpu := cpuPerCheck(r.N, func() { im.check(ctx, ip, customer) }, mem)
			rate := 1e9 / float64(r.NsPerOp())
			allocs := float64(r.AllocsPerOp())
			ratio := ""
			if i == len(impls)-1 {
				blitiriRate, blitiriCPU, blitiriAllocs, blitiriBytes = rate, cpu, allocs, float64(r.AllocedBytesPerOp())
			} else {
				ratio = fmt.Sprintf("  %.1f× the checks/s (%.1f× per CPU), %.2f× the allocs, %.2f× the bytes",
					rate/blitiriRate, blitiriCPU/cpu, allocs/blitiriAllocs, float64(r.AllocedBytesPerOp())/blitiriBytes)
			}
			fmt.Fprintf(w, "%-16s %-26s %12.0f %10.1f %8.1f %12.0f %10d%s\n", s.name, im.name, rate, float64(r.NsPerOp())/1e3, cpu, allocs, r.AllocedBytesPerOp(), ratio)
		}
	}
	_ = cfg
	return nil
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
