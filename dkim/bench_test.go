package dkim_test

import (
	"context"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

func BenchmarkParse(b *testing.B) {
	rec := "v=DKIM1; k=rsa; p=" + seed000Key
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dkim.Parse(rec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKeyCheck checks a 2048-bit key published with a space in it
// (seed 000) against the expected key, on the in-memory zone.
func BenchmarkKeyCheck(b *testing.B) {
	z := dnstest.MustZone(checkZone())
	c := dkim.KeyCheck{Domain: "spaced.example", Selector: "default", Key: mustKey(b, seed000Key)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Check(ctx, z); err != nil {
			b.Fatal(err)
		}
		z.ResetQueries()
	}
}
