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

// BenchmarkClientLoopback is one UDP round trip to the loopback server in
// the same process, with sockets reused (the default towards loopback),
// through the port pool (the default towards any other server, RFC 5452)
// and with a new socket, so a new random source port, per question.
func BenchmarkClientLoopback(b *testing.B) {
	for _, bc := range []struct {
		name  string
		reuse dnsrec.SocketReuse
	}{
		{"reuse", dnsrec.SocketReuseDefault},
		{"pool", dnsrec.SocketReusePool},
		{"port per question", dnsrec.SocketReuseNever},
	} {
		b.Run(bc.name, func(b *testing.B) {
			z := newResolverZone(b)
			z.KeepQueries(0)
			srv, err := serve(b, z)
			if err != nil {
				b.Fatal(err)
			}
			c := srv.Client()
			c.SocketReuse = bc.reuse
			defer c.Close()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Lookup(ctx, "example.com", dnsrec.TypeTXT); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSplitTXT(b *testing.B) {
	v := "v=DKIM1; k=rsa; p=" + strings.Repeat("A", 392)
	b.ReportAllocs()
	for b.Loop() {
		_ = dnsrec.SplitTXT(v)
	}
}
