package dnsrec

import (
	"context"
	"errors"
)

// Requirement is one thing a domain's DNS must satisfy for a sender, such as
// "the SPF record of example.ch authorizes include:spf.vendor.example" or
// "default._domainkey.example.ch publishes this key". The spf, dkim and
// dmarc packages provide them; a caller lists the ones it needs and checks
// them together with [CheckAll], so that this package depends on none of
// them.
type Requirement interface {
	// Check looks at the live zone through r and says whether the
	// requirement holds, what is wrong, and what to change.
	Check(ctx context.Context, r Resolver) (*Report, error)
}

// Report is the outcome of checking one [Requirement].
type Report struct {
	Requirement string    `json:"requirement"` // what was checked, in words
	Satisfied   bool      `json:"satisfied"`   // the requirement holds
	Findings    []Finding `json:"findings,omitempty"`
	Changes     Changes   `json:"changes,omitempty"` // what to change so that it holds
}

// CheckAll checks every requirement and returns one report each, in order.
// A requirement whose check fails (a DNS failure, typically) gets a nil
// report; the errors are joined.
func CheckAll(ctx context.Context, r Resolver, reqs ...Requirement) ([]*Report, error) {
	out := make([]*Report, len(reqs))
	var errs []error
	for i, req := range reqs {
		rep, err := req.Check(ctx, r)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[i] = rep
	}
	return out, errors.Join(errs...)
}
