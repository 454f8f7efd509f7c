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

// Change instructions render for a customer, for a zone file and as JSON.
func ExampleChanges() {
	old, _ := dnsrec.NewTXT("example.ch", "v=spf1 include:spf.protection.outlook.com -all")
	updated, _ := dnsrec.NewTXT("example.ch", "v=spf1 include:spf.protection.outlook.com include:spf.vendor.example -all")
	dkim, _ := dnsrec.NewCNAME("default._domainkey.example.ch", "default._domainkey.vendor.example")
	changes := dnsrec.Changes{
		dnsrec.Update(old, updated, "authorize the vendor's mail servers to send as example.ch"),
		dnsrec.Add(dkim, "delegate the vendor's DKIM key"),
	}
	fmt.Print(changes.Text())
	fmt.Println()
	fmt.Print(changes.Zone())
	// Output:
	// 1. Update the existing TXT record at example.ch (edit it; do not add a second one):
	//      Name:   example.ch
	//      Type:   TXT
	//      From:   v=spf1 include:spf.protection.outlook.com -all
	//      To:     v=spf1 include:spf.protection.outlook.com include:spf.vendor.example -all
	//      TTL:    3600 (or your provider's default)
	//      Why:    authorize the vendor's mail servers to send as example.ch
	//
	// 2. Add a CNAME record:
	//      Name:   default._domainkey.example.ch
	//      Type:   CNAME
	//      Value:  default._domainkey.vendor.example
	//      TTL:    3600 (or your provider's default)
	//      Why:    delegate the vendor's DKIM key
	//
	// ; 1. update TXT example.ch: authorize the vendor's mail servers to send as example.ch
	// ; replaces: example.ch.	3600	IN	TXT	"v=spf1 include:spf.protection.outlook.com -all"
	// example.ch.	3600	IN	TXT	"v=spf1 include:spf.protection.outlook.com include:spf.vendor.example -all"
	// ; 2. add CNAME default._domainkey.example.ch: delegate the vendor's DKIM key
	// default._domainkey.example.ch.	3600	IN	CNAME	default._domainkey.vendor.example.
}
