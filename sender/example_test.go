package sender_test

import (
	"context"
	"fmt"

	"github.com/domainauth/domainauth/sender"
)

// The three situations a CRM meets: an allowed domain; a domain that is
// not allowed, for a user whose business unit has a default sender; and for
// a user whose unit has none.
func ExamplePolicy_Select() {
	p, err := sender.New(sender.Config{
		Domains:       []sender.Domain{{Domain: "customer.ch"}, {Domain: "crm.example"}},
		BusinessUnits: map[string]string{"Sales": "noreply-sales@crm.example"},
		Default:       "noreply@crm.example",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for _, req := range []sender.Request{
		{From: "info@customer.ch", BusinessUnit: "Sales"},
		{From: "info@other.ch", BusinessUnit: "Sales"},
		{From: "info@other.ch", BusinessUnit: "Support"},
	} {
		s := p.Select(ctx, req)
		fmt.Printf("%s -> %s (%s)\n  %s\n", req.From, s.From, s.Rule, s.Reason)
	}
	// Output:
	// info@customer.ch -> <info@customer.ch> (allowed-domain)
	//   info@customer.ch is on the allowed domain customer.ch, so it is used as typed.
	// info@other.ch -> <noreply-sales@crm.example> (business-unit-default)
	//   info@other.ch is not on an allowed domain; the business unit's default sender noreply-sales@crm.example is used instead. Replies go to info@other.ch (Reply-To).
	// info@other.ch -> <noreply@crm.example> (application-default)
	//   info@other.ch is not on an allowed domain; the application-wide default sender noreply@crm.example is used instead (the business unit "Support" has no default sender). Replies go to info@other.ch (Reply-To).
}
