package plan_test

import (
	"context"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/plan"
)

// zoneCutZone holds a customer zone with two delegations: _dmarc to a DMARC
// service's name servers, and mail.customer.example to the customer's own
// servers in a zone of its own (the same operator).
const zoneCutZone = `
customer.example.          IN SOA ns1.host.example. hostmaster.customer.example. 1 7200 3600 1209600 300
customer.example.          IN NS  ns1.host.example.
customer.example.          IN NS  ns2.host.example.
_dmarc.customer.example.   IN SOA ns1.dmarc-service.example. hostmaster.dmarc-service.example. 1 7200 3600 1209600 300
_dmarc.customer.example.   IN NS  ns1.dmarc-service.example.
mail.customer.example.     IN SOA ns1.host.example. hostmaster.customer.example. 1 7200 3600 1209600 300
mail.customer.example.     IN NS  ns2.host.example.
mail.customer.example.     IN NS  ns1.host.example.
`

// A change's zone is the zone DNS says holds the name, not the registrable
// domain: the nsupdate script names it, the name is relative to it, and a
// zone delegated to other name servers is their operator's change.
func TestZoneFromDNS(t *testing.T) {
	for rname, r := range dnstest.Resolvers(t, dnstest.MustZone(zoneCutZone)) {
		t.Run(rname, func(t *testing.T) {
			pl, err := plan.Check(context.Background(), r,
				wantTXT{Name: "_dmarc.customer.example", Value: "v=DMARC1; p=none", Stage: plan.StageDMARC},
				wantTXT{Name: "x._domainkey.mail.customer.example", Value: "k", Stage: plan.StageDKIM},
				wantTXT{Name: "customer.example", Value: "v=spf1 -all"})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]plan.Change{}
			for _, c := range pl.Changes {
				got[c.Name] = c
			}
			for name, want := range map[string]struct{ zone, relative, party, operator string }{
				"_dmarc.customer.example.":            {"_dmarc.customer.example.", "@", "other", "ns1.dmarc-service.example"},
				"x._domainkey.mail.customer.example.": {"mail.customer.example.", "x._domainkey", "customer", ""},
				"customer.example.":                   {"customer.example.", "@", "customer", ""},
			} {
				c, ok := got[name]
				if !ok {
					t.Errorf("no change at %s", name)
					continue
				}
				if c.Zone != want.zone || c.Relative != want.relative || string(c.Party) != want.party || c.Operator != want.operator {
					t.Errorf("%s: zone %s, relative %s, party %s, operator %q; want %+v", name, c.Zone, c.Relative, c.Party, c.Operator, want)
				}
			}
			ns := pl.Changes.NSUpdate()
			for _, line := range []string{"zone _dmarc.customer.example.\n", "zone mail.customer.example.\n", "zone customer.example.\n"} {
				if !strings.Contains(ns, line) {
					t.Errorf("the nsupdate script lacks %q:\n%s", line, ns)
				}
			}
			if text := pl.Changes.Text(); !strings.Contains(text, "its name servers are ns1.dmarc-service.example") {
				t.Errorf("the step does not say who makes it:\n%s", text)
			}
		})
	}
}
