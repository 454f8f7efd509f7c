package dnstest

import (
	"context"

	"github.com/domainauth/domainauth/dnsrec"
)

// LookupInMemory is [Zone.Lookup]: a zone answers every question at once,
// from memory. It makes a Zone a [dnsrec.InMemory] resolver, so that code
// which fetches ahead only when answers are slow (the spf package's checks)
// runs in a test as it does over a warm cache: synchronously, without
// goroutines. The question is logged as any other.
func (z *Zone) LookupInMemory(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	return z.Lookup(ctx, name, t)
}
