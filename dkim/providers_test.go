package dkim_test

import (
	"context"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/plan"
)

// providerZone holds selectors delegated to mail services the way their
// setup pages say: Microsoft 365 in its older and its 2025 form, and an
// ESP's.
const providerZone = `
selector1._domainkey.m365.example.     IN CNAME selector1-m365-example._domainkey.contoso.onmicrosoft.com.
selector1-m365-example._domainkey.contoso.onmicrosoft.com. IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
selector1._domainkey.m365new.example.  IN CNAME selector1-m365new-example._domainkey.contoso.n-v1.dkim.mail.microsoft.
selector1-m365new-example._domainkey.contoso.n-v1.dkim.mail.microsoft. IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
s1._domainkey.esp.example.             IN CNAME s1.domainkey.u123.wl124.sendgrid.net.
s1.domainkey.u123.wl124.sendgrid.net.  IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
`

// A selector another mail service uses (Microsoft 365's, in both forms,
// an ESP's) is checked through its CNAME like any other, and never
// replaced: the vendor's key there would break that service's signatures.
func TestSelectorDelegatedToAService(t *testing.T) {
	for rname, r := range dnstest.Resolvers(t, dnstest.MustZone(providerZone)) {
		for _, tc := range []struct{ domain, selector, service string }{
			{"m365.example", "selector1", "Microsoft 365"},
			{"m365new.example", "selector1", "Microsoft 365"},
			{"esp.example", "s1", "Twilio SendGrid"},
		} {
			t.Run(rname+"/"+tc.domain, func(t *testing.T) {
				// The customer's own selector: linted where it leads, and fine.
				own, err := dkim.KeyCheck{Domain: tc.domain, Selector: tc.selector}.Check(context.Background(), r)
				if err != nil || !own.Satisfied || len(own.Edits) != 0 {
					t.Errorf("the service's own selector: %+v %v", own, err)
				}
				// The vendor asking for the same selector name: no change.
				for _, kc := range []dkim.KeyCheck{
					{Domain: tc.domain, Selector: tc.selector, Target: tc.selector + "._domainkey.vendor.example"},
					{Domain: tc.domain, Selector: tc.selector, Key: mustKey(t, seed000Key)},
				} {
					pl, err := plan.Check(context.Background(), r, kc)
					if err != nil {
						t.Fatal(err)
					}
					var f *plan.Finding
					for _, x := range pl.AllFindings() {
						if x.Code == dkim.CodeSelectorTaken {
							f = &x
						}
					}
					if len(pl.Changes) != 0 || f == nil || f.Params["service"] != tc.service {
						t.Errorf("%+v: finding %+v, changes:\n%s", kc, f, pl.Changes.Text())
					}
				}
			})
		}
	}
	if dkim.DelegatedService("default._domainkey.vendor.example") != "" {
		t.Error("an ordinary target taken for a service's")
	}
}
