package main

import (
	"context"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// freshResolver answers from the zone in memory with a new dnsrec.Answer
// for every lookup, as a service's own caching resolver does: the records
// are shared (answers are read only), but nothing derived from one answer
// (domainauth's parsed record) is seen by the next check, so every check
// parses every record again. It is the counterpart of blitiri's map
// resolver, which returns the zone's slices as they are. It does not say
// it answers from memory (dnsrec.InMemory): the check finds out from the
// time its answers take.
type freshResolver struct {
	answers map[freshKey]*dnsrec.Answer // read only once built
	zone    *dnstest.Zone               // for questions outside the zone's names
}

type freshKey struct {
	name string
	typ  dnsrec.Type
}

// newFreshResolver asks the zone every question about its names once.
func newFreshResolver(z zone, mem *dnstest.Zone) (*freshResolver, error) {
	f := &freshResolver{answers: make(map[freshKey]*dnsrec.Answer), zone: mem}
	for _, r := range z {
		name, err := dnsrec.CanonicalName(r.name)
		if err != nil {
			return nil, err
		}
		for _, t := range []dnsrec.Type{dnsrec.TypeTXT, dnsrec.TypeA, dnsrec.TypeAAAA, dnsrec.TypeMX} {
			a, err := mem.Lookup(context.Background(), name, t)
			if err != nil {
				return nil, err
			}
			f.answers[freshKey{name, t}] = a
		}
	}
	mem.ResetQueries()
	return f, nil
}

func (f *freshResolver) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	a, ok := f.answers[freshKey{name, t}]
	if !ok {
		return f.zone.Lookup(ctx, name, t)
	}
	return &dnsrec.Answer{Name: a.Name, Type: a.Type, CNAMEs: a.CNAMEs, Records: a.Records, NXDomain: a.NXDomain, TTL: a.TTL}, nil
}
