package feedback_test

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/feedback"
)

// A message whose sender put a passing Authentication-Results field of its
// own inside it: only the receiver's field, above the receiver's Received
// field, is the verdict.
func ExampleHeaderParser_Parse() {
	msg := "Authentication-Results: mx.receiver.example; spf=fail smtp.mailfrom=customer.example; dmarc=fail header.from=customer.example\r\n" +
		"Received: from unknown (198.18.7.7) by mx.receiver.example; Mon, 23 Nov 2026 09:20:00 +0000\r\n" +
		"Received: from localhost by bulk.sender.example; Mon, 23 Nov 2026 09:19:59 +0000\r\n" +
		"Authentication-Results: mx.receiver.example; dmarc=pass header.from=customer.example\r\n" +
		"From: billing@customer.example\r\n\r\nPay.\r\n"
	h, err := feedback.HeaderParser{TrustedIDs: []string{"mx.receiver.example"}}.Parse(strings.NewReader(msg))
	if err != nil {
		panic(err)
	}
	for _, r := range h.Reasons {
		fmt.Printf("%s: %s\n", r.Trust, r.Text)
	}
	fmt.Println(len(h.Failures()), "failures in the verdict")
	// Output:
	// receiver: SPF gave fail for customer.example
	// receiver: DMARC gave fail for customer.example
	// untrusted: DMARC passed for customer.example
	// 2 failures in the verdict
}

// A bounce whose delivery-status part says only 5.0.0, while the
// receiver's words name the list and the address.
func ExampleParseBounce() {
	msg := "From: MAILER-DAEMON@smtp1.vendor.example\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; smtp1.vendor.example\r\n\r\n" +
		"Final-Recipient: rfc822; olga@isp.example\r\nAction: failed\r\nStatus: 5.0.0\r\n" +
		"Diagnostic-Code: smtp; 554 5.7.1 Client host [5.255.64.53] blocked using zen.spamhaus.org\r\n\r\n--B--\r\n"
	b, err := feedback.ParseBounce(strings.NewReader(msg))
	if err != nil {
		panic(err)
	}
	r := b.Recipients[0]
	fmt.Println(r.Status, "instead of", r.ReportedStatus, "-", r.Class)
	fmt.Println(r.List, r.List.Address, r.List.LookupURL)
	// Output:
	// 5.7.1 instead of 5.0.0 - reputation
	// Spamhaus ZEN (zen.spamhaus.org) 5.255.64.53 https://check.spamhaus.org/
}

// A provider's own code: Gmail's 4.7.32 defers mail whose From domain is
// not aligned, and names its rule.
func ExampleProviderRule() {
	msg := "From: mailer-daemon@googlemail.example\r\nSubject: Delivery Status Notification (Delay)\r\n\r\n" +
		"<anna@gmail.example>: host gmail-smtp-in.l.google.example said:\r\n" +
		"421-4.7.32 Your email has been rate limited because the From: header isn't aligned. gsmtp\r\n"
	b, err := feedback.ParseBounce(strings.NewReader(msg))
	if err != nil {
		panic(err)
	}
	r := b.Recipients[0]
	fmt.Println(r.Status, r.Class, r.Mechanism, r.Rule.Provider)
	fmt.Println(r.Rule.Rule)
	// Output:
	// 4.7.32 temporary dmarc Gmail
	// the From domain must be aligned with the domain SPF or DKIM authenticated
}
