package domaincheck

import (
	"context"
	"sync"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/resolve"
)

// BatchOptions tune [Checker.CheckBatch]. The zero value works.
type BatchOptions struct {
	// Concurrency is how many domains are checked at once; 0 means 8.
	Concurrency int
	// CacheSize bounds the DNS answers the batch keeps (see
	// dnsrec.Cache.MaxEntries); 0 means 10,000. The answers every domain
	// shares (the vendor's include tree, its key) stay, since the least
	// recently used go first, so each distinct question is asked once per
	// batch as long as the domains' own answers fit.
	CacheSize int
	// Timeout bounds the check of one domain; 0 means 30 seconds. A domain
	// that runs out of time is reported with its areas "could not check".
	Timeout time.Duration
	// Progress, when set, is called after each domain with the number
	// done and the total, on the same goroutine as the report callback.
	Progress func(done, total int)
}

// CheckBatch checks many domains with bounded concurrency through one
// shared cache (which also remembers a failed question for a minute, so a
// broken server is not asked the same question again), and hands each report to each as soon as it is ready (in
// the order they complete; each and Progress are never called
// concurrently). One domain's DNS failure is that domain's "could not
// check", never the batch's end. When ctx is cancelled, CheckBatch stops
// starting checks, delivers none that the cancellation cut short, and
// returns ctx.Err(); the reports delivered until then stand.
func (c *Checker) CheckBatch(ctx context.Context, domains []string, opts BatchOptions, each func(*DomainReport)) error {
	if err := c.validate(); err != nil {
		return err
	}
	workers := opts.Concurrency
	if workers <= 0 {
		workers = 8
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	cache := &dnsrec.Cache{Resolver: resolve.Ensure(c.Resolver), MaxEntries: opts.CacheSize, FailureTTL: time.Minute}
	vendor := c.vendor(ctx, cache)

	jobs := make(chan string)
	results := make(chan *DomainReport)
	var wg sync.WaitGroup
	for range min(workers, max(1, len(domains))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range jobs {
				dctx, cancel := context.WithTimeout(ctx, timeout)
				rep := c.check(dctx, cache, d, vendor)
				cancel()
				if ctx.Err() != nil {
					continue // cut short by the batch's cancellation: not a result
				}
				results <- rep
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, d := range domains {
			select {
			case jobs <- d:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	done := 0
	for rep := range results {
		done++
		if each != nil {
			each(rep)
		}
		if opts.Progress != nil {
			opts.Progress(done, len(domains))
		}
	}
	return ctx.Err()
}
