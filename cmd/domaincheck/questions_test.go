package main

import (
	"context"
	"sync/atomic"

	"github.com/domainauth/domainauth/dnsrec"
)

// questionCounter counts the questions a cache sends through a
// dnsrec.Stepper (one per LookupStep, when the client does not retry),
// and those among them for names in one zone, without keeping a log of
// them all (which would weigh on the heap a batch test measures).
type questionCounter struct {
	dnsrec.Stepper
	zone          string
	asked, inZone atomic.Int64
}

func (q *questionCounter) LookupStep(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	q.asked.Add(1)
	if n, err := dnsrec.CanonicalName(name); err == nil && dnsrec.IsSubdomain(n, q.zone) {
		q.inZone.Add(1)
	}
	return q.Stepper.LookupStep(ctx, name, t)
}

// counts returns the questions sent, and those for names in the zone.
func (q *questionCounter) counts() (asked, inZone int) {
	return int(q.asked.Load()), int(q.inZone.Load())
}
