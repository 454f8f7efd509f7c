package plan

import (
	"context"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
)

// ReadSet returns the record set of type t that name stands for, as r
// answers: the records name owns, or, when name is a CNAME (a DMARC
// record hosted by a service: _dmarc.customer.example CNAME
// customer.example._d.service.example), the records where the chain ends,
// which are the ones receivers read. For t = CNAME it is the CNAME record
// at name itself. [Lives] says where the set lives.
func ReadSet(ctx context.Context, r dnsrec.Resolver, name string, t dnsrec.Type) ([]dnsrec.Record, error) {
	_, recs, err := readSet(ctx, r, name, t)
	return recs, err
}

// Lives returns the name that owns the record set of type t that name
// stands for: name itself, or the end of its CNAME chain.
func Lives(ctx context.Context, r dnsrec.Resolver, name string, t dnsrec.Type) (string, error) {
	owner, _, err := readSet(ctx, r, name, t)
	return owner, err
}

func readSet(ctx context.Context, r dnsrec.Resolver, name string, t dnsrec.Type) (string, []dnsrec.Record, error) {
	a, err := r.Lookup(ctx, name, t)
	if err != nil {
		return "", nil, err
	}
	owner := a.Name
	if t != dnsrec.TypeCNAME {
		owner = a.Canonical()
	}
	var out []dnsrec.Record
	for _, rec := range a.Records {
		if strings.EqualFold(rec.Name, owner) && strings.EqualFold(string(rec.Type), string(t)) {
			out = append(out, rec)
		}
	}
	return owner, out, nil
}

// SameSet reports whether two record sets hold the same records, in any
// order (TTLs ignored).
func SameSet(a, b []dnsrec.Record) bool {
	if len(a) != len(b) {
		return false
	}
	return len(Minus(a, b)) == 0 && len(Minus(b, a)) == 0
}

// Minus returns the records of a that are not in b (see [Record.Equal]).
func Minus(a, b []dnsrec.Record) []dnsrec.Record {
	var out []dnsrec.Record
	for _, x := range a {
		found := false
		for _, y := range b {
			found = found || x.Equal(y)
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}
