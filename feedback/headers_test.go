package feedback_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/feedback"
	"github.com/domainauth/domainauth/mailbox"
	"github.com/domainauth/domainauth/spf"
)

// Header sets written for the tests in the forms Gmail, Microsoft 365,
// SpamAssassin and rspamd add them (RFC 8601 for Authentication-Results,
// RFC 7208, Section 9.1 for Received-SPF).
func TestParseHeaders(t *testing.T) {
	const from = "From: Jane <jane@customer.example>\r\nSubject: Invoice\r\n"
	for _, tc := range []struct {
		name     string
		headers  string
		failures []string // failed mechanisms, sorted
		ip       string
		spam     bool
		text     string // a reason's words
	}{
		{"Gmail: SPF fail, no DKIM, DMARC fail",
			"Authentication-Results: mx.google.example;\r\n spf=fail (google.example: domain of jane@customer.example does not designate 5.255.64.53 as permitted sender) smtp.mailfrom=jane@customer.example;\r\n dmarc=fail (p=QUARANTINE sp=QUARANTINE dis=QUARANTINE) header.from=customer.example\r\n",
			[]string{"dmarc", "spf"}, "5.255.64.53", false, "SPF gave fail for customer.example"},
		{"Microsoft 365: spoof verdict",
			"Authentication-Results: spf=fail (sender IP is 5.255.64.53) smtp.mailfrom=customer.example; dkim=none (message not signed) header.d=none; dmarc=fail action=quarantine header.from=customer.example;\r\nX-Forefront-Antispam-Report: CIP:5.255.64.53;CTRY:CH;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:smtp1.vendor.example;CAT:SPOOF;SFS:;DIR:INB;\r\n",
			[]string{"dkim", "dmarc", "spf"}, "5.255.64.53", true, "judged the sender spoofed"},
		{"all pass",
			"Authentication-Results: mx.example; spf=pass smtp.mailfrom=customer.example; dkim=pass header.d=customer.example; dmarc=pass header.from=customer.example\r\n",
			nil, "", false, "DKIM passed for customer.example"},
		{"ARC results",
			"ARC-Authentication-Results: i=1; mx.forwarder.example; spf=fail smtp.mailfrom=customer.example; dkim=pass header.d=customer.example; dmarc=pass header.from=customer.example\r\n",
			nil, "", false, "DMARC passed"},
		{"Received-SPF softfail",
			"Received-SPF: softfail (mx.example: domain of transitioning info@customer.example does not designate 5.255.64.53 as permitted sender) client-ip=5.255.64.53; envelope-from=info@customer.example; helo=smtp1.vendor.example;\r\n",
			[]string{"spf"}, "5.255.64.53", false, "SPF gave softfail for customer.example"},
		{"SpamAssassin",
			"X-Spam-Status: Yes, score=7.3 required=5.0 tests=BAYES_99,DKIM_INVALID,\r\n RDNS_NONE,SPF_FAIL autolearn=no version=3.4.6\r\nX-Spam-Report:\r\n *  3.5 BAYES_99 BODY: Bayes spam probability is 99 to 100%\r\n *  0.1 DKIM_INVALID DKIM or DK signature exists, but is not valid\r\n *  0.8 RDNS_NONE Delivered to internal network by a host with no rDNS\r\n *  2.9 SPF_FAIL SPF: sender does not match SPF record (fail)\r\n",
			[]string{"dkim", "spf"}, "", true, "no reverse DNS"},
		{"rspamd",
			"X-Spamd-Result: default: True [16.50 / 15.00];\r\n R_SPF_FAIL(1.00)[-all]; R_DKIM_REJECT(1.00)[customer.example:s=default];\r\n DMARC_POLICY_REJECT(2.00)[customer.example : No valid SPF, No valid DKIM,reject]; MIME_GOOD(-0.10)[text/plain]\r\n",
			[]string{"dkim", "dmarc", "spf"}, "", true, "DMARC failed: customer.example : No valid SPF"},
		{"DKIM signature fails",
			"Authentication-Results: mx.example; dkim=fail reason=\"signature verification failed\" header.d=customer.example header.s=default; spf=pass smtp.mailfrom=customer.example; dmarc=pass header.from=customer.example\r\n",
			[]string{"dkim"}, "", false, "DKIM gave fail for customer.example"},
		{"DMARC passes through DKIM, SPF softfails",
			"Authentication-Results: mx.example; spf=softfail smtp.mailfrom=bounce.vendor.example; dkim=pass header.d=customer.example; dmarc=pass header.from=customer.example\r\n",
			[]string{"spf"}, "", false, "DMARC passed for customer.example"},
		{"no authentication fields", "X-Mailer: something\r\n", nil, "", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := feedback.ParseHeaders(strings.NewReader(from + tc.headers + "\r\nbody\r\n"))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range h.Failures() {
				got = append(got, string(f.Mechanism))
			}
			sort.Strings(got)
			got = dedupe(got)
			ip := ""
			if h.IP.IsValid() {
				ip = h.IP.String()
			}
			found := tc.text == ""
			for _, r := range h.Reasons {
				found = found || strings.Contains(r.Text, tc.text)
			}
			if strings.Join(got, ",") != strings.Join(tc.failures, ",") || ip != tc.ip || h.Spam != tc.spam || !found || h.From != "customer.example" {
				t.Errorf("failures %v, ip %q, spam %v, from %q; reasons %+v", got, ip, h.Spam, h.From, h.Reasons)
			}
		})
	}
}

// The header sets in testdata/headers are written for these tests in the
// forms receivers add (RFC 8601, RFC 8617, and the filters' own fields).
// Each names the receiver's verdict (the failures), and results that are
// not the verdict with whose they are.
func TestParseHeadersTrust(t *testing.T) {
	type other struct {
		mech   feedback.Mechanism
		result string
		trust  feedback.Trust
		id     string
	}
	for _, tc := range []struct {
		file     string
		trusted  []string // HeaderParser.TrustedIDs
		failures []string // the verdict's failed mechanisms, sorted
		ids      string   // Headers.TrustedIDs, joined
		others   []other  // reasons that must be there
		from     string
		spam     bool
	}{
		{"opendkim-semicolon.eml", nil, []string{"dkim", "dmarc"}, "mx1.receiver.example",
			[]other{{feedback.MechDKIM, "fail", feedback.TrustReceiver, "mx1.receiver.example"}}, "customer.example", false},
		{"amavis-comment-after-id.eml", nil, []string{"dkim", "dkim", "spf", "spf"}, "mail.receiver.example",
			[]other{{"", "RDNS_NONE", feedback.TrustReceiver, ""}, {"", "BAYES_99", feedback.TrustReceiver, ""}}, "customer.example", true},
		{"arc-beside-receiver.eml", nil, []string{"dkim", "dmarc", "spf"}, "mx.receiver.example",
			[]other{{feedback.MechDMARC, "pass", feedback.TrustEarlierHop, "lists.forwarder.example"}, {feedback.MechARC, "fail", feedback.TrustReceiver, "mx.receiver.example"}}, "customer.example", false},
		{"forged-inside.eml", nil, []string{"dkim", "dmarc", "spf"}, "mx.receiver.example",
			[]other{{feedback.MechDMARC, "pass", feedback.TrustUntrusted, "mx.receiver.example"}, {feedback.MechDMARC, "pass", feedback.TrustUntrusted, "trusted.bank.example"}}, "customer.example", false},
		{"relay.eml", nil, []string{"spf"}, "in.receiver.example",
			[]other{{feedback.MechSPF, "pass", feedback.TrustUntrusted, "relay.isp.example"}, {feedback.MechDMARC, "pass", feedback.TrustReceiver, "in.receiver.example"}}, "customer.example", false},
		// The caller names its own host: the relay's result is still not the verdict.
		{"relay.eml", []string{"IN.receiver.example."}, []string{"spf"}, "in.receiver.example",
			[]other{{feedback.MechSPF, "pass", feedback.TrustUntrusted, "relay.isp.example"}}, "customer.example", false},
		// The caller trusts only the relay: the relay's field is below the
		// receiver's Received field, so nothing is the verdict.
		{"relay.eml", []string{"relay.isp.example"}, nil, "relay.isp.example",
			[]other{{feedback.MechSPF, "fail", feedback.TrustUntrusted, "in.receiver.example"}}, "customer.example", false},
		{"microsoft-sfv.eml", nil, nil, "",
			[]other{{"", "SFV:SPM", feedback.TrustReceiver, ""}, {"", "CAT:BULK", feedback.TrustReceiver, ""}, {feedback.MechDMARC, "pass", feedback.TrustReceiver, ""}}, "customer.example", true},
		// Microsoft 365 received the message: its result (no authserv-id)
		// and its own spam fields, which Exchange writes below the Received
		// fields, are both the receiver's.
		{"microsoft-delivered.eml", nil, []string{"dkim", "dmarc", "spf", "spf"}, "",
			[]other{{"", "SFV:SPM", feedback.TrustReceiver, ""}, {"", "CAT:SPOOF", feedback.TrustReceiver, ""}, {"", "SCL:5", feedback.TrustReceiver, ""}, {feedback.MechSPF, "fail", feedback.TrustReceiver, ""}}, "customer.example", true},
		// Microsoft's fields in a message another receiver got: the sender
		// (or a host before the receiver) wrote them.
		{"microsoft-fields-elsewhere.eml", nil, nil, "mx.receiver.example",
			[]other{{"", "SFV:SPM", feedback.TrustUntrusted, ""}, {"", "CAT:PHSH", feedback.TrustUntrusted, ""}, {"", "SCL:9", feedback.TrustUntrusted, ""}}, "customer.example", false},
		// The receiver's result below its internal hops (from private and
		// loopback addresses), its authserv-id named by no Received field:
		// the line is the arrival from outside, and the sender's field
		// below it is not the verdict.
		{"internal-hops.eml", nil, []string{"spf", "spf"}, "atlas-production.v2-mail-prod1-gq1.omega.mailbox.example",
			[]other{{feedback.MechDMARC, "pass", feedback.TrustReceiver, "atlas-production.v2-mail-prod1-gq1.omega.mailbox.example"}, {feedback.MechSPF, "pass", feedback.TrustUntrusted, "mx.google.example"}}, "customer.example", false},
		{"internal-hops.eml", []string{"atlas-production.v2-mail-prod1-gq1.omega.mailbox.example"}, []string{"spf", "spf"}, "atlas-production.v2-mail-prod1-gq1.omega.mailbox.example",
			[]other{{feedback.MechDMARC, "pass", feedback.TrustReceiver, "atlas-production.v2-mail-prod1-gq1.omega.mailbox.example"}}, "customer.example", false},
		{"unreadable.eml", nil, []string{"spf"}, "mx.receiver.example",
			[]other{{"", "unreadable", feedback.TrustReceiver, "mx.receiver.example"}}, "customer.example", false},
		{"no-from.eml", nil, []string{"dkim", "dmarc"}, "mx.receiver.example", nil, "", false},
	} {
		t.Run(tc.file+"/"+strings.Join(tc.trusted, ","), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "headers", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			h, err := feedback.HeaderParser{TrustedIDs: tc.trusted}.Parse(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range h.Failures() {
				got = append(got, string(f.Mechanism))
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(tc.failures, ",") || strings.Join(h.TrustedIDs, ",") != tc.ids || h.From != tc.from || h.Spam != tc.spam {
				t.Errorf("failures %v, trusted %v, from %q, spam %v; want %v, %v, %q, %v", got, h.TrustedIDs, h.From, h.Spam, tc.failures, tc.ids, tc.from, tc.spam)
			}
			for _, o := range tc.others {
				found := false
				for _, r := range h.Reasons {
					found = found || r.Mechanism == o.mech && r.Result == o.result && r.Trust == o.trust && r.AuthServID == o.id && r.Text != ""
				}
				if !found {
					t.Errorf("no reason %+v among\n%s", o, reasons(h))
				}
			}
		})
	}
}

func reasons(h *feedback.Headers) string {
	var b strings.Builder
	for _, r := range h.Reasons {
		fmt.Fprintf(&b, "  %s %s=%s %s by %q: %s\n", r.Source, r.Mechanism, r.Result, r.Trust, r.AuthServID, r.Text)
	}
	return b.String()
}

// Input that is not a header block gets an error that says so, and never
// quotes the input.
func TestParseHeadersInput(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     error
	}{
		{"empty", "", mailbox.ErrEmpty},
		{"a bounce's text without headers", "The mail system\r\n\r\n<anna@receiver.example>: host mx said: 550 5.7.26 DMARC\r\n", mailbox.ErrNoHeader},
		{"blank first line", "\r\nFrom: a@b.example\r\n", mailbox.ErrNoHeader},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", mailbox.ErrBinary},
		{"continuation first", "  folded: x\r\n", mailbox.ErrNoHeader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := feedback.ParseHeaders(strings.NewReader(tc.in))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if strings.Contains(err.Error(), "PNG") || strings.Contains(err.Error(), "mail system") {
				t.Errorf("the error quotes the input: %v", err)
			}
		})
	}
}

func dedupe(s []string) []string {
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// From a bounce's SPF failure to the fix: the domain's SPF record is
// checked now for the reported address, and the plan says what to change.
func TestDiagnose(t *testing.T) {
	z := dnstest.MustZone(`
customer.example.   IN TXT "v=spf1 include:spf.protection.outlook.example -all"
spf.protection.outlook.example. IN TXT "v=spf1 ip4:198.51.100.0/24 -all"
spf.vendor.example. IN TXT "v=spf1 ip4:5.255.64.53 -all"
`)
	ip := netip.MustParseAddr("5.255.64.53")
	fix, err := feedback.Diagnose(context.Background(), z, feedback.MechSPF, "customer.example", ip,
		spf.Authorize{Domain: "customer.example", Term: "include:spf.vendor.example"})
	if err != nil {
		t.Fatal(err)
	}
	if fix.SPF == nil || fix.SPF.Status != spf.StatusFail || len(fix.Plan.Changes) != 1 ||
		!strings.Contains(fix.Text, "SPF failed for 5.255.64.53 sending as customer.example") || !strings.Contains(fix.Text, "1 DNS change for the customer") {
		t.Errorf("fix: %s\n%s", fix.Text, fix.Plan.Changes.Text())
	}
	if got := fix.Plan.Changes[0].Added()[0].Value(); got != "v=spf1 include:spf.protection.outlook.example include:spf.vendor.example -all" {
		t.Errorf("the plan publishes %q", got)
	}
	z.Fail("customer.example.", "", errServFail())
	if _, err := feedback.Diagnose(context.Background(), z, feedback.MechSPF, "customer.example", ip); err == nil {
		t.Error("a DNS failure gave a diagnosis")
	}
}

func errServFail() error { return dnsrec.ErrServFail }

// FuzzParseHeaders: any header block gives reasons or an error, never a
// panic; every reason has words and says whose it is; the verdict holds
// only the receiver's results; and a caller who trusts a host that added
// nothing gets no verdict at all.
func FuzzParseHeaders(f *testing.F) {
	f.Add("From: a@b.example\r\nAuthentication-Results: mx; spf=fail smtp.mailfrom=b.example; dmarc=fail header.from=b.example\r\n\r\n")
	f.Add("From: a@b.example\r\nX-Spamd-Result: default: True [16.50 / 15.00]; R_SPF_FAIL(1.00)[-all]\r\nX-Forefront-Antispam-Report: CIP:192.0.2.1;SCL:9;CAT:PHSH;SFV:SPM\r\n\r\n")
	f.Add("From: a@b.example\r\nX-Spam-Status: Yes, score=7.3 required=5.0 tests=SPF_FAIL,BAYES_99 autolearn=no\r\n\r\n")
	f.Add("From: a@b.example\r\nX-Spam-Status: Yes, score=7.3 tag2=5 tests=[SPF_FAIL=2.9, BAYES_99=3.5]\r\n\r\n")
	// A forgery directly below the receiver's Received field.
	f.Add(deliveredBlock[0] + forgedAR + strings.Join(deliveredBlock[1:], "") + "\r\n")
	f.Add("Received: from a by b.mail.protection.outlook.com\r\nX-MS-Exchange-Organization-SCL: 5\r\nAuthentication-Results: spf=fail smtp.mailfrom=b.example\r\n\r\n")
	for _, name := range []string{"forged-inside.eml", "arc-beside-receiver.eml", "opendkim-semicolon.eml", "relay.eml", "microsoft-delivered.eml", "microsoft-fields-elsewhere.eml", "internal-hops.eml"} {
		data, err := os.ReadFile(filepath.Join("testdata", "headers", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Fuzz(func(t *testing.T, msg string) {
		h, err := feedback.ParseHeaders(strings.NewReader(msg))
		if err != nil {
			return
		}
		for _, r := range h.Reasons {
			if r.Text == "" || r.Source == "" || r.Trust == "" {
				t.Fatalf("a reason without words or trust: %+v", r)
			}
		}
		for _, r := range h.Failures() {
			if r.Trust != feedback.TrustReceiver || !r.Failed {
				t.Fatalf("the verdict holds %+v", r)
			}
		}
		h2, err := feedback.HeaderParser{TrustedIDs: []string{"nobody.invalid"}}.Parse(strings.NewReader(msg))
		if err != nil || len(h2.Failures()) > 0 || len(h2.Reasons) != len(h.Reasons) {
			t.Fatalf("trusting a host that added nothing: err %v, failures %+v", err, h2.Failures())
		}
	})
}
