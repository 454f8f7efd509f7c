package dnstest_test

import (
	"context"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

func TestRepeatedAndResolvers(t *testing.T) {
	z := dnstest.MustZone(`a.example. IN TXT "x"`)
	for name, r := range dnstest.Resolvers(t, z) {
		z.ResetQueries()
		for i := 0; i < 3; i++ {
			a, err := r.Lookup(context.Background(), "a.example", dnsrec.TypeTXT)
			if err != nil || len(a.Records) != 1 {
				t.Fatalf("%s: %v %v", name, a, err)
			}
		}
		if _, err := r.Lookup(context.Background(), "b.example", dnsrec.TypeTXT); err != nil {
			t.Fatal(err)
		}
		rep := z.Repeated()
		if len(rep) != 1 || rep[0] != (dnstest.Query{Name: "a.example.", Type: dnsrec.TypeTXT}) {
			t.Errorf("%s: Repeated() = %v", name, rep)
		}
	}
}
