package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/store"
)

// After an ingest, the sources' reverse names are looked up outside of it;
// a name is kept only when it resolves back to the address.
func ExampleResolveNames() {
	dir, _ := os.MkdirTemp("", "store-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(dir, "reports.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	report := `<?xml version="1.0"?>
<feedback>
  <report_metadata><org_name>google.com</org_name><email>noreply-dmarc-support@google.com</email>
    <report_id>1234</report_id><date_range><begin>1793491200</begin><end>1793577599</end></date_range></report_metadata>
  <policy_published><domain>customer.example</domain><p>none</p></policy_published>
  <record><row><source_ip>192.0.2.1</source_ip><count>120</count>
    <policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row>
    <identifiers><header_from>customer.example</header_from></identifiers></record>
  <record><row><source_ip>198.51.100.7</source_ip><count>3</count>
    <policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>
    <identifiers><header_from>customer.example</header_from></identifiers></record>
</feedback>
`
	in := &store.Ingester{Store: s}
	if _, err := in.IngestMessage(ctx, strings.NewReader("Content-Type: text/xml\n\n"+report), "-"); err != nil {
		fmt.Println(err)
		return
	}
	zone := dnstest.MustZone(`
1.2.0.192.in-addr.arpa.    IN PTR mail.customer.example.
mail.customer.example.     IN A   192.0.2.1
7.100.51.198.in-addr.arpa. IN PTR mail.customer.example.
`)
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	res, err := store.ResolveNames(ctx, s, zone, store.NameOptions{Now: now})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d looked up: %d named, %d not resolving back\n", res.Looked, res.Pass, res.Fail)
	e, err := store.ComputeEvidence(ctx, s, "customer.example", store.EvidenceOptions{Now: now})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, src := range e.Sources {
		fmt.Printf("%s %q\n", src.IP, src.Host)
	}
	// Output:
	// 2 looked up: 1 named, 1 not resolving back
	// 192.0.2.1 "mail.customer.example"
	// 198.51.100.7 ""
}
