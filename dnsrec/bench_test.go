package dnsrec_test

import (
	"context"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
)

func BenchmarkZoneLookup(b *testing.B) {
	z := newResolverZone(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := z.Lookup(ctx, "example.com", dnsrec.TypeTXT); err != nil {
			b.Fatal(err)
		}
		z.ResetQueries()
	}
}

func BenchmarkCacheHit(b *testing.B) {
	c := &dnsrec.Cache{Resolver: newResolverZone(b)}
	ctx := context.Background()
	if _, err := c.Lookup(ctx, "example.com", dnsrec.TypeTXT); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Lookup(ctx, "example.com.", dnsrec.TypeTXT); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClientLoopback(b *testing.B) {
	z := newResolverZone(b)
	srv, err := serve(b, z)
	if err != nil {
		b.Fatal(err)
	}
	c := srv.Client()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Lookup(ctx, "example.com", dnsrec.TypeTXT); err != nil {
			b.Fatal(err)
		}
		z.ResetQueries()
	}
}

func BenchmarkSplitTXT(b *testing.B) {
	v := "v=DKIM1; k=rsa; p=" + strings.Repeat("A", 392)
	b.ReportAllocs()
	for b.Loop() {
		_ = dnsrec.SplitTXT(v)
	}
}
