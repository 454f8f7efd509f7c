package feedback_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/feedback"
)

// Mail that failed DMARC and was delivered only because the receiver
// overrode the policy (a mailing list, a forwarder, its own rules, an ARC
// chain that passed) is mail a stricter policy loses: its source is hurt,
// and tightening is not safe. Sampling says nothing of the mail.
func TestSummarizeOverride(t *testing.T) {
	base, err := feedback.ParseAggregateReport(bytes.NewReader(readReport(t, "forwarded-override.xml")))
	if err != nil {
		t.Fatal(err)
	}
	if r := base.Rows[1].Reasons; len(r) != 1 || r[0].Type != feedback.OverrideLocalPolicy || !strings.HasPrefix(r[0].Comment, "arc=pass") {
		t.Fatalf("reasons %+v", r)
	}
	zone := dnstest.MustZone(reportZone)
	const reasonOf = "<reason><type>local_policy</type><comment>arc=pass as.1.lists.forwarder.example=pass ams.1.lists.forwarder.example=pass</comment></reason>"
	for _, tc := range []struct {
		reason string // replaces the list's reason
		hurt   bool
		why    string
	}{
		{reasonOf, true, "198.51.100.25: 37 of 37 messages fail, DKIM passes for lists.forwarder.example, which is not aligned with customer.example; 37 of its messages failed DMARC and were delivered only because the receiver overrode the policy (local_policy (arc=pass"},
		{"<reason><type>forwarded</type></reason>", true, "overrode the policy (forwarded)"},
		{"<reason><type>mailing_list</type><comment>list</comment></reason>", true, "overrode the policy (mailing_list (list))"},
		{"<reason><type>trusted_forwarder</type></reason>", true, "overrode the policy (trusted_forwarder)"},
		{"<reason><type>other</type><comment>ARC=pass</comment></reason>", true, "overrode the policy (other (ARC=pass))"},
		{"<reason><type>local_policy</type></reason>", true, "overrode the policy (local_policy)"},
		{"<reason><type>sampled_out</type></reason>", false, ""},
		{"<reason><type>policy_test_mode</type></reason>", false, ""},
		{"", false, ""},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			data := strings.Replace(string(readReport(t, "forwarded-override.xml")), reasonOf, tc.reason, 1)
			rep, err := feedback.ParseAggregateReport(strings.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			sum, err := feedback.Summarize(context.Background(), zone, "customer.example", "include:spf.vendor.example", rep)
			if err != nil {
				t.Fatal(err)
			}
			hurt := len(sum.Hurt) == 1 && sum.Hurt[0].IP.String() == "198.51.100.25" && sum.Hurt[0].Overridden == 37
			if hurt != tc.hurt || len(sum.Hurt) > 1 || sum.SafeToTighten == tc.hurt || !strings.Contains(sum.NotSafeBecause, tc.why) {
				t.Errorf("hurt %+v, safe %v, because %q", sum.Hurt, sum.SafeToTighten, sum.NotSafeBecause)
			}
			for _, u := range sum.Unaligned {
				if u.Legitimate {
					t.Errorf("a hurt source among the unaligned: %+v", u)
				}
			}
		})
	}
}

// Records past MaxReportRows are counted, not kept: their failing mail
// makes tightening unsafe, as it cannot be judged by source.
func TestSummarizeOverflow(t *testing.T) {
	var b strings.Builder
	b.WriteString(reportHead)
	distinct(&b, feedback.MaxReportRows+2)
	b.WriteString(strings.Replace(strings.Replace(recordXML, "<dkim>pass</dkim><spf>fail</spf>", "<dkim>fail</dkim><spf>fail</spf>", 1), "198.51.100.7", "192.0.2.99", 1))
	b.WriteString("</feedback>")
	rep, err := feedback.ParseAggregateReport(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != feedback.MaxReportRows || rep.Overflow != (feedback.ReportOverflow{Records: 3, Messages: 9, Failed: 3}) {
		t.Fatalf("%d rows, overflow %+v", len(rep.Rows), rep.Overflow)
	}
	sum, err := feedback.Summarize(context.Background(), dnstest.MustZone(reportZone), "customer.example", "", rep)
	if err != nil {
		t.Fatal(err)
	}
	want := (feedback.MaxReportRows + 3) * 3
	if sum.SafeToTighten || sum.Messages != want || sum.Passed != want-3 || !strings.Contains(sum.NotSafeBecause, "3 messages that failed DMARC are in 3 records past the 50000 rows") {
		t.Errorf("safe %v, %d messages, %d passed, because %q", sum.SafeToTighten, sum.Messages, sum.Passed, sum.NotSafeBecause)
	}
}

// Records alike (address, outcome, identifiers, results, reasons) are
// summed into one row as they are read; a record that differs in any of
// them is a row of its own.
func TestAggregateRowsSummed(t *testing.T) {
	other := strings.Replace(recordXML, "<selector>default</selector>", "<selector>s2</selector>", 1)
	big := strings.Replace(recordXML, "<count>3</count>", "<count>9223372036854775800</count>", 1)
	rep, err := feedback.ParseAggregateReport(strings.NewReader(reportHead + recordXML + other + recordXML + big + big + "</feedback>"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 2 || rep.Rows[0].Count != 1<<63-1 || rep.Rows[1].Count != 3 || rep.Rows[1].DKIM[0].Selector != "s2" {
		t.Errorf("rows %+v", rep.Rows)
	}
}
