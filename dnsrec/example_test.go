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
