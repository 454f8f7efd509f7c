// Package resolve holds the two things every checking package of the
// module does with the resolver it is given: put one cache in front of it
// for the length of a check, and turn a missing resolver into a clear error.
package resolve

import (
	"context"

	"github.com/domainauth/domainauth/dnsrec"
)

// Cached returns r when it is already a [dnsrec.Cache] (a caller's shared
// cache, whose answers other checks reuse), and otherwise a new cache in
// front of r for one check, so that the check asks each question once. A
// nil r gives a cache whose every lookup fails with dnsrec.ErrNoResolver.
func Cached(r dnsrec.Resolver) *dnsrec.Cache {
	if c, ok := r.(*dnsrec.Cache); ok && c != nil {
		return c
	}
	return &dnsrec.Cache{Resolver: Ensure(r)}
}

// Ensure returns r, or, when r is nil, a resolver whose every lookup fails
// with dnsrec.ErrNoResolver (not temporary: a configuration mistake).
func Ensure(r dnsrec.Resolver) dnsrec.Resolver {
	if r == nil {
		return none{}
	}
	return r
}

type none struct{}

func (none) Lookup(_ context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	return nil, &dnsrec.Error{Name: name, Type: t, Err: dnsrec.ErrNoResolver}
}
