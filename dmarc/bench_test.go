package dmarc_test

import (
	"context"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

func BenchmarkParse(b *testing.B) {
	rec := "v=DMARC1; p=reject; sp=quarantine; adkim=s; fo=1; rua=mailto:postmaster@example.com,mailto:dmarc@example.com"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dmarc.Parse(rec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiscover walks the 8-query worst case: a 13-label author domain
// whose policy is at the organizational domain.
func BenchmarkDiscover(b *testing.B) {
	z := dnstest.MustZone(walkZone)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dmarc.Discover(ctx, z, "a.b.c.d.e.f.g.h.i.j.mail.example.com"); err != nil {
			b.Fatal(err)
		}
		z.ResetQueries()
	}
}
