package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
	"github.com/domainauth/domainauth/mailbox"
)

// demoMessages are the demo messages as the vendor sends them, each a
// situation of the providers' message rules.
var demoMessages = []string{
	"compliant.eml",            // signed for shop.example, one-click unsubscribe signed
	"delivered.eml",            // the same, as Gmail delivered it over TLS
	"no-one-click.eml",         // List-Unsubscribe without List-Unsubscribe-Post
	"unsigned-unsubscribe.eml", // the unsubscribe fields outside the signature's h=
	"unaligned.eml",            // signed d=vendor.example, From shop.example
}

// TestGoldenMailbox keeps the per-provider section of every demo domain,
// the vendor's rules, and the message check of every demo message.
func TestGoldenMailbox(t *testing.T) {
	c := demoChecker(t)
	for _, d := range append(append([]string(nil), demoDomains...), "shop.example", "weakkey.example") {
		rep := c.Check(context.Background(), d)
		if len(rep.Mailbox) != 3 {
			t.Errorf("%s: %d provider sections, want 3", d, len(rep.Mailbox))
		}
		golden.Check(t, filepath.Join("mailbox", d+".text"), rep.MailboxText())
	}
	golden.Check(t, filepath.Join("mailbox", "vendor.text"), c.CheckVendor(context.Background()).Text())
	for _, m := range demoMessages {
		for _, format := range []string{"text", "json"} {
			var out bytes.Buffer
			mc := &mailbox.MessageChecker{Resolver: demo.Zone(), Bulk: true}
			err := runMessage(context.Background(), &out, mc, demo.Sample(m), format, i18n.English)
			if compliant := m == "compliant.eml" || m == "delivered.eml"; compliant != (err == nil) {
				t.Errorf("%s: err = %v", m, err)
			}
			golden.Check(t, filepath.Join("message", strings.TrimSuffix(m, ".eml")+"."+format), out.String())
		}
		// The German text, reviewed once.
		var de bytes.Buffer
		runMessage(context.Background(), &de, &mailbox.MessageChecker{Resolver: demo.Zone(), Bulk: true}, demo.Sample(m), "text", language.German)
		golden.Check(t, filepath.Join("message", strings.TrimSuffix(m, ".eml")+".de.text"), de.String())
	}
}

// TestDomainRules checks each DNS rule on a demo domain that meets it and
// one that breaks it, for every provider that has the rule; the vendor's
// rules on the demo vendor and on a vendor set-up that is fixed.
func TestDomainRules(t *testing.T) {
	fixed := "mail-out.vendor.example. 3600 IN A 192.0.2.26"
	v6 := netip.MustParseAddr("2001:db8:25::25")
	withV6 := func(p *domaincheck.Profile) {
		p.Servers = append(p.Servers, domaincheck.Server{Address: v6, HELO: "smtp6.vendor.example"})
	}
	v6Records := dnsrec.ReverseName(v6) + " 3600 IN PTR smtp6.vendor.example.\nsmtp6.vendor.example. 3600 IN AAAA 2001:db8:25::25"
	listed := "26.2.0.192.bl.example. 3600 IN A 127.0.0.2\n26.2.0.192.bl.example. 3600 IN TXT \"listed for spam\""
	for _, tc := range []struct {
		name       string
		domain     string
		req        mailbox.Requirement
		want       mailbox.Outcome
		zone       string                     // records added to the demo zone
		profile    func(*domaincheck.Profile) // changes to the demo profile
		blocklists []string
		finding    string // the finding a rule not met names
	}{
		{"SPF and DKIM", "ready.example", mailbox.ReqSPFOrDKIM, mailbox.Met, "", nil, nil, ""},
		{"neither SPF nor DKIM", "new.example", mailbox.ReqSPFOrDKIM, mailbox.NotMet, "", nil, nil, "dkim-not-published"},
		{"SPF alone is enough for all senders", "weakkey.example", mailbox.ReqSPFOrDKIM, mailbox.Met, "", nil, nil, ""},
		{"both", "ready.example", mailbox.ReqSPFAndDKIM, mailbox.Met, "", nil, nil, ""},
		{"SPF without DKIM", "weakkey.example", mailbox.ReqSPFAndDKIM, mailbox.NotMet, "", nil, nil, "dkim-cname-expected"},
		{"DKIM without SPF", "customer.example", mailbox.ReqSPFAndDKIM, mailbox.NotMet, "default._domainkey.customer.example. 3600 IN CNAME default._domainkey.vendor.example.", nil, nil, "spf-vendor-fails"},
		{"a 2048-bit key", "ready.example", mailbox.ReqDKIMKeySize, mailbox.Met, "", nil, nil, ""},
		{"a 512-bit key", "weakkey.example", mailbox.ReqDKIMKeySize, mailbox.NotMet, "", nil, nil, "dkim-cname-expected"},
		{"no key", "new.example", mailbox.ReqDKIMKeySize, mailbox.NotMet, "", nil, nil, "dkim-not-published"},
		{"p=reject", "ready.example", mailbox.ReqDMARCPolicy, mailbox.Met, "", nil, nil, ""},
		{"p=none counts", "customer.example", mailbox.ReqDMARCPolicy, mailbox.Met, "", nil, nil, ""},
		{"no DMARC record", "new.example", mailbox.ReqDMARCPolicy, mailbox.NotMet, "", nil, nil, "dmarc-no-record"},
		{"a DMARC record with spaces around = (valid; the lint advises)", "spaces.example", mailbox.ReqDMARCPolicy, mailbox.Met, "", nil, nil, ""},
		{"aligned", "ready.example", mailbox.ReqDMARCAlignment, mailbox.Met, "", nil, nil, ""},
		{"not aligned", "new.example", mailbox.ReqDMARCAlignment, mailbox.NotMet, "", nil, nil, "dkim-not-published"},
		{"the demo vendor's second PTR", "ready.example", mailbox.ReqFCrDNS, mailbox.NotMet, "", nil, nil, ""},
		{"PTRs confirmed", "ready.example", mailbox.ReqFCrDNS, mailbox.Met, fixed, nil, nil, ""},
		{"an IPv6 server without PTR", "ready.example", mailbox.ReqFCrDNS, mailbox.NotMet, fixed, withV6, nil, ""},
		{"an IPv6 server with a confirmed PTR", "ready.example", mailbox.ReqFCrDNS, mailbox.Met, fixed + "\n" + v6Records, withV6, nil, ""},
		{"no blocklist enabled", "ready.example", mailbox.ReqNotListed, mailbox.NotApplicable, "", nil, nil, ""},
		{"listed", "ready.example", mailbox.ReqNotListed, mailbox.NotMet, listed, nil, []string{"bl.example"}, ""},
		{"not listed", "ready.example", mailbox.ReqNotListed, mailbox.Met, "", nil, []string{"bl.example"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z := demo.Zone()
			if tc.zone != "" {
				if err := z.Add(tc.zone); err != nil {
					t.Fatal(err)
				}
			}
			p := demoProfile(t)
			if tc.profile != nil {
				tc.profile(p)
			}
			c := &domaincheck.Checker{Profile: p, Resolver: z, Blocklists: tc.blocklists}
			rep := c.Check(context.Background(), tc.domain)
			n := 0
			for _, sec := range rep.Mailbox {
				rule, ok := mailbox.For(sec.Provider, tc.req)
				if !ok {
					continue
				}
				n++
				res := ruleIn(sec.Rules, rule.ID)
				if res == nil {
					t.Fatalf("%s: no result", rule.ID)
				}
				if res.Outcome != tc.want {
					t.Errorf("%s: %s, want %s: %s", rule.ID, res.Outcome, tc.want, res.Sentence)
				}
				if rule.Party == "vendor" {
					// The vendor's rule: its finding is in the vendor's
					// report, which the domain's section refers to.
					vr := ruleIn(rep.Vendor.Mailbox, rule.ID)
					if vr == nil || vr.Outcome != tc.want || (tc.want == mailbox.NotMet) != (vr.Finding != "" && vr.Fix != "") {
						t.Errorf("%s in the vendor's report: %+v", rule.ID, vr)
					}
					continue
				}
				if tc.want == mailbox.NotMet && (string(res.Finding) != tc.finding || res.Fix == "") {
					t.Errorf("%s: finding %q fix %q, want the finding %s and a fix", rule.ID, res.Finding, res.Fix, tc.finding)
				}
				if res.Step > 0 {
					cs := customerChanges(rep)
					if res.Step > len(cs) || !strings.Contains(res.Fix, "step ") {
						t.Errorf("%s: step %d of %d changes: %s", rule.ID, res.Step, len(cs), res.Fix)
					}
				}
			}
			if n == 0 {
				t.Fatalf("no provider has a rule for %s", tc.req)
			}
		})
	}
}

// TestDomainRulesNotBulk: for a vendor that is not a bulk sender, the
// bulk-sender rules do not apply, even to a domain that breaks them.
func TestDomainRulesNotBulk(t *testing.T) {
	p := demoProfile(t)
	p.BulkSender = false
	rep := (&domaincheck.Checker{Profile: p, Resolver: demo.Zone()}).Check(context.Background(), "new.example")
	for _, sec := range rep.Mailbox {
		for _, res := range sec.Rules {
			if res.Scope == mailbox.BulkSenders && res.Outcome != mailbox.NotApplicable {
				t.Errorf("%s: %s", res.Rule, res.Outcome)
			}
		}
	}
	p.Providers = []mailbox.Provider{mailbox.Microsoft}
	rep = (&domaincheck.Checker{Profile: p, Resolver: demo.Zone()}).Check(context.Background(), "new.example")
	if len(rep.Mailbox) != 1 || rep.Mailbox[0].Provider != mailbox.Microsoft {
		t.Errorf("sections %+v", rep.Mailbox)
	}
}

// TestReadyIsCompliant applies each demo domain's plan and checks again.
// The demo domain that is ready (ready.example), and shop.example, then
// meet every DNS rule of the customer's for all three providers, as a bulk
// sender. Every other domain that is then ready meets them too, except
// where the plan can propose no safe change, and then the rule names the
// finding that says why and no step. The demo vendor's broken PTR
// (192.0.2.26) stays the vendor's rule not met, in the vendor's report,
// and does not stop the customer's rules from being met.
func TestReadyIsCompliant(t *testing.T) {
	z := demo.Zone()
	c := &domaincheck.Checker{Profile: demoProfile(t), Resolver: z}
	must := map[string]bool{"ready.example": true, "shop.example": true}
	ready := 0
	for _, d := range append(append([]string(nil), demoDomains...), "shop.example", "weakkey.example") {
		rep := applyUntilDone(t, z, c, d)
		if !rep.Ready {
			if must[d] {
				t.Errorf("%s: not ready after its plan", d)
			}
			continue
		}
		ready++
		if len(rep.Mailbox) != 3 {
			t.Fatalf("%s: %d sections", d, len(rep.Mailbox))
		}
		for _, sec := range rep.Mailbox {
			if must[d] && !sec.CustomerCompliant {
				t.Errorf("%s, %s: the customer's DNS is not compliant after the plan:\n%s", d, sec.Provider, rep.MailboxText())
			}
			if sec.VendorCompliant {
				t.Errorf("%s, %s: the vendor is compliant, but the demo vendor's PTR of 192.0.2.26 is broken", d, sec.Provider)
			}
			for _, res := range sec.Rules {
				switch {
				case res.Party == "vendor" && res.Outcome == mailbox.NotMet && res.Finding != "":
					t.Errorf("%s: %s repeats the vendor's finding in the domain's section", d, res.Rule)
				case res.Party != "customer" || res.Outcome == mailbox.Met:
				case must[d] || res.Outcome != mailbox.NotMet || res.Step != 0 || res.Finding == "":
					t.Errorf("%s: %s is %s after the plan (step %d, finding %q): %s", d, res.Rule, res.Outcome, res.Step, res.Finding, res.Sentence)
				}
			}
		}
	}
	if ready < len(demoDomains)/2 {
		t.Errorf("only %d demo domains are ready after their plans", ready)
	}
}

// ruleIn finds the result of a rule.
func ruleIn(rs []mailbox.RuleResult, id mailbox.RuleID) *mailbox.RuleResult {
	for i := range rs {
		if rs[i].Rule == id {
			return &rs[i]
		}
	}
	return nil
}

// TestMessageFlag runs domaincheck -message as a user would.
func TestMessageFlag(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := writeFile(path, data); err != nil {
			t.Fatal(err)
		}
		return path
	}
	compliant := write("compliant.eml", demo.Sample("compliant.eml"))
	unaligned := write("unaligned.eml", demo.Sample("unaligned.eml"))
	png := write("image.png", []byte("\x89PNG\r\n\x1a\n\x00\x00"))
	for _, tc := range []struct {
		args   []string
		stdin  string
		status int
		stdout string
		stderr string
	}{
		{[]string{"-message", compliant}, "", 0, "Gmail: meets every message rule checked here", ""},
		{[]string{"-message", unaligned}, "", 1, "[not-met] gmail-dmarc-alignment", ""},
		{[]string{"-format", "json", "-message", compliant}, "", 0, `"outcome": "met"`, ""},
		{[]string{"-message", "-"}, string(demo.Sample("no-one-click.eml")), 1, "[not-met] yahoo-one-click", ""},
		{[]string{"-message", png}, "", 2, "", "binary"},
		{[]string{"-message", "-"}, "", 2, "", "empty"},
		{[]string{"-message", filepath.Join(dir, "missing.eml")}, "", 2, "", "no such file"},
		{[]string{"-message", compliant, "ready.example"}, "", 2, "", "give no domains"},
		{[]string{"-format", "zone", "-message", compliant}, "", 2, "", "use text or json"},
	} {
		var stdout, stderr bytes.Buffer
		got := realMain(tc.args, strings.NewReader(tc.stdin), &stdout, &stderr)
		if got != tc.status || !strings.Contains(stdout.String(), tc.stdout) || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("domaincheck %v: status %d, stderr %q; want %d, %q, %q in\n%s", tc.args, got, stderr.String(), tc.status, tc.stderr, tc.stdout, stdout.String())
		}
		if tc.status != 2 && strings.Contains(strings.Join(tc.args, " "), "json") && !json.Valid(stdout.Bytes()) {
			t.Errorf("domaincheck %v: not JSON", tc.args)
		}
	}
}

func writeFile(path string, data []byte) error { return os.WriteFile(path, data, 0o644) }
