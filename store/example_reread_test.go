package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/domainauth/domainauth/store"
)

// An older program kept a report it could not read; once the program is
// upgraded, reading again stores it with its rows, and a report still
// unreadable stays listed with its reason.
func ExampleIngester_Reread() {
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
</feedback>
`
	// What the older program kept: the bytes, without rows.
	for _, raw := range []string{report, "<feedback><report_metadata>"} {
		if _, err := s.AddReport(ctx, &store.Received{Raw: []byte(raw), Status: store.StatusUnreadable, Reason: "not read"}); err != nil {
			fmt.Println(err)
			return
		}
	}
	res, err := (&store.Ingester{Store: s}).Reread(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("read again %d: %d stored, %d still unreadable\n", res.Items, res.Stored, len(res.Unreadable))
	for _, u := range res.Unreadable {
		fmt.Printf("report %d: %s\n", u.Report, u.Reason)
	}
	// Output:
	// read again 2: 1 stored, 1 still unreadable
	// report 2: feedback: not an aggregate report: XML syntax error on line 1: unexpected EOF
}
