package sender_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/internal/vendortest"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/sender"
)

const profileJSON = `{
  "name": "Example CRM",
  "spf": "include:spf.vendor.example",
  "sending_ips": ["5.255.64.53"],
  "helo": "smtp1.vendor.example",
  "dkim": [{"selector": "default", "target": "default._domainkey.vendor.example"}],
  "dmarc": {"policy": "quarantine", "reports": ["dmarc@vendor.example"]}
}`

const checkZone = vendortest.Zone + `
vendor.example.                    IN SOA ns1.vendor.example. hostmaster.vendor.example. 1 7200 3600 1209600 300
vendor.example.                    IN NS  ns1.vendor.example.
smtp1.vendor.example.              IN A   5.255.64.53
smtp1.vendor.example.              IN TXT "v=spf1 a -all"
53.64.255.5.in-addr.arpa.          IN PTR smtp1.vendor.example.
*._report._dmarc.vendor.example.   IN TXT "v=DMARC1"

ready.example.                     IN SOA ns1.ready.example. hostmaster.ready.example. 1 7200 900 1209600 3600
ready.example.                     IN NS  ns1.cloudflare-like.ns.cloudflare.com.
ready.example.                     IN MX  10 mx.ready.example.
mx.ready.example.                  IN A   192.0.2.10
ready.example.                     IN TXT "v=spf1 include:spf.vendor.example -all"
default._domainkey.ready.example.  IN CNAME default._domainkey.vendor.example.
_dmarc.ready.example.              IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@vendor.example"

new.example.                       IN MX  10 192.0.2.20.
badsoa.example.                    IN SOA ns1.badsoa.example. hostmaster.badsoa.example. 1 60 3600 3600 604800
`

func newChecker(t *testing.T, r dnsrec.Resolver) *sender.Checker {
	t.Helper()
	p, err := sender.ParseProfile([]byte(profileJSON))
	if err != nil {
		t.Fatal(err)
	}
	return &sender.Checker{Profile: p, Resolver: r}
}

func TestParseProfile(t *testing.T) {
	if _, err := sender.ParseProfile([]byte(profileJSON)); err != nil {
		t.Fatal(err)
	}
	for field, bad := range map[string]string{
		"name":             `"name": ""`,
		"spf":              `"spf": "include:"`,
		"sending_ips[0]":   `"sending_ips": ["0.0.0.0"]`,
		"helo":             `"helo": ""`,
		"dkim[0]":          `"dkim": [{"selector": "default"}]`,
		"dkim[0].selector": `"dkim": [{"selector": "bad selector", "target": "x.example"}]`,
		"dkim[0].key":      `"dkim": [{"selector": "s", "key": "v=DKIM1; p=!!"}]`,
		"dmarc.policy":     `"dmarc": {"policy": "strict"}`,
		"dmarc.reports":    `"dmarc": {"policy": "none", "reports": ["not an address"]}`,
		"dkim[1].selector": `"dkim": [{"selector": "s", "target": "a.example"}, {"selector": "S", "target": "b.example"}]`,
	} {
		var m map[string]any
		if err := json.Unmarshal([]byte(profileJSON), &m); err != nil {
			t.Fatal(err)
		}
		var change map[string]any
		if err := json.Unmarshal([]byte("{"+bad+"}"), &change); err != nil {
			t.Fatal(err)
		}
		for k, v := range change {
			m[k] = v
		}
		b, _ := json.Marshal(m)
		doc := string(b)
		_, err := sender.ParseProfile([]byte(doc))
		var pe *sender.ProfileError
		if !errors.As(err, &pe) || !errors.Is(err, sender.ErrProfile) || pe.Field != field {
			t.Errorf("%s: err = %v", bad, err)
		}
	}
	if _, err := sender.ParseProfile([]byte(`{"name": "x", "unknown": 1}`)); !errors.Is(err, sender.ErrProfile) {
		t.Errorf("unknown field: err = %v", err)
	}
}

func TestCheckDomain(t *testing.T) {
	for rname, r := range dnstest.Resolvers(t, dnstest.MustZone(checkZone)) {
		t.Run(rname, func(t *testing.T) {
			c := newChecker(t, r)
			ctx := context.Background()

			ready := c.Check(ctx, "ready.example")
			if !ready.Ready || !ready.MaySend || ready.DNSHost != "Cloudflare" {
				t.Errorf("ready.example: %s %+v", ready.Summary, ready.Areas)
			}
			if want := "Example CRM may send as ready.example: SPF and DKIM pass and align, and nothing needs changing."; ready.Summary != want {
				t.Errorf("summary %q", ready.Summary)
			}

			fresh := c.Check(ctx, "new.example")
			if fresh.Ready || fresh.MaySend {
				t.Errorf("new.example is ready: %s", fresh.Summary)
			}
			for name, want := range map[sender.AreaName]sender.Status{
				sender.AreaDKIM: sender.StatusChange, sender.AreaSPF: sender.StatusChange, sender.AreaDMARC: sender.StatusChange,
				sender.AreaDelivery: sender.StatusBroken, sender.AreaSending: sender.StatusFine,
			} {
				if got := fresh.Area(name).Status; got != want {
					t.Errorf("new.example %s: %s, want %s: %v", name, got, want, fresh.Area(name).Findings)
				}
			}
			if !hasCode(fresh.Area(sender.AreaDelivery).Findings, sender.CodeMXAddress) {
				t.Errorf("an MX naming an address is not reported: %v", fresh.Area(sender.AreaDelivery).Findings)
			}
			if !strings.HasPrefix(fresh.Summary, "Example CRM may not send as new.example yet") {
				t.Errorf("summary %q", fresh.Summary)
			}

			soa := c.Check(ctx, "badsoa.example")
			n := 0
			for _, f := range soa.Area(sender.AreaDelivery).Findings {
				if f.Code == sender.CodeSOAValue {
					n++
				}
			}
			if n != 4 {
				t.Errorf("badsoa.example: %d SOA findings, want 4 (refresh, retry, expire, minimum)", n)
			}

			bad := c.Check(ctx, "info@ready.example")
			if !errors.Is(bad.Err, dnsrec.ErrInvalidDomain) || !strings.Contains(bad.Summary, `did you mean "ready.example"`) {
				t.Errorf("an address as the domain: %v", bad.Err)
			}
		})
	}
}

// The vendor's side: a PTR that does not confirm and a HELO name that does
// not resolve are reported in the sending area.
func TestCheckSending(t *testing.T) {
	z := dnstest.MustZone(checkZone + `
26.2.0.192.in-addr.arpa. IN PTR mail.elsewhere.example.
`)
	c := newChecker(t, z)
	c.Profile.SendingIPs = append(c.Profile.SendingIPs, netip.MustParseAddr("192.0.2.26"), netip.MustParseAddr("192.0.2.27"))
	rep := c.Check(context.Background(), "ready.example")
	a := rep.Area(sender.AreaSending)
	for _, code := range []plan.Code{sender.CodePTRUnconfirmed, sender.CodeNoPTR, sender.CodeHELOUnresolved} {
		if !hasCode(a.Findings, code) {
			t.Errorf("no %s in %v", code, a.Findings)
		}
	}
	if a.Status != sender.StatusBroken || rep.Ready {
		t.Errorf("sending area %s, ready %v", a.Status, rep.Ready)
	}
}

// Blocklists are asked only when named, and a listing's reason is shown.
func TestCheckBlocklist(t *testing.T) {
	z := dnstest.MustZone(checkZone + `
53.64.255.5.bl.example. IN A   127.0.0.2
53.64.255.5.bl.example. IN TXT "listed for sending spam on 2026-11-01"
`)
	c := newChecker(t, z)
	if hasCode(c.Check(context.Background(), "ready.example").Area(sender.AreaSending).Findings, sender.CodeListed) {
		t.Error("a blocklist was asked although none was named")
	}
	for _, q := range z.Queries() {
		if strings.HasSuffix(q.Name, "bl.example.") {
			t.Errorf("asked %s without being told to", q)
		}
	}
	c.Blocklists = []string{"bl.example", "clean.example"}
	a := c.Check(context.Background(), "ready.example").Area(sender.AreaSending)
	found := false
	for _, f := range a.Findings {
		found = found || (f.Code == sender.CodeListed && strings.Contains(f.Message, "listed for sending spam"))
	}
	if !found {
		t.Errorf("the listing is not reported with its reason: %v", a.Findings)
	}
}

// A DNS failure makes the areas it touches "could not check", naming the
// question; the rest is still checked.
func TestCheckDNSFailure(t *testing.T) {
	z := dnstest.MustZone(checkZone)
	z.Fail("_dmarc.ready.example.", dnsrec.TypeTXT, dnsrec.ErrServFail)
	rep := newChecker(t, z).Check(context.Background(), "ready.example")
	a := rep.Area(sender.AreaDMARC)
	if a.Status != sender.StatusNotChecked || !strings.Contains(a.Failed, "_dmarc.ready.example") || !strings.Contains(a.Failed, "SERVFAIL") {
		t.Errorf("DMARC area: %s, failed %q", a.Status, a.Failed)
	}
	if rep.Area(sender.AreaSPF).Status != sender.StatusFine || rep.Ready {
		t.Errorf("SPF %s, ready %v", rep.Area(sender.AreaSPF).Status, rep.Ready)
	}
}

func TestCheckBatch(t *testing.T) {
	z := dnstest.MustZone(checkZone)
	// An authoritative server asked for a name outside its zones answers
	// REFUSED: that domain cannot be checked, the others can.
	z.Fail("refused.example.", "", dnsrec.ErrRefused)
	c := newChecker(t, z)
	domains := []string{"ready.example", "new.example", "refused.example", "badsoa.example", "not a domain"}
	var mu sync.Mutex
	got := map[string]*sender.DomainReport{}
	var progress []int
	err := c.CheckBatch(context.Background(), domains, sender.BatchOptions{Concurrency: 3, Progress: func(done, total int) {
		if total != len(domains) {
			t.Errorf("total %d", total)
		}
		progress = append(progress, done)
	}}, func(r *sender.DomainReport) {
		mu.Lock()
		defer mu.Unlock()
		got[r.Domain] = r
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(domains) || len(progress) != len(domains) || progress[len(progress)-1] != len(domains) {
		t.Fatalf("%d reports, progress %v", len(got), progress)
	}
	if r := got["refused.example"]; r.Area(sender.AreaSPF).Status != sender.StatusNotChecked || !strings.Contains(r.Summary, "Could not check") {
		t.Errorf("refused.example: %s", r.Summary)
	}
	if !got["ready.example"].Ready {
		t.Errorf("ready.example: %s", got["ready.example"].Summary)
	}
	if got["not a domain"].Err == nil {
		t.Error("an invalid domain has no error")
	}
	// The vendor's side is checked once for the batch, and no question is
	// asked twice.
	if rep := z.Repeated(); len(rep) > 0 {
		t.Errorf("asked more than once in one batch: %v", rep)
	}
}

func TestCheckBatchCancel(t *testing.T) {
	c := newChecker(t, dnstest.MustZone(checkZone))
	ctx, cancel := context.WithCancel(context.Background())
	var n int
	domains := make([]string, 200)
	for i := range domains {
		domains[i] = "ready.example"
	}
	err := c.CheckBatch(ctx, domains, sender.BatchOptions{Concurrency: 2}, func(*sender.DomainReport) {
		if n++; n == 5 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || n < 5 || n >= len(domains) {
		t.Errorf("err %v after %d reports", err, n)
	}
	if err := (&sender.Checker{}).CheckBatch(context.Background(), domains, sender.BatchOptions{}, nil); !errors.Is(err, sender.ErrNoProfile) {
		t.Errorf("no profile: err = %v", err)
	}
}

func hasCode(fs []plan.Finding, code plan.Code) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}
