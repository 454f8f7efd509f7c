package mailbox_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/mailbox"
)

// The rules of one provider: who they apply to, who meets them, and how
// each is checked.
func ExampleRulesOf() {
	for _, r := range mailbox.RulesOf(mailbox.Yahoo) {
		fmt.Printf("%-24s %-4s %-8s %v\n", r.ID, r.Scope, r.Party, r.Checks)
	}
	// Output:
	// yahoo-spf-or-dkim        all  customer [dns]
	// yahoo-spf-and-dkim       bulk customer [dns]
	// yahoo-dmarc-policy       bulk customer [dns]
	// yahoo-dmarc-alignment    bulk customer [dns message]
	// yahoo-fcrdns             all  vendor   [dns]
	// yahoo-not-blocklisted    all  vendor   [dns]
	// yahoo-rfc5322-format     all  vendor   [message]
	// yahoo-one-click          bulk vendor   [message]
	// yahoo-spam-rate          all  vendor   [elsewhere]
}

// A bounce or a ticket names a rule by its ID; Lookup gives the rule, its
// source and where to look when it cannot be checked from here.
func ExampleLookup() {
	r, ok := mailbox.Lookup("gmail-spam-rate")
	fmt.Println(ok, r.Provider.Name(), r.Scope)
	fmt.Println(r.Summary)
	fmt.Println(r.Where)
	// Output:
	// true Gmail all
	// the spam rate users report stays below 0.3% (below 0.1% is the aim)
	// Google Postmaster Tools (https://postmaster.google.com): the spam rate and the compliance status of the domain
}

// A newsletter as the vendor's software writes it, signed for the
// customer's domain with a key the domain publishes, but without the
// List-Unsubscribe-Post field that makes one click unsubscribe.
func ExampleMessageChecker_Check() {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	rec, _ := dkim.NewRecord(key.Public())
	zone := dnstest.MustZone(`crm._domainkey.shop.example. 3600 IN TXT "` + rec.String() + `"
_dmarc.shop.example. 3600 IN TXT "v=DMARC1; p=none"`)
	msg := strings.Join([]string{
		"From: Shop <news@shop.example>",
		"To: anna@example.net",
		"Subject: Offers",
		"Date: Tue, 01 Dec 2026 09:00:00 +0100",
		"Message-ID: <1@shop.example>",
		"List-Unsubscribe: <https://crm.example/u/1>",
		"", "Hello.", ""}, "\r\n")
	var signed bytes.Buffer
	s := &dkim.Signer{Domain: "shop.example", Selector: "crm", Key: key,
		HeaderKeys: append(dkim.DefaultHeaderKeys(), "List-Unsubscribe", "List-Unsubscribe-Post")}
	if err := s.Sign(&signed, strings.NewReader(msg)); err != nil {
		fmt.Println(err)
		return
	}

	c := &mailbox.MessageChecker{Resolver: zone, Providers: []mailbox.Provider{mailbox.Gmail}, Bulk: true}
	rep, err := c.Check(context.Background(), &signed)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rep.Results {
		fmt.Println(r.Outcome, r.Rule)
	}
	fmt.Println(mailbox.Compliant(rep.Results))
	// Output:
	// met gmail-dkim-key-size
	// met gmail-dmarc-alignment
	// not-applicable gmail-tls
	// met gmail-rfc5322-format
	// met gmail-from-not-provider
	// not-met gmail-one-click
	// false
}
