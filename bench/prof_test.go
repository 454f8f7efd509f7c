package main

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/spf"
)

// BenchmarkCached is the in-process domainauth figure, for profiling.
func BenchmarkCached(b *testing.B) {
	mem, err := dnstest.NewZone(providerZone().text())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("trace", func(b *testing.B) { benchCached(b, &spf.Checker{Resolver: &dnsrec.Cache{Resolver: mem}}) })
	b.Run("notrace", func(b *testing.B) {
		benchCached(b, &spf.Checker{Resolver: &dnsrec.Cache{Resolver: mem}, NoTrace: true})
	})
}

func benchCached(b *testing.B, c *spf.Checker) {
	ip := netip.MustParseAddr("192.0.2.1")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if r := c.CheckMailFrom(ctx, ip, "billing@customer.example", "h.example"); r.Status != spf.StatusSoftFail {
			b.Fatal(r.Status)
		}
	}
}

// BenchmarkFresh is the in-process "new answers" figure, for profiling.
func BenchmarkFresh(b *testing.B) {
	z := providerZone()
	mem, err := dnstest.NewZone(z.text())
	if err != nil {
		b.Fatal(err)
	}
	fresh, err := newFreshResolver(z, mem)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("trace", func(b *testing.B) { benchCached(b, &spf.Checker{Resolver: fresh}) })
	b.Run("notrace", func(b *testing.B) { benchCached(b, &spf.Checker{Resolver: fresh, NoTrace: true}) })
	b.Run("sequential-notrace", func(b *testing.B) {
		benchCached(b, &spf.Checker{Resolver: fresh, NoTrace: true, Sequential: true})
	})
}

// BenchmarkBlitiri is blitiri's in-process figure, beside BenchmarkFresh.
func BenchmarkBlitiri(b *testing.B) {
	check := blitiriCheck(newMapResolver(providerZone()))
	ip := netip.MustParseAddr("192.0.2.1")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if got := check(ctx, ip, customer); got != string(spf.StatusSoftFail) {
			b.Fatal(got)
		}
	}
}

// BenchmarkFreshSenders is the in-process "new answers" figure of each
// sender of the table (the default check), for profiling.
func BenchmarkFreshSenders(b *testing.B) {
	z := providerZone()
	mem, err := dnstest.NewZone(z.text())
	if err != nil {
		b.Fatal(err)
	}
	fresh, err := newFreshResolver(z, mem)
	if err != nil {
		b.Fatal(err)
	}
	c := &spf.Checker{Resolver: fresh}
	ctx := context.Background()
	for _, s := range senders {
		b.Run(strings.ReplaceAll(s.name, ", ", "-"), func(b *testing.B) {
			ip := netip.MustParseAddr(s.ip)
			b.ReportAllocs()
			for b.Loop() {
				if r := c.CheckMailFrom(ctx, ip, "billing@"+customer, "smtp.vendor.example"); r.Status != s.want {
					b.Fatal(r.Status)
				}
			}
		})
	}
}
