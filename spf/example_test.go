package spf_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// A record typed with an en dash does not parse; the error says
// where, why, and what was meant.
func ExampleParse() {
	_, err := spf.Parse("v=spf1 include:spf.protection.outlook.com –all")
	var pe *spf.ParseError
	if errors.As(err, &pe) {
		fmt.Println("offset:", pe.Offset)
		fmt.Println("hint:", pe.Hint)
		fmt.Println("meant:", pe.Suggestion)
	}
	r := spf.MustParse("V=SPF1 a MX ip4:46.140.111.80/28 -ALL")
	fmt.Println(r)
	// Output:
	// offset: 42
	// hint: the record contains an en dash (U+2013) at offset 42 where "-" was meant (pasted from a document or web page?)
	// meant: v=spf1 include:spf.protection.outlook.com -all
	// v=spf1 a mx ip4:46.140.111.80/28 -all
}

// Lint says what a support engineer should tell the customer.
func ExampleLint() {
	for _, f := range spf.Lint("v=spf1 include:spf.protection.outlook.com") {
		fmt.Println(f)
	}
	// Output:
	// warning spf-no-all: the record has no "all" term and no redirect=, so mail from hosts it does not list gets neutral, the same as no SPF at all
	//   fix: end the record with -all (or ~all while you are still testing)
}

// Authorize plans the edit that lets a vendor send for a customer: an
// update of the existing record, never a second record.
func ExampleAuthorize() {
	zone := dnstest.MustZone(`
customer.example.   IN TXT "v=spf1 include:spf.protection.outlook.example -all"
spf.protection.outlook.example. IN TXT "v=spf1 ip4:198.51.100.0/24 -all"
spf.vendor.example. IN TXT "v=spf1 ip4:5.255.64.53 -all"
`)
	req := spf.Authorize{Domain: "customer.example", Term: "include:spf.vendor.example"}
	res, err := req.Check(context.Background(), zone)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("lookups: %d -> %d\n", res.LookupsBefore, res.LookupsAfter)
	pl, err := plan.Check(context.Background(), zone, req)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(pl.Changes.Text())
	// Output:
	// lookups: 1 -> 2
	// 1. Update the existing TXT record at @ in the zone customer.example (edit it; do not add a second one):
	//      Name:   @  (customer.example)
	//      Type:   TXT
	//      From:   v=spf1 include:spf.protection.outlook.example -all
	//      To:     v=spf1 include:spf.protection.outlook.example include:spf.vendor.example -all
	//      TTL:    3600 (or your provider's default)
	//      Why:    authorize include:spf.vendor.example to send mail as customer.example
}

// A domain that receives mail at a well-known provider and has no SPF
// record gets one that keeps its own mail working: the provider's include,
// and ~all until the customer confirms their other senders.
func ExampleAuthorize_newRecord() {
	zone := dnstest.MustZone(`customer.example. IN MX 0 customer-example.mail.protection.outlook.com.`)
	res, err := spf.Authorize{Domain: "customer.example", Term: "include:spf.vendor.example"}.Check(context.Background(), zone)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Proposed)
	fmt.Println(res.Findings[0].Code)
	// Output:
	// v=spf1 include:spf.protection.outlook.com include:spf.vendor.example ~all
	// spf-confirm-senders
}

// The trace explains a result the way the old openspf "Why?" page did.
func ExampleResult_Explain() {
	zone := dnstest.MustZone(`
example.com. IN TXT "v=spf1 include:spf.protection.outlook.example -all"
spf.protection.outlook.example. IN TXT "v=spf1 ip4:198.51.100.0/24 -all"
`)
	c := &spf.Checker{Resolver: zone}
	res := c.CheckMailFrom(context.Background(), netip.MustParseAddr("5.255.64.53"), "info@example.com", "smtp1.blueinkt.example")
	fmt.Print(res.Explain())
	// Output:
	// example.com has declared that 5.255.64.53 may not send mail for it: no term matched, and the record ends in "-all". Receivers may reject the message.
	// example.com: record "v=spf1 include:spf.protection.outlook.example -all"
	//   spf.protection.outlook.example: record "v=spf1 ip4:198.51.100.0/24 -all"
	//   spf.protection.outlook.example: ip4:198.51.100.0/24: does not contain 5.255.64.53
	//   spf.protection.outlook.example: -all: matches: fail
	// example.com: include:spf.protection.outlook.example: spf.protection.outlook.example gave fail: no match
	// example.com: -all: matches: fail
	// 1 of 10 DNS-querying terms used, 0 void lookups, 2 DNS queries.
}

// A program that shows the steps its own way reads them from the trace;
// their words are made when Steps is called, not during the check.
func ExampleTrace_Steps() {
	zone := dnstest.MustZone(`
example.com. IN TXT "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 include:_spf.vendor.example ~all"
_spf.vendor.example. IN TXT "v=spf1 ip6:2001:db8::/32 ip4:203.0.113.0/24 -all"
`)
	c := &spf.Checker{Resolver: zone}
	res := c.CheckMailFrom(context.Background(), netip.MustParseAddr("203.0.113.7"), "info@example.com", "mail.example.com")
	fmt.Println(res.Status, res.Trace.Len(), "steps")
	for _, s := range res.Trace.Steps() {
		if s.Match {
			fmt.Printf("%d %s: %s\n", s.Depth, s.Domain, s.Term)
		}
	}
	// Output:
	// pass 7 steps
	// 1 _spf.vendor.example: ip4:203.0.113.0/24
	// 0 example.com: include:_spf.vendor.example
}
