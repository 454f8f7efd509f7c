package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/store"
)

// BenchmarkMonitorPass: one monitor pass over 2,000 customer domains
// against the loopback DNS server, each check kept in a SQLite store;
// domains/h is the rate one process sustains.
func BenchmarkMonitorPass(b *testing.B) {
	const n = 2000
	var zone strings.Builder
	zone.WriteString(demo.ZoneText())
	domains := make([]string, n)
	for i := range n {
		d := fmt.Sprintf("m%05d.example", i)
		domains[i] = d
		fmt.Fprintf(&zone, "%s. IN TXT \"v=spf1 include:spf.vendor.example -all\"\ndefault._domainkey.%s. IN CNAME default._domainkey.vendor.example.\n_dmarc.%s. IN TXT \"v=DMARC1; p=quarantine; rua=mailto:dmarc@vendor.example\"\n", d, d, d)
	}
	srv, err := dnstest.Serve(dnstest.MustZone(zone.String()))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	client := srv.Client()
	client.Timeout = 10 * time.Second
	p, err := domaincheck.ParseProfile(demo.ProfileJSON())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), "reports.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if err := s.Schedule(ctx, domains, now); err != nil {
		b.Fatal(err)
	}
	m := &monitor{c: &domaincheck.Checker{Profile: p, Resolver: client}, s: s, owner: "bench", interval: time.Hour, lease: time.Minute, batch: 100,
		stderr: io.Discard, emit: func(Event) {}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		checked, err := m.pass(ctx, now.Add(time.Duration(i)*time.Hour))
		if err != nil || checked != n {
			b.Fatalf("pass %d: %d checked, %v", i, checked, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Hours(), "domains/h")
}
