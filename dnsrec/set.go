package dnsrec

import (
	"context"
	"strings"
)

// ReadSet returns the record set of type t that name stands for, as r
// answers: the records name owns, or, when name is a CNAME (a DMARC
// record hosted by a service: _dmarc.customer.example CNAME
// customer.example._d.service.example), the records where the chain ends,
// which are the ones receivers read. For t = CNAME it is the CNAME record
// at name itself.
func ReadSet(ctx context.Context, r Resolver, name string, t Type) ([]Record, error) {
	a, err := r.Lookup(ctx, name, t)
	if err != nil {
		return nil, err
	}
	return a.Set(t), nil
}

// Owner returns the name that owns the record set of type t the answer
// stands for: the end of its CNAME chain, or for t = CNAME the name asked.
func (a *Answer) Owner(t Type) string {
	if t == TypeCNAME {
		return a.Name
	}
	return a.Canonical()
}

// Set returns the records of type t at [Answer.Owner]: the record set
// the answer stands for, without the CNAMEs that led to it.
func (a *Answer) Set(t Type) []Record {
	owner := a.Owner(t)
	var out []Record
	for _, rec := range a.Records {
		if strings.EqualFold(rec.Name, owner) && strings.EqualFold(string(rec.Type), string(t)) {
			out = append(out, rec)
		}
	}
	return out
}

// SameSet reports whether two record sets hold the same records, in any
// order (TTLs ignored).
func SameSet(a, b []Record) bool {
	if len(a) != len(b) {
		return false
	}
	return len(Minus(a, b)) == 0 && len(Minus(b, a)) == 0
}

// Minus returns the records of a that are not in b (compared by [Record.Equal]).
func Minus(a, b []Record) []Record {
	var out []Record
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
