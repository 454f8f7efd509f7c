package feedback_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/feedback"
)

// A delivered message as the receiver mx.receiver.example stored it: its
// arrival Received field on top, the vendor's own hop below, then the
// message's fields.
var deliveredBlock = []string{
	"Received: from smtp1.vendor.example (smtp1.vendor.example [5.255.64.53])\r\n\tby mx.receiver.example (Postfix) with ESMTPS id 4QkT2m1xyz;\r\n\tMon, 23 Nov 2026 09:50:00 +0000\r\n",
	"Received: from app.vendor.example (app.vendor.example [10.0.0.5])\r\n\tby smtp1.vendor.example with ESMTP; Mon, 23 Nov 2026 09:49:59 +0000\r\n",
	"DKIM-Signature: v=1; a=rsa-sha256; d=vendor.example; s=s1; h=from:subject; bh=AAAA; b=AAAA\r\n",
	"Message-ID: <4712.1700732998@app.vendor.example>\r\n",
	"Date: Mon, 23 Nov 2026 09:49:58 +0000\r\n",
	"From: Billing <billing@customer.example>\r\n",
	"To: buyer@receiver.example\r\n",
	"Subject: Invoice 4712\r\n",
}

// The sender's forgery: every result passes, under a host's name that
// readers trust.
const forgedAR = "Authentication-Results: mx.google.example; spf=pass smtp.mailfrom=customer.example;\r\n\tdkim=pass header.d=customer.example; dmarc=pass header.from=customer.example\r\n"

// A forged Authentication-Results field at each position of a header
// block (RFC 8601, Section 5): only a field above the receiver's own
// Received field can be the receiver's; one the sender wrote below it,
// directly below included, never is.
func TestForgedAuthResultsEveryPosition(t *testing.T) {
	for _, tc := range []struct {
		name     string
		receiver string   // the receiver's own result, "" for none
		at       int      // where the receiver's result goes
		trusted  []string // HeaderParser.TrustedIDs
		forged   string   // the forged field
		// aboveOK: a forged field above every Received field passes for
		// the receiver's (only the receiver could have put it there) when
		// nothing names another host as the receiver.
		aboveOK  bool
		failures string // the verdict's failed mechanisms when the forged field is below
		// gapAt: a position below the receiver's Received field where the
		// forged field still counts (-1 for none), see the case.
		gapAt int
	}{
		{name: "receiver adds nothing", forged: forgedAR, aboveOK: true, gapAt: -1},
		{name: "receiver's result on top", receiver: "Authentication-Results: mx.receiver.example; spf=fail smtp.mailfrom=customer.example; dkim=none; dmarc=fail header.from=customer.example\r\n",
			forged: forgedAR, failures: "dkim,dmarc,spf", gapAt: -1},
		// A milter's result sits just below the receiver's Received field.
		{name: "receiver's result below its Received", receiver: "Authentication-Results: mx.receiver.example; spf=fail smtp.mailfrom=customer.example; dkim=none; dmarc=fail header.from=customer.example\r\n",
			at: 1, forged: forgedAR, failures: "dkim,dmarc,spf", gapAt: -1},
		{name: "caller names its host, receiver adds nothing", trusted: []string{"mx.receiver.example"}, forged: forgedAR, gapAt: -1},
		{name: "caller names the forged host", trusted: []string{"mx.google.example"}, forged: forgedAR, aboveOK: true, gapAt: -1},
		// The forgery under the receiver's own name, directly below its
		// Received field with no Received field between, looks exactly like
		// a milter's result: only the receiver deleting fields of its own
		// authserv-id from incoming mail (RFC 8601, Section 5) tells them
		// apart. Further down it is refused.
		{name: "forged under the receiver's own name", forged: strings.Replace(forgedAR, "mx.google.example", "mx.receiver.example", 1), aboveOK: true, gapAt: 1},
	} {
		base := append([]string(nil), deliveredBlock...)
		if tc.receiver != "" {
			base = append(base[:tc.at], append([]string{tc.receiver}, base[tc.at:]...)...)
		}
		for pos := 0; pos <= len(base); pos++ {
			block := append(append(append([]string(nil), base[:pos]...), tc.forged), base[pos:]...)
			h, err := feedback.HeaderParser{TrustedIDs: tc.trusted}.Parse(strings.NewReader(strings.Join(block, "") + "\r\nPay.\r\n"))
			if err != nil {
				t.Fatal(err)
			}
			firstReceived := 0
			if tc.receiver != "" && tc.at == 0 {
				firstReceived = 1
			}
			above := pos <= firstReceived
			wantTrusted := above && tc.aboveOK || pos == firstReceived+tc.gapAt && tc.gapAt > 0
			forgedTrust := feedback.Trust("")
			for _, r := range h.Reasons {
				if r.Mechanism == feedback.MechDMARC && r.Result == "pass" {
					forgedTrust = r.Trust
				}
			}
			var fails []string
			for _, r := range h.Failures() {
				fails = append(fails, string(r.Mechanism))
			}
			sort.Strings(fails)
			switch {
			case wantTrusted && forgedTrust != feedback.TrustReceiver:
				t.Errorf("%s, forged field at %d: %s, want the receiver's\n%s", tc.name, pos, forgedTrust, reasons(h))
			case !wantTrusted && forgedTrust != feedback.TrustUntrusted:
				t.Errorf("%s, forged field at %d: %s, want untrusted\n%s", tc.name, pos, forgedTrust, reasons(h))
			case !wantTrusted && tc.trusted == nil && tc.receiver == "" && len(h.TrustedIDs) > 0:
				t.Errorf("%s, forged field at %d: the receiver is named %v", tc.name, pos, h.TrustedIDs)
			case !wantTrusted && strings.Join(fails, ",") != tc.failures:
				t.Errorf("%s, forged field at %d: failures %v, want %s", tc.name, pos, fails, tc.failures)
			}
		}
	}
}
