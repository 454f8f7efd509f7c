package dnsrec

import "context"

// Stepper is a [Resolver] that can give the answer of one server without
// following the rest of the CNAME chain itself: the answer ends where the
// server's answer ends, in a CNAME whose target the server said nothing
// about ([Answer.Partial]), or in the records or negative answer of the
// chain's last name. [Client] is one.
//
// A [Cache] over a Stepper follows chains itself, link by link, asking
// only for the links it does not hold (RFC 1034, Section 3.6.2: a cached
// CNAME can be used without asking again), so that the target many
// aliases share (a vendor's DKIM key behind every customer's selector) is
// asked once per TTL, not once per alias. Over a plain Resolver the cache
// still keeps each RRset under its own name, and asks the resolver for the
// rest of a chain from the first name it does not hold.
type Stepper interface {
	Resolver
	// LookupStep asks one question (repeated on another server after a
	// failure) and returns the answer as given, with [Answer.TTLs] set.
	// For type CNAME it is Lookup.
	LookupStep(ctx context.Context, name string, t Type) (*Answer, error)
}
