package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/store"
)

// A report arrives by mail, as a receiver sends it; the store keeps it
// once, and the evidence says what the next DMARC stage still needs.
func Example() {
	dir, _ := os.MkdirTemp("", "store-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(dir, "reports.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	msg := `From: noreply-dmarc-support@google.com
Subject: Report domain: customer.example Submitter: google.com
Content-Type: text/xml

<?xml version="1.0"?>
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
	for range 2 {
		res, err := in.IngestMessage(ctx, strings.NewReader(msg), "-")
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("stored %d, present %d\n", res.Stored, res.Present)
	}
	e, err := store.ComputeEvidence(ctx, s, "customer.example", store.EvidenceOptions{
		Now: time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC), Goal: dmarc.PolicyReject})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d days, %d receivers, %d messages, %d passed, stage %s\n", e.Days, e.Receivers, e.Messages, e.Passed, e.Stage)
	for _, m := range e.Missing {
		fmt.Println("missing:", m)
	}
	// Output:
	// stored 1, present 0
	// stored 0, present 1
	// 1 days, 1 receivers, 123 messages, 120 passed, stage none
	// missing: 1 of 14 days of reports
	// missing: reports from 1 of 2 receivers
}
