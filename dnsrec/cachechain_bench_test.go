package dnsrec_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// BenchmarkCacheChained is a lookup of a customer's DKIM selector, a
// CNAME to the vendor's key, answered from the cache: "held" when the
// answer to that question is held (every lookup after a customer's
// first), "from links" when only the customer's CNAME and the vendor's
// key are (a customer's first lookup in a batch, once another customer's
// brought the key): the cache follows the chain, builds the answer and
// keeps it.
func BenchmarkCacheChained(b *testing.B) {
	const aliases = 4096
	var text strings.Builder
	text.WriteString("vendor.example. 3600 IN SOA ns.vendor.example. h.vendor.example. 1 7200 3600 1209600 300\n")
	text.WriteString("crm._domainkey.vendor.example. 3600 IN TXT \"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"\n")
	names := make([]string, aliases)
	for i := range names {
		names[i] = fmt.Sprintf("crm._domainkey.c%04d.example.", i)
		fmt.Fprintf(&text, "%s 3600 IN CNAME crm._domainkey.vendor.example.\n", names[i])
	}
	z := dnstest.MustZone(text.String())
	z.KeepQueries(0)
	r := dnstest.Authoritative{Zone: z}
	ctx := context.Background()
	// fill returns a cache holding every customer's CNAME and the key.
	fill := func() *dnsrec.Cache {
		c := &dnsrec.Cache{Resolver: r, MaxEntries: 3 * aliases}
		for _, n := range names {
			if _, err := c.Lookup(ctx, n, dnsrec.TypeCNAME); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := c.Lookup(ctx, "crm._domainkey.vendor.example.", dnsrec.TypeTXT); err != nil {
			b.Fatal(err)
		}
		return c
	}
	b.Run("held", func(b *testing.B) {
		c := fill()
		if _, err := c.Lookup(ctx, names[0], dnsrec.TypeTXT); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if a, err := c.Lookup(ctx, names[0], dnsrec.TypeTXT); err != nil || len(a.CNAMEs) != 1 {
				b.Fatal(a, err)
			}
		}
	})
	b.Run("from links", func(b *testing.B) {
		c := fill()
		i := 0
		asked := z.Asked()
		b.ReportAllocs()
		for b.Loop() {
			if i == aliases { // every answer is held now: start again
				b.StopTimer()
				c, i = fill(), 0
				asked = z.Asked()
				b.StartTimer()
			}
			if a, err := c.Lookup(ctx, names[i], dnsrec.TypeTXT); err != nil || len(a.Records) != 1 {
				b.Fatal(a, err)
			}
			i++
		}
		if n := z.Asked() - asked; n != 0 {
			b.Fatalf("%d questions asked from links held", n)
		}
	})
}
