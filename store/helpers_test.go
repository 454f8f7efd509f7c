package store

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/feedback"
)

// row is one record of a test report.
type row struct {
	ip        string
	count     int
	dkim, spf bool   // aligned (policy_evaluated)
	disp      string // "" is none
	reason    string // an override reason type, with comment after a space
	dkimRaw   string // raw DKIM: "domain=result"
	spfRaw    string
}

// reportXML renders an aggregate report as a receiver sends it.
func reportXML(org, id, domain string, day time.Time, rows ...row) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<feedback>
  <report_metadata><org_name>%s</org_name><email>noreply@%s</email><report_id>%s</report_id>
    <date_range><begin>%d</begin><end>%d</end></date_range></report_metadata>
  <policy_published><domain>%s</domain><p>none</p></policy_published>
`, org, strings.ToLower(org), id, day.Unix(), day.Add(24*time.Hour-time.Second).Unix(), domain)
	for _, r := range rows {
		pf := func(ok bool) string {
			if ok {
				return "pass"
			}
			return "fail"
		}
		disp := r.disp
		if disp == "" {
			disp = "none"
		}
		reason := ""
		if r.reason != "" {
			typ, comment, _ := strings.Cut(r.reason, " ")
			reason = fmt.Sprintf("<reason><type>%s</type><comment>%s</comment></reason>", typ, comment)
		}
		auth := ""
		if d, res, ok := strings.Cut(r.dkimRaw, "="); ok {
			auth += fmt.Sprintf("<dkim><domain>%s</domain><selector>s1</selector><result>%s</result></dkim>", d, res)
		}
		if d, res, ok := strings.Cut(r.spfRaw, "="); ok {
			auth += fmt.Sprintf("<spf><domain>%s</domain><result>%s</result></spf>", d, res)
		}
		fmt.Fprintf(&b, `  <record><row><source_ip>%s</source_ip><count>%d</count><policy_evaluated><disposition>%s</disposition><dkim>%s</dkim><spf>%s</spf>%s</policy_evaluated></row>
    <identifiers><header_from>%s</header_from></identifiers><auth_results>%s</auth_results></record>
`, r.ip, r.count, disp, pf(r.dkim), pf(r.spf), reason, domain, auth)
	}
	b.WriteString("</feedback>\n")
	return b.String()
}

// received parses a test report into what AddReport takes.
func received(t testing.TB, xml string) *Received {
	t.Helper()
	rep, err := feedback.ParseAggregateReport(strings.NewReader(xml))
	if err != nil {
		t.Fatal(err)
	}
	return &Received{Raw: []byte(xml), Report: rep, Source: "test"}
}

var day0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
