package apitest

import (
	"context"
	"net/netip"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/spf"
)

// TestCacheChainsQueriesHonest: an SPF check whose include is a CNAME into
// the vendor's zone counts the questions it asked its resolver, one per
// name and type: the same through a cache that follows the chain link by
// link (and holds the link after the first check) as through a resolver
// that follows it itself. The links a cache follows are not questions.
func TestCacheChainsQueriesHonest(t *testing.T) {
	z := dnstest.MustZone(`
vendor.example.       3600 IN SOA ns.vendor.example. h.vendor.example. 1 7200 3600 1209600 300
spf.vendor.example.   3600 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
a.example.            3600 IN SOA ns.a.example. h.a.example. 1 7200 3600 1209600 300
a.example.            3600 IN TXT "v=spf1 include:_spf.a.example -all"
_spf.a.example.       3600 IN CNAME spf.vendor.example.
b.example.            3600 IN SOA ns.b.example. h.b.example. 1 7200 3600 1209600 300
b.example.            3600 IN TXT "v=spf1 include:_spf.b.example -all"
_spf.b.example.       3600 IN CNAME spf.vendor.example.
`)
	ip := netip.MustParseAddr("192.0.2.7")
	ctx := context.Background()
	uncached := &spf.Checker{Resolver: z, Sequential: true}
	cached := &spf.Checker{Resolver: &dnsrec.Cache{Resolver: dnstest.Authoritative{Zone: z}}, Sequential: true}
	vendorAsked := 0
	for _, domain := range []string{"a.example", "b.example", "a.example"} {
		want := uncached.CheckHost(ctx, ip, domain, "x@"+domain, domain)
		z.ResetQueries()
		got := cached.CheckHost(ctx, ip, domain, "x@"+domain, domain)
		if got.Status != spf.StatusPass || got.Status != want.Status || got.Queries != want.Queries || got.Lookups != want.Lookups {
			t.Errorf("%s: cached %s, %d questions, %d lookups; uncached %s, %d, %d",
				domain, got.Status, got.Queries, got.Lookups, want.Status, want.Queries, want.Lookups)
		}
		for _, q := range z.Queries() {
			if q.Name == "spf.vendor.example." {
				vendorAsked++
			}
		}
		if got.Queries != 2 {
			t.Errorf("%s: %d questions counted, want 2 (the record, the include)", domain, got.Queries)
		}
	}
	if vendorAsked != 1 {
		t.Errorf("the vendor's record asked %d times through the cache, want once", vendorAsked)
	}
	if n := z.Asked(); n != 0 {
		t.Errorf("the last check, all held, asked the zone %d questions", n)
	}
}
