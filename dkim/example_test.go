package dkim_test

import (
	"context"
	"fmt"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// The records a vendor hands a customer: its key as TXT, or a
// CNAME delegation to its own record. The key here is the fixed
// Ed25519 example key of RFC 8463.
func ExampleTXT() {
	pub, _ := dkim.MustParse("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=").PublicKey()
	rec, _ := dkim.NewRecord(pub)
	txt, _ := dkim.TXT("brisbane", "football.example.com", rec)
	cname, _ := dkim.Delegation("default", "operations-the-rat.ch", "tocco.ch")
	fmt.Println(txt)
	fmt.Println(cname)
	// Output:
	// brisbane._domainkey.football.example.com.	3600	IN	TXT	"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
	// default._domainkey.operations-the-rat.ch.	3600	IN	CNAME	default._domainkey.tocco.ch.
}

// A key pasted with a space in the middle still verifies with
// most verifiers, but the check says where the space is and what to do.
func ExampleKeyCheck_Check() {
	key := "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCn1BbTAaEqGdv68mJsGTXw5n0dB/SxOj6VIrlNn06mEYvWrvhh+vFns8MReDFrvkqcVkKy/jvf5DaMph+qhzHxL0EiCrKCQOPKDPYEfFgsU+g8T7auyCzYUAxaas4K/Zffp81emUX8mmKzoVbe5kcvYqp7cF1NSLXVFV9meSGD8QIDAQAB"
	zone := dnstest.MustZone(`key002._domainkey.customer.example. IN TXT "v=DKIM1; k=rsa; p=` + key[:100] + " " + key[100:] + `"`)
	expected, _ := dkim.MustParse("p=" + key).PublicKey()
	d, _ := dkim.KeyCheck{Domain: "customer.example", Selector: "key002", Key: expected}.Check(context.Background(), zone)
	fmt.Println("verifies:", d.Satisfied)
	for _, f := range d.Findings {
		if f.Offset != nil {
			fmt.Println(f.Code, "at offset", *f.Offset)
		} else {
			fmt.Println(f.Code)
		}
	}
	// Output:
	// verifies: true
	// dkim-whitespace-in-key at offset 118
	// dkim-key-weak
}
