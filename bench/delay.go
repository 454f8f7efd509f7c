package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
)

// roundTrip is the median time of one question to srv.
func roundTrip(cfg config, srv *server) (time.Duration, error) {
	c := &dnsrec.Client{Servers: []string{srv.addr}, Timeout: time.Second}
	defer c.Close()
	var samples []time.Duration
	for i := 0; i < cfg.samples; i++ {
		t0 := time.Now()
		if _, err := c.Lookup(context.Background(), "customer.example", dnsrec.TypeTXT); err != nil {
			return 0, err
		}
		samples = append(samples, time.Since(t0))
	}
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	return samples[len(samples)/2], nil
}

// delayed measures the latency of one cold check when every DNS answer
// takes cfg.delay, for the include trees of depth 1 to 3 and the provider
// zone.
func delayed(cfg config, w io.Writer) error {
	srv, err := startServer(cfg.delay, true, 1)
	if err != nil {
		return err
	}
	defer srv.close()
	ip := netip.MustParseAddr("192.0.2.1")
	type tree struct {
		name, domain string
		depth        int
	}
	trees := []tree{}
	for d := 1; d <= 3; d++ {
		_, root := depthZone(d)
		trees = append(trees, tree{fmt.Sprintf("includes %d deep", d), root, d})
	}
	trees = append(trees, tree{"provider zone", "customer.example", 3})
	rtt, err := roundTrip(cfg, srv)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nWith %v added to every DNS answer: latency of one cold check (median of %d), soft-failing, so the whole tree is read;\n", cfg.delay, cfg.samples)
	fmt.Fprintf(w, "one question takes %.2f ms (RTT, median); the goal for a tree D deep is (D+1)×RTT + 20%%\n", float64(rtt)/1e6)
	fmt.Fprintf(w, "%-18s %-26s %10s %10s %12s %14s\n", "tree", "implementation", "ms/check", "queries", "(D+1)×RTT", "vs (D+1)×RTT")
	ctx := context.Background()
	impls := loopbackImpls(srv.addr)
	for _, tr := range trees {
		for _, im := range impls {
			if im.name == "domainauth, shared cache" {
				continue // nothing to wait for once warm
			}
			var samples []time.Duration
			var queries int
			for i := 0; i < cfg.samples; i++ {
				check := im.fresh()
				before, err := srv.served()
				if err != nil {
					return err
				}
				t0 := time.Now()
				got := check(ctx, ip, tr.domain)
				samples = append(samples, time.Since(t0))
				// Let the prefetches a check abandoned reach the server
				// before counting.
				time.Sleep(2 * cfg.delay)
				after, err := srv.served()
				if err != nil {
					return err
				}
				queries = after - before
				if got != "softfail" && got != "fail" {
					return fmt.Errorf("%s, %s: %s", im.name, tr.name, got)
				}
			}
			sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
			bound := time.Duration(tr.depth+1) * rtt
			med := samples[len(samples)/2]
			fmt.Fprintf(w, "%-18s %-26s %10.1f %10d %12.1f %13.0f%%\n", tr.name, im.name, float64(med)/1e6, queries, float64(bound)/1e6, 100*float64(med-bound)/float64(bound))
		}
	}
	return nil
}
