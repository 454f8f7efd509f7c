package dnstest_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

var (
	_ dnsrec.Stepper  = dnstest.Authoritative{}
	_ dnsrec.InMemory = dnstest.Authoritative{}
	_ dnsrec.Stepper  = (*dnsrec.Client)(nil)
)

// An authoritative answer stops at a CNAME into another zone, follows one
// inside the zone, and gives each RRset's TTL; in memory and over the
// loopback server alike. Lookup still follows the whole chain.
func TestAuthoritative(t *testing.T) {
	z := dnstest.MustZone(`
a.example.      300 IN SOA ns.a.example. h.a.example. 1 7200 3600 1209600 60
x.a.example.    100 IN CNAME y.a.example.
y.a.example.    200 IN CNAME t.b.example.
b.example.      300 IN NS ns.b.example.
t.b.example.    400 IN TXT "end"
n.a.example.    100 IN CNAME none.a.example.
`)
	srv, err := dnstest.ServeAuthoritative(z)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	for name, s := range map[string]dnsrec.Stepper{"memory": dnstest.Authoritative{Zone: z}, "loopback": srv.Client()} {
		a, err := s.LookupStep(ctx, "x.a.example", dnsrec.TypeTXT)
		if err != nil || !a.Partial || !reflect.DeepEqual(a.CNAMEs, []string{"y.a.example.", "t.b.example."}) ||
			!reflect.DeepEqual(a.TTLs, []uint32{100, 200}) || a.TTL != 100 || len(a.Records) != 0 {
			t.Errorf("%s: a CNAME into another zone: %+v, %v", name, a, err)
		}
		a, err = s.LookupStep(ctx, "t.b.example", dnsrec.TypeTXT)
		if err != nil || a.Partial || len(a.Records) != 1 || a.TTLs != nil || a.TTL != 400 {
			t.Errorf("%s: the target: %+v, %v", name, a, err)
		}
		// NXDOMAIN inside the zone: not partial; the negative TTL is the SOA's MINIMUM.
		a, err = s.LookupStep(ctx, "n.a.example", dnsrec.TypeTXT)
		if err != nil || a.Partial || !a.NXDomain || !reflect.DeepEqual(a.TTLs, []uint32{100, 60}) || a.TTL != 60 {
			t.Errorf("%s: NXDOMAIN behind a CNAME: %+v, %v", name, a, err)
		}
		a, err = s.Lookup(ctx, "x.a.example", dnsrec.TypeTXT)
		if err != nil || a.Partial || len(a.Records) != 1 || !reflect.DeepEqual(a.TTLs, []uint32{100, 200, 400}) {
			t.Errorf("%s: Lookup: %+v, %v", name, a, err)
		}
	}
}
