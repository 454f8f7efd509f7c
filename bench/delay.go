package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"time"
)

// delayed measures the latency of one cold check when every DNS answer
// takes cfg.delay, for the include trees of depth 1 to 3 and the provider
// zone.
func delayed(cfg config, w io.Writer) error {
	srv, err := startServer(cfg.delay)
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
	fmt.Fprintf(w, "\nWith %v added to every DNS answer: latency of one cold check (median of %d), soft-failing, so the whole tree is read\n", cfg.delay, cfg.samples)
	fmt.Fprintf(w, "%-18s %-26s %10s %10s %12s\n", "tree", "implementation", "ms/check", "queries", "(D+1)×delay")
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
			bound := time.Duration(tr.depth+1) * cfg.delay
			fmt.Fprintf(w, "%-18s %-26s %10.1f %10d %12.0f\n", tr.name, im.name, float64(samples[len(samples)/2])/1e6, queries, float64(bound)/1e6)
		}
	}
	return nil
}
