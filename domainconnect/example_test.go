package domainconnect_test

import (
	"context"
	"fmt"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/domainconnect"
)

const exampleProfile = `{
  "name": "Example CRM",
  "spf": "include:spf.vendor.example",
  "servers": [{"address": "5.255.64.53", "helo": "smtp1.vendor.example"}],
  "dkim": [{"selector": "crm", "target": "crm._domainkey.vendor.example"}],
  "dmarc": {"reports": ["dmarc@vendor.example"]}
}`

// The vendor's template, generated from its profile, in the form the
// public template repository holds.
func ExampleFromProfile() {
	p, err := domaincheck.ParseProfile([]byte(exampleProfile))
	if err != nil {
		fmt.Println(err)
		return
	}
	tpl, err := domainconnect.FromProfile(p, domainconnect.Service{ServiceID: "email"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tpl.FileName())
	for _, r := range tpl.Records {
		fmt.Println(r.GroupID, r.Type, r.Host, r.PointsTo+r.SPFRules+r.Data)
	}
	// Output:
	// vendor.example.email.json
	// dkim CNAME crm._domainkey crm._domainkey.vendor.example
	// spf SPFM @ include:spf.vendor.example
	// dmarc TXT _dmarc v=DMARC1; p=none; rua=mailto:dmarc@vendor.example
}

// What applying the template does to a customer's zone, worked out in
// memory as a careful DNS host would: the SPF rules merged into the
// existing record, before its "all".
func ExampleTemplate_Apply() {
	p, _ := domaincheck.ParseProfile([]byte(exampleProfile))
	tpl, _ := domainconnect.FromProfile(p, domainconnect.Service{})
	zone := dnstest.MustZone(`customer.example. TXT "v=spf1 include:spf.mailhost.example -all"`)
	changes, err := tpl.Apply(context.Background(), zone, domainconnect.Instance{
		Domain: "customer.example", Groups: []string{domainconnect.GroupDKIM, domainconnect.GroupSPF}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range changes {
		fmt.Println(c.Action, c.Type, c.Relative)
		for _, r := range c.Proposed {
			fmt.Println("  ", r.Value())
		}
	}
	// Output:
	// add CNAME crm._domainkey
	//    crm._domainkey.vendor.example.
	// update TXT @
	//    v=spf1 include:spf.mailhost.example include:spf.vendor.example -all
}

// Whether a customer may be offered the one-click apply, and why not: a
// zone whose DNS host publishes no _domainconnect record, and one whose
// DMARC record the plan must edit (which the template never does).
func ExampleOfferer_Offer() {
	p, _ := domaincheck.ParseProfile([]byte(exampleProfile))
	tpl, _ := domainconnect.FromProfile(p, domainconnect.Service{})
	zone := dnstest.MustZone(`
spf.vendor.example.        TXT "v=spf1 ip4:5.255.64.53 -all"
smtp1.vendor.example.      A   5.255.64.53
plain.example.             TXT "v=spf1 -all"
tight.example.             TXT "v=spf1 include:spf.vendor.example -all"
_dmarc.tight.example.      TXT "v=DMARC1; p=reject; rua=mailto:postmaster@tight.example"
`)
	checker := &domaincheck.Checker{Profile: p, Resolver: zone}
	o := &domainconnect.Offerer{Checker: checker, Template: tpl, Config: domainconnect.Config{Resolver: zone}}
	ctx := context.Background()
	for _, d := range []string{"plain.example", "tight.example"} {
		offer := o.Offer(ctx, checker.Check(ctx, d), "")
		fmt.Printf("%s: offered %t, %s\n", d, offer.Offered, offer.Code)
	}
	// Output:
	// plain.example: offered false, no-domain-connect
	// tight.example: offered false, dmarc-merge
}
