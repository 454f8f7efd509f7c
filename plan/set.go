package plan

import (
	"context"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
)

// ReadSet returns the records of type t owned by name itself (not those
// reached through a CNAME), as r answers.
func ReadSet(ctx context.Context, r dnsrec.Resolver, name string, t dnsrec.Type) ([]dnsrec.Record, error) {
	a, err := r.Lookup(ctx, name, t)
	if err != nil {
		return nil, err
	}
	var out []dnsrec.Record
	for _, rec := range a.Records {
		if strings.EqualFold(rec.Name, a.Name) && strings.EqualFold(string(rec.Type), string(t)) {
			out = append(out, rec)
		}
	}
	return out, nil
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
