package feedback_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/feedback"
	"github.com/domainauth/domainauth/mailbox"
	"github.com/domainauth/domainauth/spf"
)

// The bounces below are written for these tests in the shapes the MTAs and
// providers use (RFC 3464 reports as Postfix and Microsoft 365 send them,
// and the plain-text bounces of Postfix, Exim, Gmail, Microsoft 365 and
// Yahoo), with documentation addresses and example domains. The providers'
// enhanced codes are those they document: Gmail's 5.7.26 (DMARC), 5.7.27
// (SPF) and 5.7.30 (DKIM); Microsoft's 5.7.509 (DMARC reject) and 5.7.606
// to 5.7.649 (banned sending IP); RFC 7372's 5.7.20 to 5.7.26.

const original = "From: Jane Doe <jane@customer.example>\r\nTo: someone\r\nSubject: Your invoice\r\nMessage-ID: <1@customer.example>\r\n"

// dsn builds an RFC 3464 report: a text part, the delivery-status part with
// one block per recipient, and the original headers.
func dsn(reporter string, rcpts ...[4]string) string {
	var ds strings.Builder
	fmt.Fprintf(&ds, "Reporting-MTA: dns; %s\r\nArrival-Date: Mon, 23 Nov 2026 09:00:00 +0000\r\n", reporter)
	for _, r := range rcpts { // address, action, status, diagnostic
		fmt.Fprintf(&ds, "\r\nFinal-Recipient: rfc822; %s\r\nAction: %s\r\nStatus: %s\r\nRemote-MTA: dns; mx.recipient.example\r\nDiagnostic-Code: smtp; %s\r\n", r[0], r[1], r[2], r[3])
	}
	return "From: MAILER-DAEMON@" + reporter + "\r\nTo: jane@customer.example\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
		"--B\r\nContent-Type: text/plain\r\n\r\nThis is the mail system at host " + reporter + ".\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n\r\n" +
		"--B\r\nContent-Type: message/delivery-status\r\n\r\n" + ds.String() + "\r\n" +
		"--B\r\nContent-Type: text/rfc822-headers\r\n\r\n" + original + "\r\n--B--\r\n"
}

// text builds a bounce without a delivery-status part.
func text(subject, body string) string {
	return "From: Mail Delivery Subsystem <mailer-daemon@mx.example.net>\r\nTo: jane@customer.example\r\nSubject: " + subject +
		"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n\r\n------ This is a copy of the message's headers. ------\r\n\r\n" + original
}

func postfixText(rcpt, host, diag string) string {
	return text("Undelivered Mail Returned to Sender", "This is the mail system at host smtp1.vendor.example.\r\n\r\n"+
		"I'm sorry to have to inform you that your message could not\r\nbe delivered to one or more recipients.\r\n\r\n"+
		"                   The mail system\r\n\r\n<"+rcpt+">: host "+host+"[192.0.2.80] said: "+diag+" (in reply to end of DATA command)")
}

func eximText(rcpt, diag string) string {
	return text("Mail delivery failed: returning message to sender", "This message was created automatically by mail delivery software.\r\n\r\n"+
		"A message that you sent could not be delivered to one or more of its\r\nrecipients. This is a permanent error. The following address(es) failed:\r\n\r\n  "+
		rcpt+"\r\n    host mx.recipient.example [192.0.2.81]\r\n    SMTP error from remote mail server after end of data:\r\n    "+diag)
}

func gmailText(rcpt, diag string) string {
	return text("Delivery Status Notification (Failure)", "** Address not found **\r\n\r\nYour message wasn't delivered to "+rcpt+
		" because of a problem.\r\n\r\nThe response from the remote server was:\r\n"+diag)
}

func m365Text(rcpt, diag string) string {
	return text("Undeliverable: Your invoice", "Your message to "+rcpt+" couldn't be delivered.\r\n\r\nDiagnostic information for administrators:\r\n\r\n"+
		"Generating server: mx.recipient.example\r\n\r\n"+rcpt+"\r\nRemote server returned '"+diag+"'")
}

func yahooText(rcpt, diag string) string {
	return text("Failure Notice", "Sorry, we were unable to deliver your message to the following address.\r\n\r\n<"+rcpt+">:\r\n"+
		"Remote host said: "+diag+" [RCPT_TO]")
}

func TestParseBounce(t *testing.T) {
	type want struct {
		rcpt, status string
		class        feedback.Class
		mech         feedback.Mechanism
		list, quote  string
	}
	tests := []struct {
		name string
		msg  string
		want want
	}{
		{"DSN: Gmail DMARC (5.7.26)", dsn("smtp1.vendor.example", [4]string{"anna@gmail.example", "failed", "5.7.26", "550-5.7.26 Unauthenticated email from customer.example is not accepted due to domain's DMARC policy."}),
			want{"anna@gmail.example", "5.7.26", feedback.ClassAuthentication, feedback.MechDMARC, "", "not accepted due to domain's DMARC policy"}},
		{"DSN: Gmail SPF (5.7.27)", dsn("smtp1.vendor.example", [4]string{"ben@gmail.example", "failed", "5.7.27", "550-5.7.27 The sender's domain did not pass SPF authentication for this message."}),
			want{"ben@gmail.example", "5.7.27", feedback.ClassAuthentication, feedback.MechSPF, "", "did not pass SPF"}},
		{"DSN: Gmail DKIM (5.7.30)", dsn("smtp1.vendor.example", [4]string{"cleo@gmail.example", "failed", "5.7.30", "550-5.7.30 This message did not pass DKIM authentication."}),
			want{"cleo@gmail.example", "5.7.30", feedback.ClassAuthentication, feedback.MechDKIM, "", "did not pass DKIM"}},
		{"DSN: Microsoft 365 DMARC reject (5.7.509)", dsn("smtp1.vendor.example", [4]string{"dan@outlook.example", "failed", "5.7.509", "550 5.7.509 Access denied, sending domain customer.example does not pass DMARC verification and has a DMARC policy of reject."}),
			want{"dan@outlook.example", "5.7.509", feedback.ClassAuthentication, feedback.MechDMARC, "", "does not pass DMARC verification"}},
		{"DSN: SPF validation failed (RFC 7372)", dsn("smtp1.vendor.example", [4]string{"eve@corp.example", "failed", "5.7.23", "550 5.7.23 SPF validation failed for 5.255.64.53"}),
			want{"eve@corp.example", "5.7.23", feedback.ClassAuthentication, feedback.MechSPF, "", "SPF validation failed"}},
		{"DSN: no passing DKIM signature (RFC 7372)", dsn("smtp1.vendor.example", [4]string{"fay@corp.example", "failed", "5.7.20", "550 5.7.20 No passing DKIM signature found"}),
			want{"fay@corp.example", "5.7.20", feedback.ClassAuthentication, feedback.MechDKIM, "", "No passing DKIM signature"}},
		{"DSN: Spamhaus listing", dsn("smtp1.vendor.example", [4]string{"gus@isp.example", "failed", "5.7.1", "554 5.7.1 Service unavailable; Client host [5.255.64.53] blocked using zen.spamhaus.org"}),
			want{"gus@isp.example", "5.7.1", feedback.ClassReputation, "", "Spamhaus ZEN (zen.spamhaus.org)", "blocked using zen.spamhaus.org"}},
		{"DSN: Microsoft banned sending IP (5.7.606)", dsn("smtp1.vendor.example", [4]string{"hal@outlook.example", "failed", "5.7.606", "550 5.7.606 Access denied, banned sending IP [5.255.64.53]. To request removal from this list please visit https://sender.office.com/ and follow the directions."}),
			want{"hal@outlook.example", "5.7.606", feedback.ClassReputation, "", "Microsoft 365's banned sending IP list", "banned sending IP"}},
		{"DSN: user unknown (5.1.1)", dsn("smtp1.vendor.example", [4]string{"ivy@corp.example", "failed", "5.1.1", "550 5.1.1 <ivy@corp.example>: Recipient address rejected: User unknown in virtual mailbox table"}),
			want{"ivy@corp.example", "5.1.1", feedback.ClassMailbox, "", "", "User unknown"}},
		{"DSN: Microsoft recipient not found (5.1.10)", dsn("smtp1.vendor.example", [4]string{"jon@outlook.example", "failed", "5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"}),
			want{"jon@outlook.example", "5.1.10", feedback.ClassMailbox, "", "", "Recipient not found"}},
		{"DSN: mailbox full (5.2.2)", dsn("smtp1.vendor.example", [4]string{"kim@isp.example", "failed", "5.2.2", "552 5.2.2 Mailbox full"}),
			want{"kim@isp.example", "5.2.2", feedback.ClassMailbox, "", "", "Mailbox full"}},
		{"DSN: greylisted, delayed (4.7.1)", dsn("smtp1.vendor.example", [4]string{"lou@small.example", "delayed", "4.7.1", "450 4.7.1 Greylisted, please try again later"}),
			want{"lou@small.example", "4.7.1", feedback.ClassTemporary, "", "", "Greylisted"}},
		{"DSN: refused as spam (5.7.1)", dsn("smtp1.vendor.example", [4]string{"max@corp.example", "failed", "5.7.1", "550 5.7.1 Message rejected as spam by content filter"}),
			want{"max@corp.example", "5.7.1", feedback.ClassPolicy, "", "", "rejected as spam"}},
		{"DSN: reverse DNS not validated (RFC 7372 5.7.25)", dsn("smtp1.vendor.example", [4]string{"ned@corp.example", "failed", "5.7.25", "550 5.7.25 The sending IP has no valid reverse DNS"}),
			want{"ned@corp.example", "5.7.25", feedback.ClassPolicy, "", "", "no valid reverse DNS"}},
		{"DSN: one delivered, one failed", dsn("smtp1.vendor.example", [4]string{"ok@corp.example", "delivered", "2.0.0", "250 2.0.0 OK"}, [4]string{"oli@corp.example", "failed", "5.1.1", "550 5.1.1 No such user"}),
			want{"oli@corp.example", "5.1.1", feedback.ClassMailbox, "", "", "No such user"}},
		{"DSN: unknown domain (5.1.2)", dsn("smtp1.vendor.example", [4]string{"pat@nowhere.example", "failed", "5.1.2", "550 5.1.2 Host or domain name not found"}),
			want{"pat@nowhere.example", "5.1.2", feedback.ClassMailbox, "", "", "domain name not found"}},
		{"Postfix text: Gmail DMARC, continued reply", postfixText("quin@gmail.example", "gmail-smtp-in.l.google.example", "550-5.7.26 Unauthenticated email from customer.example is not accepted\r\n    550-5.7.26 due to domain's DMARC policy. Please contact the administrator of\r\n    550 5.7.26 customer.example domain."),
			want{"quin@gmail.example", "5.7.26", feedback.ClassAuthentication, feedback.MechDMARC, "", "due to domain's DMARC policy"}},
		{"Postfix text: user unknown", postfixText("rae@corp.example", "mx.corp.example", "550 5.1.1 <rae@corp.example>: Recipient address rejected: User unknown"),
			want{"rae@corp.example", "5.1.1", feedback.ClassMailbox, "", "", "User unknown"}},
		{"Exim text: SPF fail", eximText("sam@corp.example", "550 5.7.1 Rejected: SPF check failed for customer.example from 5.255.64.53"),
			want{"sam@corp.example", "5.7.1", feedback.ClassAuthentication, feedback.MechSPF, "", "SPF check failed"}},
		{"Exim text: Barracuda", eximText("tia@corp.example", "554 5.7.1 Service unavailable; Client host [5.255.64.53] blocked using Barracuda Reputation; https://www.barracudacentral.example/q"),
			want{"tia@corp.example", "5.7.1", feedback.ClassReputation, "", "Barracuda Reputation Block List", "blocked using Barracuda Reputation"}},
		{"Gmail text: over quota", gmailText("uma@gmail.example", "552 5.2.2 The email account that you tried to reach is over quota."),
			want{"uma@gmail.example", "5.2.2", feedback.ClassMailbox, "", "", "over quota"}},
		{"Microsoft 365 text: DMARC reject", m365Text("vic@outlook.example", "550 5.7.509 Access denied, sending domain customer.example does not pass DMARC verification and has a DMARC policy of reject."),
			want{"vic@outlook.example", "5.7.509", feedback.ClassAuthentication, feedback.MechDMARC, "", "DMARC policy of reject"}},
		{"Yahoo text: Spamhaus", yahooText("wes@yahoo.example", "553 5.7.1 [BL21] Connections will not be accepted from 5.255.64.53, because the ip is in Spamhaus's list"),
			want{"wes@yahoo.example", "5.7.1", feedback.ClassReputation, "", "Spamhaus", "in Spamhaus's list"}},
		{"Yahoo text: policy (5.7.9)", yahooText("xan@yahoo.example", "554 5.7.9 Message not accepted for policy reasons. See the postmaster pages."),
			want{"xan@yahoo.example", "5.7.9", feedback.ClassPolicy, "", "", "not accepted for policy reasons"}},
		{"Postfix text: temporary (4.7.0)", postfixText("yan@corp.example", "mx.corp.example", "421 4.7.0 Try again later, closing connection."),
			want{"yan@corp.example", "4.7.0", feedback.ClassTemporary, "", "", "Try again later"}},
	}
	if len(tests) < 25 {
		t.Fatalf("%d bounces; the corpus holds 25", len(tests))
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := feedback.ParseBounce(strings.NewReader(tc.msg))
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Recipients) != 1 {
				t.Fatalf("%d recipients: %+v", len(b.Recipients), b.Recipients)
			}
			r := b.Recipients[0]
			w := tc.want
			if r.Address != w.rcpt || r.Status != w.status || r.Class != w.class || r.Mechanism != w.mech || r.List.String() != w.list || !strings.Contains(r.Diagnostic, w.quote) {
				t.Errorf("got %+v\nwant %+v", r, w)
			}
			if r.StatusText == "" {
				t.Errorf("no words for status %s", r.Status)
			}
			// The fix: for an authentication failure, the DNS check and
			// plan of the sender's domain; for the rest, what to do.
			if r.Class == feedback.ClassAuthentication {
				fix, err := feedback.Diagnose(context.Background(), fixZone, r.Mechanism, "customer.example", netip.MustParseAddr("5.255.64.53"),
					spf.Authorize{Domain: "customer.example", Term: "include:spf.vendor.example"})
				if err != nil || len(fix.Plan.Changes) != 1 || !strings.Contains(fix.Text, strings.ToUpper(string(r.Mechanism))+" failed for 5.255.64.53") {
					t.Errorf("fix: %v %+v", err, fix)
				}
			}
			if want := map[feedback.Class]string{feedback.ClassAuthentication: "DNS changes of its plan", feedback.ClassReputation: "request removal",
				feedback.ClassMailbox: "correct it or remove it", feedback.ClassPolicy: "its own rules", feedback.ClassTemporary: "tries again"}[r.Class]; r.Rule == nil && !strings.Contains(r.Advice, want) || r.Rule != nil && !strings.Contains(r.Advice, r.Rule.Fix) {
				t.Errorf("advice %q lacks %q", r.Advice, want)
			}
		})
	}
	b, _ := feedback.ParseBounce(strings.NewReader(tests[0].msg))
	if b.ReportingMTA != "smtp1.vendor.example" || b.OriginalFrom != "Jane Doe <jane@customer.example>" || b.OriginalSubject != "Your invoice" {
		t.Errorf("report fields: %+v", b)
	}
}

var fixZone = dnstest.MustZone(`
customer.example.   IN TXT "v=spf1 include:spf.protection.outlook.example -all"
spf.protection.outlook.example. IN TXT "v=spf1 ip4:198.51.100.0/24 -all"
spf.vendor.example. IN TXT "v=spf1 ip4:5.255.64.53 -all"
`)

func TestParseBounceRefuses(t *testing.T) {
	if _, err := feedback.ParseBounce(strings.NewReader("From: a@b.example\r\nSubject: hello\r\n\r\nJust a note.\r\n")); !errors.Is(err, feedback.ErrNotBounce) {
		t.Errorf("an ordinary message: err = %v", err)
	}
	big := "From: a@b.example\r\n\r\n" + strings.Repeat("x", mailbox.MaxMessageSize)
	if _, err := feedback.ParseBounce(strings.NewReader(big)); !errors.Is(err, mailbox.ErrTooLarge) {
		t.Errorf("an over-large message: err = %v", err)
	}
	// Deeply nested MIME: read to the bound, no panic, no recursion.
	msg := "From: a@b.example\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n"
	for i := range 2000 {
		msg += fmt.Sprintf("--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n", i, i+1)
	}
	if _, err := feedback.ParseBounce(strings.NewReader(msg)); !errors.Is(err, feedback.ErrNotBounce) {
		t.Errorf("nested MIME: err = %v", err)
	}
}

// FuzzParseBounce: any input gives a bounce with classified recipients or
// an error, never a panic; what it decodes to stays within the documented
// limits, and a status is an RFC 3463 code.
func FuzzParseBounce(f *testing.F) {
	f.Add(dsn("smtp1.vendor.example", [4]string{"a@gmail.example", "failed", "5.7.26", "550 5.7.26 DMARC"}))
	f.Add(dsn("smtp1.vendor.example", [4]string{"a@isp.example", "failed", "5.0.0", "554 5.7.1 Client host [192.0.2.1] blocked using zen.spamhaus.org"}))
	f.Add(postfixText("b@corp.example", "mx.corp.example", "550 5.1.1 User unknown"))
	f.Add(m365Text("c@outlook.example", "550 5.7.509 Access denied"))
	f.Add(gmailText("d@gmail.example", "421-4.7.32 not aligned gsmtp"))
	f.Add(yahooText("e@yahoo.example", "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred"))
	f.Add("<f@corp.example>: host mx said: 552 5.3.4 Message size exceeds fixed limit\n")
	f.Add(postfixText("g@contoso-mail.example", "contoso-mail.mail.protection.outlook.example", "550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To request removal from this list please visit https://sender.office.com/ and follow the directions."))
	f.Add(eximText("h@hotmail.example", "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150)."))
	status := regexp.MustCompile(`^[245]\.[0-7]\.[0-9]{1,3}$`)
	f.Fuzz(func(t *testing.T, msg string) {
		b, err := feedback.ParseBounce(strings.NewReader(msg))
		if err != nil {
			if !errors.Is(err, feedback.ErrNotBounce) && !errors.Is(err, mailbox.ErrTooLarge) {
				t.Fatalf("error %v is neither ErrNotBounce nor ErrTooLarge", err)
			}
			return
		}
		if len(b.Recipients) > feedback.MaxRecipients {
			t.Fatalf("%d recipients", len(b.Recipients))
		}
		for _, r := range b.Recipients {
			if r.Class == "" || r.Address == "" || r.Advice == "" || len(r.Diagnostic) > feedback.MaxDiagnosticLength+3 {
				t.Fatalf("recipient %+v", r)
			}
			if r.Status != "" && !status.MatchString(r.Status) {
				t.Fatalf("status %q is not an RFC 3463 code", r.Status)
			}
		}
	})
}
