package dnstest

import (
	"context"
	"fmt"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/miekg/dns"
)

// Authoritative answers from a [Zone] the way the authoritative servers of
// the zones it holds would, each without recursion: a CNAME whose target
// lies in another zone is answered alone, as BIND 9 and NSD do, and whoever
// asked must ask again for the target. A zone starts at every name that
// holds an SOA or NS record; names under none of them form one zone.
//
// Lookup follows chains to their end, as [Zone.Lookup] does (one question
// in the zone's log); LookupStep gives one server's answer, which makes
// Authoritative a [dnsrec.Stepper], so that a [dnsrec.Cache] over it
// follows chains link by link, as it does over a [dnsrec.Client] talking to
// authoritative servers. [ServeAuthoritative] serves the same answers over
// the network.
type Authoritative struct {
	Zone *Zone
}

// Lookup answers a question from the zone, following CNAME chains across
// zones. See [dnsrec.Resolver].
func (a Authoritative) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	return a.Zone.Lookup(ctx, name, t)
}

// LookupInMemory is Lookup: the zone answers every question from memory
// (see [Zone.LookupInMemory]).
func (a Authoritative) LookupInMemory(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	return a.Zone.Lookup(ctx, name, t)
}

// LookupStep answers a question as the authoritative server of the name's
// zone would: an answer whose chain leaves the zone ends in that CNAME,
// with [dnsrec.Answer.Partial] set. See [dnsrec.Stepper].
func (a Authoritative) LookupStep(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	qname, err := dnsrec.CanonicalName(name)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, &dnsrec.Error{Name: qname, Type: t, Err: fmt.Errorf("%w: %w", dnsrec.ErrTimeout, err)}
	}
	qtype, ok := dns.StringToType[string(t)]
	if !ok {
		return nil, fmt.Errorf("dnstest: unknown record type %q", t)
	}
	res, err := a.Zone.resolve(qname, qtype, true)
	if err != nil {
		return nil, &dnsrec.Error{Name: qname, Type: t, Err: err}
	}
	return res.toAnswer(qname, t), nil
}

// ServeAuthoritative starts a server for z on a free loopback port that
// answers as the authoritative servers of its zones would (see
// [Authoritative]): AA set, RA clear, and a CNAME into another zone
// answered alone. Close it when done.
func ServeAuthoritative(z *Zone) (*Server, error) { return serve(z, 0, true) }

// apex returns the closest enclosing name of name that holds an SOA or NS
// record ("" when none does): the start of the zone name is in. The
// caller holds z.mu.
func (z *Zone) apex(name string) string {
	for cur := name; ; {
		if len(z.rrs[key{cur, dns.TypeSOA}]) > 0 || len(z.rrs[key{cur, dns.TypeNS}]) > 0 {
			return cur
		}
		i, end := dns.NextLabel(cur, 0)
		if end {
			return ""
		}
		cur = cur[i:]
	}
}
