package dnsrec_test

import (
	"context"
	"fmt"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// Customers delegate their DKIM selector to the vendor's key by CNAME.
// Over authoritative servers, which answer each CNAME alone, a cache asks
// for the key once, whatever the number of customers, and keeps each link
// for its own TTL.
func ExampleCache_cnameChains() {
	zone := dnstest.MustZone(`
vendor.example.                   3600 IN SOA   ns1.vendor.example. hostmaster.vendor.example. 1 7200 3600 1209600 300
crm._domainkey.vendor.example.     600 IN TXT   "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
a.example.                        3600 IN SOA   ns1.a.example. hostmaster.a.example. 1 7200 3600 1209600 300
crm._domainkey.a.example.         3600 IN CNAME crm._domainkey.vendor.example.
b.example.                        3600 IN SOA   ns1.b.example. hostmaster.b.example. 1 7200 3600 1209600 300
crm._domainkey.b.example.         3600 IN CNAME crm._domainkey.vendor.example.
`)
	cache := &dnsrec.Cache{
		Resolver: dnstest.Authoritative{Zone: zone},
		Now:      func() time.Time { return time.Unix(1_700_000_000, 0) }, // a clock that stands still, for the TTLs printed
	}
	ctx := context.Background()
	for _, customer := range []string{"a.example", "b.example", "a.example"} {
		a, err := cache.Lookup(ctx, "crm._domainkey."+customer, dnsrec.TypeTXT)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(customer, "->", a.CNAMEs, "TTLs", a.TTLs, "answer TTL", a.TTL)
	}
	fmt.Println("questions:", zone.Queries())
	// Output:
	// a.example -> [crm._domainkey.vendor.example.] TTLs [3600 600] answer TTL 600
	// b.example -> [crm._domainkey.vendor.example.] TTLs [3600 600] answer TTL 600
	// a.example -> [crm._domainkey.vendor.example.] TTLs [3600 600] answer TTL 600
	// questions: [TXT crm._domainkey.a.example. TXT crm._domainkey.vendor.example. TXT crm._domainkey.b.example.]
}
