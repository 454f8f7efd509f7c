package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// BenchmarkResolveNames: one call that claims, looks up (in memory) and
// records the names of 1,000 sources, out of 2,000 in 100 reports.
func BenchmarkResolveNames(b *testing.B) {
	for _, be := range backends(b) {
		b.Run(be.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(ctx, be.dsn(b))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			for r := range 100 {
				var rows []row
				for i := range 20 {
					rows = append(rows, row{ip: fmt.Sprintf("10.%d.%d.1", r, i), count: 1, dkim: true})
				}
				if _, err := s.AddReport(ctx, received(b, reportXML("G", fmt.Sprint(r), "customer.example", day0, rows...))); err != nil {
					b.Fatal(err)
				}
			}
			z := dnstest.MustZone(namesZone)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				// Each call a second later, with names that hold a
				// second: every source is due again.
				res, err := ResolveNames(ctx, s, z, NameOptions{Now: day0.Add(time.Duration(2*i) * time.Second), MaxAge: time.Second})
				if err != nil || res.Looked != 1000 {
					b.Fatalf("%+v, %v", res, err)
				}
			}
		})
	}
}
