package plan_test

import (
	"context"
	"fmt"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/plan"
)

// Change instructions render for a customer, for a zone file and as an
// nsupdate script.
func ExampleChanges() {
	old, _ := dnsrec.NewTXT("example.ch", "v=spf1 include:spf.protection.outlook.com -all")
	updated, _ := dnsrec.NewTXT("example.ch", "v=spf1 include:spf.protection.outlook.com include:spf.vendor.example -all")
	key, _ := dnsrec.NewCNAME("default._domainkey.example.ch", "default._domainkey.vendor.example")
	changes := plan.Changes{
		plan.NewChange(old.Name, dnsrec.TypeTXT, []dnsrec.Record{old}, []dnsrec.Record{updated}, plan.PartyCustomer, plan.StageSPF,
			plan.Reason{Code: "spf-authorize", Text: "authorize the vendor's mail servers to send as example.ch"}),
		plan.NewChange(key.Name, dnsrec.TypeCNAME, nil, []dnsrec.Record{key}, plan.PartyCustomer, plan.StageDKIM,
			plan.Reason{Code: "dkim-delegate", Text: "delegate the vendor's DKIM key"}),
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

// Check combines the edits of several requirements on one record set
// into one change.
func ExampleCheck() {
	zone := dnstest.MustZone(`example.ch. 300 IN TXT "google-site-verification=abc"`)
	pl, _ := plan.Check(context.Background(), zone,
		wantTXT{Name: "example.ch", Value: "first vendor"},
		wantTXT{Name: "example.ch", Value: "second vendor"})
	for _, c := range pl.Changes {
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

// A customer's DNS host is recognized from its name servers, and the name
// of each record is written the way that host's form wants it.
func ExampleHostForNS() {
	for _, ns := range []string{"ada.ns.cloudflare.com.", "ns-1536.awsdns-00.co.uk.", "ns1.host.example."} {
		h, ok := plan.HostForNS(ns)
		if !ok {
			fmt.Printf("%s: unknown host, generic text\n", ns)
			continue
		}
		apex, _ := h.FormName("example.ch.", "example.ch.")
		dmarc, _ := h.FormName("_dmarc.example.ch.", "example.ch.")
		fmt.Printf("%s: %s, apex %q, _dmarc %q\n", ns, h.Name, apex, dmarc)
	}
	// Output:
	// ada.ns.cloudflare.com.: Cloudflare, apex "@", _dmarc "_dmarc"
	// ns-1536.awsdns-00.co.uk.: Amazon Route 53, apex "", _dmarc "_dmarc"
	// ns1.host.example.: unknown host, generic text
}

// A finding as a producer wrote it, shown to a reader in French: the code
// and the parameters stay, the sentences are the catalogue's.
func ExampleFinding_In() {
	f := plan.Finding{Code: "spf-no-all", Severity: plan.SeverityWarning, Params: map[string]string{"domain": "example.ch"},
		Message: "the record has no \"all\" term and no redirect=, so mail from hosts it does not list gets neutral, the same as no SPF at all",
		Fix:     "end the record with -all (or ~all while you are still testing)"}
	fr := f.In(language.French)
	fmt.Println(fr.Code)
	fmt.Println(fr.Message)
	fmt.Println(fr.Fix)
	// Output:
	// spf-no-all
	// l'enregistrement n'a ni terme "all" ni redirect=: le courrier des hôtes non listés obtient neutral, comme sans SPF
	// Terminez l'enregistrement par -all (ou ~all tant que vous testez)
}
