package dkim_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/internal/golden"
	"github.com/domainauth/domainauth/plan"
)

// TestRenderingsGolden compares what the package writes for a customer
// (the key record as TXT and zone line, the CNAME delegation, what a check
// of a published key says and the change it plans) with
// testdata/renderings.txt, whole.
func TestRenderingsGolden(t *testing.T) {
	const key = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
	rec := dkim.MustParse("v=DKIM1; k=ed25519; p=" + key)
	pub, err := rec.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	txt, _ := dkim.TXT("brisbane", "football.example.com", rec)
	cname, _ := dkim.Delegation("default", "customer.example", "vendor.example")
	fmt.Fprintf(&b, "==== records\n%s\n%s\n%s\n\n", rec, txt, cname)
	z := dnstest.MustZone(`
default._domainkey.vendor.example.    IN TXT "v=DKIM1; k=ed25519; p=` + key + `"
s1._domainkey.spaced.example.         IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQ HOg7hcvPapiMlrwIaaPcHURo="
s1._domainkey.cut.example.            IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiM"
s1._domainkey.cased.example.          IN TXT "v=DKIM1; k=ED25519; p=` + key + `"
default._domainkey.copied.example.    IN TXT "v=DKIM1; k=ed25519; p=` + key + `"
default._domainkey.wrong.example.     IN CNAME default._domainkey.other.example.
default._domainkey.other.example.     IN TXT "v=DKIM1; k=ed25519; p=` + key + `"
`)
	for _, kc := range []dkim.KeyCheck{
		{Domain: "spaced.example", Selector: "s1", Key: pub},
		{Domain: "cut.example", Selector: "s1", Key: pub},
		{Domain: "cased.example", Selector: "s1", Key: pub},
		{Domain: "missing.example", Selector: "s1", Key: pub},
		{Domain: "copied.example", Selector: "default", Target: "default._domainkey.vendor.example"},
		{Domain: "wrong.example", Selector: "default", Target: "default._domainkey.vendor.example"},
		{Domain: "missing.example", Selector: "default", Target: "default._domainkey.vendor.example"},
	} {
		pl, err := plan.Check(context.Background(), z, kc)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "==== %s (satisfied: %v)\n", kc.About().Requirement, pl.Reports[0].Satisfied)
		for _, f := range pl.AllFindings() {
			fmt.Fprintln(&b, f)
		}
		fmt.Fprintf(&b, "%s\n", pl.Changes.For(plan.PartyCustomer).Text())
	}
	golden.Check(t, "renderings.txt", b.String())
}
