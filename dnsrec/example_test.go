package dnsrec_test

import (
	"context"
	"fmt"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// A test zone answers like a recursive resolver, telling NXDOMAIN from
// NODATA and keeping TXT strings apart.
func Example_testZone() {
	zone := dnstest.MustZone(`
example.ch.                    3600 IN TXT   "v=spf1 include:spf.protection.outlook.com -all"
default._domainkey.example.ch. 3600 IN CNAME default._domainkey.vendor.example.
default._domainkey.vendor.example. 3600 IN TXT "v=DKIM1; k=rsa; " "p=MIIBIjANBg..."
`)
	ctx := context.Background()

	a, _ := zone.Lookup(ctx, "default._domainkey.example.ch", dnsrec.TypeTXT)
	fmt.Println("via CNAME:", a.CNAMEs)
	fmt.Printf("strings: %q\n", a.TXT()[0])

	a, _ = zone.Lookup(ctx, "example.ch", dnsrec.TypeMX)
	fmt.Println("MX at example.ch: void", a.Void(), "nxdomain", a.NXDomain)
	a, _ = zone.Lookup(ctx, "_dmarc.example.ch", dnsrec.TypeTXT)
	fmt.Println("TXT at _dmarc.example.ch: void", a.Void(), "nxdomain", a.NXDomain)
	fmt.Println("questions:", zone.Queries())
	// Output:
	// via CNAME: [default._domainkey.vendor.example.]
	// strings: ["v=DKIM1; k=rsa; " "p=MIIBIjANBg..."]
	// MX at example.ch: void true nxdomain false
	// TXT at _dmarc.example.ch: void true nxdomain true
	// questions: [TXT default._domainkey.example.ch. MX example.ch. TXT _dmarc.example.ch.]
}

// Change instructions render for a customer, for a zone file and as an
// nsupdate script.
func ExampleChanges() {
	old, _ := dnsrec.NewTXT("example.ch", "v=spf1 include:spf.protection.outlook.com -all")
	updated, _ := dnsrec.NewTXT("example.ch", "v=spf1 include:spf.protection.outlook.com include:spf.vendor.example -all")
	key, _ := dnsrec.NewCNAME("default._domainkey.example.ch", "default._domainkey.vendor.example")
	changes := dnsrec.Changes{
		dnsrec.NewChange(old.Name, dnsrec.TypeTXT, []dnsrec.Record{old}, []dnsrec.Record{updated}, dnsrec.PartyCustomer, dnsrec.StageSPF,
			dnsrec.Reason{Code: "spf-authorize", Text: "authorize the vendor's mail servers to send as example.ch"}),
		dnsrec.NewChange(key.Name, dnsrec.TypeCNAME, nil, []dnsrec.Record{key}, dnsrec.PartyCustomer, dnsrec.StageDKIM,
			dnsrec.Reason{Code: "dkim-delegate", Text: "delegate the vendor's DKIM key"}),
	}
	changes.Sort() // DKIM first: a published key never makes mail fail
	fmt.Print(changes.Text())
	fmt.Println()
	fmt.Print(changes.NSUpdate())
	// Output:
	// 1. Add a CNAME record at default._domainkey in the zone example.ch:
	//      Name:   default._domainkey  (default._domainkey.example.ch)
	//      Type:   CNAME
	//      Value:  default._domainkey.vendor.example
	//      TTL:    3600 (or your provider's default)
	//      Why:    delegate the vendor's DKIM key
	//
	// 2. Update the existing TXT record at @ in the zone example.ch (edit it; do not add a second one):
	//      Name:   @  (example.ch)
	//      Type:   TXT
	//      From:   v=spf1 include:spf.protection.outlook.com -all
	//      To:     v=spf1 include:spf.protection.outlook.com include:spf.vendor.example -all
	//      TTL:    3600 (or your provider's default)
	//      Why:    authorize the vendor's mail servers to send as example.ch
	//
	// ; 1. add CNAME default._domainkey.example.ch (customer)
	// zone example.ch.
	// prereq nxrrset default._domainkey.example.ch. IN CNAME
	// update add default._domainkey.example.ch. 3600 IN CNAME default._domainkey.vendor.example.
	// send
	//
	// ; 2. update TXT example.ch (customer)
	// zone example.ch.
	// prereq yxrrset example.ch. IN TXT "v=spf1 include:spf.protection.outlook.com -all"
	// update delete example.ch. IN TXT "v=spf1 include:spf.protection.outlook.com -all"
	// update add example.ch. 3600 IN TXT "v=spf1 include:spf.protection.outlook.com include:spf.vendor.example -all"
	// send
}

// CheckAll combines the edits of several requirements on one record set
// into one change.
func ExampleCheckAll() {
	zone := dnstest.MustZone(`example.ch. 300 IN TXT "google-site-verification=abc"`)
	plan, _ := dnsrec.CheckAll(context.Background(), zone,
		wantTXT{Name: "example.ch", Value: "first vendor"},
		wantTXT{Name: "example.ch", Value: "second vendor"})
	for _, c := range plan.Changes {
		fmt.Println(c.Summary(), "in zone", c.Zone, "for the", c.Party)
		for _, r := range c.Added() {
			fmt.Println("  add", r.Value())
		}
	}
	// Output:
	// add TXT example.ch in zone example.ch. for the customer
	//   add first vendor
	//   add second vendor
}
