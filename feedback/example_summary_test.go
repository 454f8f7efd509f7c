package feedback_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/feedback"
)

// A report with the vendor's aligned mail and a spoofer that passes SPF
// and DKIM for its own unrelated domain: the spoofer is reported apart, and
// tightening stays safe.
func ExampleSummarize() {
	report := `<feedback><report_metadata><org_name>mailbox.example</org_name><report_id>1</report_id></report_metadata>
<policy_published><domain>customer.example</domain><p>none</p></policy_published>
<record><row><source_ip>5.255.64.53</source_ip><count>200</count><policy_evaluated><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row>
<identifiers><header_from>customer.example</header_from></identifiers>
<auth_results><dkim><domain>customer.example</domain><result>pass</result></dkim></auth_results></record>
<record><row><source_ip>203.0.113.200</source_ip><count>900</count><policy_evaluated><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>
<identifiers><header_from>customer.example</header_from></identifiers>
<auth_results><dkim><domain>cheap-pills.example</domain><result>pass</result></dkim></auth_results></record></feedback>`
	rep, err := feedback.ParseAggregateReport(strings.NewReader(report))
	if err != nil {
		panic(err)
	}
	zone := dnstest.MustZone(`spf.vendor.example. IN TXT "v=spf1 ip4:5.255.64.53 -all"`)
	sum, err := feedback.Summarize(context.Background(), zone, "customer.example", "include:spf.vendor.example", rep)
	if err != nil {
		panic(err)
	}
	for _, s := range sum.Sources {
		fmt.Println(s.IP, s.Kind, s.Passed, "of", s.Messages)
	}
	fmt.Println("safe to tighten:", sum.SafeToTighten, "- unaligned:", sum.Unaligned[0].Why)
	// Output:
	// 203.0.113.200 unaligned 0 of 900
	// 5.255.64.53 vendor 200 of 200
	// safe to tighten: true - unaligned: DKIM passes for cheap-pills.example, which is not aligned with customer.example
}
