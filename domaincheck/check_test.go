package domaincheck_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/vendortest"
	"github.com/domainauth/domainauth/plan"
	"golang.org/x/text/language"
)

const profileJSON = `{
  "name": "Example CRM",
  "spf": "include:spf.vendor.example",
  "servers": [{"address": "5.255.64.53", "helo": "smtp1.vendor.example"}],
  "dkim": [{"selector": "default", "target": "default._domainkey.vendor.example"}],
  "dmarc": {"minimum": "none", "goal": "quarantine", "reports": ["dmarc@vendor.example"]}
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

func newChecker(t *testing.T, r dnsrec.Resolver) *domaincheck.Checker {
	t.Helper()
	p, err := domaincheck.ParseProfile([]byte(profileJSON))
	if err != nil {
		t.Fatal(err)
	}
	return &domaincheck.Checker{Profile: p, Resolver: r}
}

// withProfile returns profileJSON with the given top-level fields replaced.
func withProfile(t *testing.T, fields string) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(profileJSON), &m); err != nil {
		t.Fatal(err)
	}
	var change map[string]any
	if err := json.Unmarshal([]byte("{"+fields+"}"), &change); err != nil {
		t.Fatal(err)
	}
	for k, v := range change {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return b
}

func TestParseProfile(t *testing.T) {
	if _, err := domaincheck.ParseProfile([]byte(profileJSON)); err != nil {
		t.Fatal(err)
	}
	for field, bad := range map[string]string{
		"name":                `"name": ""`,
		"spf":                 `"spf": "include:"`,
		"servers":             `"servers": []`,
		"servers[0].address":  `"servers": [{"address": "0.0.0.0", "helo": "smtp1.vendor.example"}]`,
		"servers[1].address":  `"servers": [{"address": "5.255.64.53", "helo": "a.vendor.example"}, {"address": "5.255.64.53", "helo": "b.vendor.example"}]`,
		"servers[0].helo":     `"servers": [{"address": "5.255.64.53", "helo": ""}]`,
		"envelope.mode":       `"envelope": {"mode": "bounce"}`,
		"envelope.domain":     `"envelope": {"mode": "vendor", "domain": "info@vendor.example"}`,
		"envelope.name":       `"envelope": {"mode": "return-path", "name": "bad name", "target": "rp.vendor.example"}`,
		"envelope.target":     `"envelope": {"mode": "return-path", "name": "bounce", "target": "bad target"}`,
		"dkim[0]":             `"dkim": [{"selector": "default"}]`,
		"dkim[0].selector":    `"dkim": [{"selector": "bad selector", "target": "x.example"}]`,
		"dkim[0].key":         `"dkim": [{"selector": "s", "key": "v=DKIM1; p=!!"}]`,
		"dkim[1].selector":    `"dkim": [{"selector": "s", "target": "a.example"}, {"selector": "S", "target": "b.example"}]`,
		"dmarc.minimum":       `"dmarc": {"minimum": "strict"}`,
		"dmarc.goal":          `"dmarc": {"minimum": "reject", "goal": "none"}`,
		"dmarc.reports":       `"dmarc": {"minimum": "none", "reports": ["not an address"]}`,
		"dkim[0].target":      `"dkim": [{"selector": "default", "target": "info@vendor.example"}]`,
		"dkim[0].target ":     `"dkim": [{"selector": "default", "target": "bad target"}]`,
		"servers[0].helo ":    `"servers": [{"address": "5.255.64.53", "helo": "smtp1"}]`,
		"envelope.mode ":      `"envelope": {"mode": "customer", "domain": "bounce.vendor.example"}`,
		"servers[0].address ": `"servers": [{"address": "127.0.0.1", "helo": "smtp1.vendor.example"}]`,
	} {
		_, err := domaincheck.ParseProfile(withProfile(t, bad))
		var pe *domaincheck.ProfileError
		if !errors.As(err, &pe) || !errors.Is(err, domaincheck.ErrProfile) || pe.Field != strings.TrimSpace(field) {
			t.Errorf("%s: err = %v, want an error for %s", bad, err, field)
		}
		if err != nil && strings.Contains(err.Error(), "dmarc: dmarc:") {
			t.Errorf("%s: the error stutters: %v", bad, err)
		}
	}
	if _, err := domaincheck.ParseProfile([]byte(`{"name": "x", "unknown": 1}`)); !errors.Is(err, domaincheck.ErrProfile) {
		t.Errorf("unknown field: err = %v", err)
	}
}

func TestCheckDomain(t *testing.T) {
	for rname, r := range dnstest.Resolvers(t, dnstest.MustZone(checkZone)) {
		t.Run(rname, func(t *testing.T) {
			c := newChecker(t, r)
			ctx := context.Background()

			ready := c.Check(ctx, "ready.example")
			if !ready.Ready || !ready.MaySend || ready.Status != domaincheck.DomainReady || ready.DNSHost != "Cloudflare" || len(ready.Blockers) != 0 {
				t.Errorf("ready.example: %s %+v", ready.Summary, ready.Areas)
			}
			if want := "Example CRM may send as ready.example: SPF and DKIM pass and align, and the policy p=reject meets the minimum (p=none); nothing needs changing."; ready.Summary != want {
				t.Errorf("summary %q", ready.Summary)
			}

			fresh := c.Check(ctx, "new.example")
			if fresh.Ready || fresh.MaySend || fresh.Status != domaincheck.DomainChangesNeeded {
				t.Errorf("new.example is ready: %s", fresh.Summary)
			}
			for name, want := range map[domaincheck.AreaName]domaincheck.Status{
				domaincheck.AreaDKIM: domaincheck.StatusChange, domaincheck.AreaSPF: domaincheck.StatusChange, domaincheck.AreaDMARC: domaincheck.StatusChange,
				domaincheck.AreaDelivery: domaincheck.StatusAdvice,
			} {
				if got := fresh.Area(name).Status; got != want {
					t.Errorf("new.example %s: %s, want %s: %v", name, got, want, fresh.Area(name).Findings)
				}
			}
			if fresh.Area(domaincheck.AreaSending) != nil {
				t.Error("the vendor's own area is part of a customer's report")
			}
			if !hasCode(fresh.Area(domaincheck.AreaDelivery).Findings, domaincheck.CodeMXAddress) {
				t.Errorf("an MX naming an address is not reported: %v", fresh.Area(domaincheck.AreaDelivery).Findings)
			}
			if !strings.HasPrefix(fresh.Summary, "Example CRM may not send as new.example yet") || !strings.Contains(fresh.Summary, "3 DNS changes for the customer fix that") {
				t.Errorf("summary %q", fresh.Summary)
			}

			soa := c.Check(ctx, "badsoa.example")
			n := 0
			for _, f := range soa.Area(domaincheck.AreaDelivery).Findings {
				if f.Code == domaincheck.CodeSOAValue {
					n++
				}
			}
			if n != 4 {
				t.Errorf("badsoa.example: %d SOA findings, want 4 (refresh, retry, expire, minimum)", n)
			}

			bad := c.Check(ctx, "info@ready.example")
			if !errors.Is(bad.Err, dnsrec.ErrInvalidDomain) || bad.Status != domaincheck.DomainInvalid || !strings.Contains(bad.Summary, `did you mean "ready.example"`) {
				t.Errorf("an address as the domain: %v", bad.Err)
			}
		})
	}
}

// Advice never blocks: a domain whose SPF, DKIM and DMARC are right is
// ready whatever its SOA timers and MX say, and the advice is in the
// sentence, apart.
func TestAdviceDoesNotBlock(t *testing.T) {
	z := dnstest.MustZone(checkZone + `
advice.example.                     IN SOA ada.ns.cloudflare.com. dns.cloudflare.com. 2345678901 10000 2400 604800 1800
advice.example.                     IN TXT "v=spf1 include:spf.vendor.example -all"
default._domainkey.advice.example.  IN CNAME default._domainkey.vendor.example.
_dmarc.advice.example.              IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"
`)
	rep := newChecker(t, z).Check(context.Background(), "advice.example")
	if !rep.Ready || rep.Status != domaincheck.DomainReady {
		t.Fatalf("not ready: %s", rep.Text())
	}
	if a := rep.Area(domaincheck.AreaDelivery); a.Status != domaincheck.StatusAdvice || a.Blocking || !hasCode(a.Findings, domaincheck.CodeSOAValue) || !hasCode(a.Findings, domaincheck.CodeNoMX) {
		t.Errorf("delivery: %+v", a)
	}
	if !strings.Contains(rep.Summary, "Advice, none of it blocking: 2 findings") {
		t.Errorf("summary %q", rep.Summary)
	}
}

// The vendor's side is the vendor's: a PTR that does not confirm and a
// HELO name that does not resolve are in the vendor's report, do not make
// a customer's domain unready, and each customer report says so once.
func TestVendorProblemsAreTheVendors(t *testing.T) {
	z := dnstest.MustZone(checkZone + `
26.2.0.192.in-addr.arpa. IN PTR mail.elsewhere.example.
smtp2.vendor.example.    IN A   192.0.2.99
`)
	c := newChecker(t, z)
	c.Profile.Servers = append(c.Profile.Servers,
		domaincheck.Server{Address: netip.MustParseAddr("192.0.2.26"), HELO: "smtp2.vendor.example"},
		domaincheck.Server{Address: netip.MustParseAddr("192.0.2.27"), HELO: "smtp1.vendor.example"})
	z.Remove("spf.vendor.example", dnsrec.TypeTXT)
	z.Add(`spf.vendor.example. IN TXT "v=spf1 ip4:5.255.64.53 ip4:192.0.2.26 ip4:192.0.2.27 -all"`)
	rep := c.Check(context.Background(), "ready.example")
	v := rep.Vendor
	for _, code := range []plan.Code{domaincheck.CodePTRUnconfirmed, domaincheck.CodeNoPTR, domaincheck.CodeHELOUnresolved} {
		if !hasCode(v.Findings, code) {
			t.Errorf("no %s in %v", code, v.Findings)
		}
	}
	// Each server is judged by its own HELO name: smtp1 resolves to
	// 5.255.64.53 (fine) and not to 192.0.2.27; smtp2 to neither.
	helo := 0
	for _, f := range v.Findings {
		if f.Code == domaincheck.CodeHELOUnresolved {
			helo++
		}
	}
	if helo != 2 {
		t.Errorf("%d HELO findings, want 2 (192.0.2.26 as smtp2, 192.0.2.27 as smtp1): %v", helo, v.Findings)
	}
	if v.Status != domaincheck.StatusBroken || !v.Blocks || !rep.VendorBlocks {
		t.Errorf("vendor status %s, blocks %v", v.Status, v.Blocks)
	}
	if !rep.Ready || rep.Status != domaincheck.DomainReady {
		t.Errorf("the vendor's problems made the customer's domain unready: %s", rep.Summary)
	}
	text := rep.Text()
	if strings.Contains(text, "sending-ptr") || strings.Count(text, "the vendor's to fix") != 1 {
		t.Errorf("the customer's report shows the vendor's problems, or does not point to them once:\n%s", text)
	}
	if vt := v.Text(); !strings.Contains(vt, "sending-ptr-unconfirmed") || !strings.Contains(vt, "the vendor fixes them") {
		t.Errorf("vendor text:\n%s", vt)
	}
}

// Blocklists are asked only when named, and a listing's reason is shown.
func TestCheckBlocklist(t *testing.T) {
	z := dnstest.MustZone(checkZone + `
53.64.255.5.bl.example. IN A   127.0.0.2
53.64.255.5.bl.example. IN TXT "listed for sending spam on 2026-11-01"
`)
	c := newChecker(t, z)
	if hasCode(c.Check(context.Background(), "ready.example").Vendor.Findings, domaincheck.CodeListed) {
		t.Error("a blocklist was asked although none was named")
	}
	for _, q := range z.Queries() {
		if strings.HasSuffix(q.Name, "bl.example.") {
			t.Errorf("asked %s without being told to", q)
		}
	}
	c.Blocklists = []string{"bl.example", "clean.example"}
	v := c.CheckVendor(context.Background())
	found := false
	for _, f := range v.Findings {
		found = found || (f.Code == domaincheck.CodeListed && strings.Contains(f.Message, "listed for sending spam") && f.Params["list"] == "bl.example")
	}
	if !found || !v.Blocks {
		t.Errorf("the listing is not reported with its reason: %v", v.Findings)
	}
}

// A DNS failure makes the areas it touches "could not check", naming the
// question; the rest is still checked.
func TestCheckDNSFailure(t *testing.T) {
	z := dnstest.MustZone(checkZone)
	z.Fail("_dmarc.ready.example.", dnsrec.TypeTXT, dnsrec.ErrServFail)
	rep := newChecker(t, z).Check(context.Background(), "ready.example")
	a := rep.Area(domaincheck.AreaDMARC)
	if a.Status != domaincheck.StatusNotChecked || !strings.Contains(a.Failed, "_dmarc.ready.example") || !strings.Contains(a.Failed, "SERVFAIL") {
		t.Errorf("DMARC area: %s, failed %q", a.Status, a.Failed)
	}
	if rep.Area(domaincheck.AreaSPF).Status != domaincheck.StatusFine || rep.Ready || rep.Status != domaincheck.DomainNotChecked {
		t.Errorf("SPF %s, ready %v, status %s", rep.Area(domaincheck.AreaSPF).Status, rep.Ready, rep.Status)
	}
}

// A domain that does not exist, or whose registrable domain does not,
// gets its own status and no plan.
func TestCheckDomainThatDoesNotExist(t *testing.T) {
	z := dnstest.MustZone(checkZone)
	c := newChecker(t, z)
	for _, tc := range []struct {
		domain string
		status domaincheck.DomainStatus
		code   plan.Code
	}{
		{"nowhere.example", domaincheck.DomainNotDelegated, domaincheck.CodeNotDelegated},
		{"mail.ready.example", domaincheck.DomainNotFound, domaincheck.CodeNoDomain},
	} {
		rep := c.Check(context.Background(), tc.domain)
		if rep.Status != tc.status || rep.Plan != nil || rep.Ready || !hasCode(rep.Area(domaincheck.AreaDelivery).Findings, tc.code) {
			t.Errorf("%s: %s, plan %v: %s", tc.domain, rep.Status, rep.Plan, rep.Summary)
		}
		if strings.Contains(rep.Text(), "DNS change") {
			t.Errorf("%s: changes proposed for a domain that does not exist:\n%s", tc.domain, rep.Text())
		}
	}
}

// The three envelope modes: the customer's address, the vendor's own
// bounce domain, a return-path subdomain delegated to the vendor. Each
// evaluates SPF where receivers do, and plans only what helps.
func TestEnvelopeModes(t *testing.T) {
	zone := checkZone + `
bounces.vendor.example.             IN TXT "v=spf1 ip4:5.255.64.53 -all"
rp.vendor.example.                  IN TXT "v=spf1 ip4:5.255.64.53 -all"
rp.vendor.example.                  IN MX  10 mx1.vendor.example.
; signs and delegates its key, no SPF for the vendor, p=none
dkimonly.example.                   IN TXT "v=spf1 mx -all"
default._domainkey.dkimonly.example. IN CNAME default._domainkey.vendor.example.
_dmarc.dkimonly.example.            IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"
; no key, SPF at the apex only
spfonly.example.                    IN TXT "v=spf1 include:spf.vendor.example -all"
_dmarc.spfonly.example.             IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"
; the return path delegated
delegated.example.                  IN TXT "v=spf1 -all"
bounce.delegated.example.           IN CNAME rp.vendor.example.
_dmarc.delegated.example.           IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"
; the return path delegated, but strict SPF alignment
strict.example.                     IN TXT "v=spf1 -all"
bounce.strict.example.              IN CNAME rp.vendor.example.
_dmarc.strict.example.              IN TXT "v=DMARC1; p=none; aspf=s; rua=mailto:dmarc@vendor.example"
`
	for _, tc := range []struct {
		name, envelope, domain string
		ready                  bool
		spfStatus              domaincheck.Status
		wantChange             string // the name of a change the plan must hold ("" for none)
		noChange               string // the name of a change the plan must not hold
	}{
		// The customer's address in MAIL FROM: SPF at the domain aligns.
		{"customer/spf", `{"mode": "customer"}`, "spfonly.example", true, domaincheck.StatusFine, "default._domainkey.spfonly.example.", ""},
		// DKIM aligns, but the record ends in -all without the vendor:
		// SPF fail on the envelope, which receivers reject before DMARC.
		{"customer/dkim", `{"mode": "customer"}`, "dkimonly.example", false, domaincheck.StatusChange, "dkimonly.example.", ""},
		// The vendor's bounce domain: SPF never aligns, DKIM alone decides,
		// and the customer's SPF record is left alone.
		{"vendor/dkim", `{"mode": "vendor", "domain": "bounces.vendor.example"}`, "dkimonly.example", true, domaincheck.StatusFine, "", "dkimonly.example."},
		{"vendor/spf", `{"mode": "vendor", "domain": "bounces.vendor.example"}`, "spfonly.example", false, domaincheck.StatusFine, "default._domainkey.spfonly.example.", "spfonly.example."},
		// A return path delegated to the vendor: SPF passes there and
		// aligns (relaxed), unless the policy asks for strict alignment.
		{"return-path/delegated", `{"mode": "return-path", "name": "bounce", "target": "rp.vendor.example"}`, "delegated.example", true, domaincheck.StatusFine, "", "delegated.example."},
		{"return-path/missing", `{"mode": "return-path", "name": "bounce", "target": "rp.vendor.example"}`, "spfonly.example", false, domaincheck.StatusChange, "bounce.spfonly.example.", "spfonly.example."},
		{"return-path/strict", `{"mode": "return-path", "name": "bounce", "target": "rp.vendor.example"}`, "strict.example", false, domaincheck.StatusBroken, "default._domainkey.strict.example.", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := domaincheck.ParseProfile(withProfile(t, `"envelope": `+tc.envelope))
			if err != nil {
				t.Fatal(err)
			}
			for rname, r := range dnstest.Resolvers(t, dnstest.MustZone(zone)) {
				rep := (&domaincheck.Checker{Profile: p, Resolver: r}).Check(context.Background(), tc.domain)
				if rep.Ready != tc.ready || rep.Area(domaincheck.AreaSPF).Status != tc.spfStatus {
					t.Errorf("%s: ready %v, spf %s; want %v, %s\n%s", rname, rep.Ready, rep.Area(domaincheck.AreaSPF).Status, tc.ready, tc.spfStatus, rep.Text())
				}
				names := map[string]bool{}
				for _, ch := range rep.Plan.Changes {
					names[ch.Name] = true
				}
				if tc.wantChange != "" && !names[tc.wantChange] {
					t.Errorf("%s: no change at %s:\n%s", rname, tc.wantChange, rep.Plan.Changes.Text())
				}
				if tc.noChange != "" && names[tc.noChange] {
					t.Errorf("%s: a change at %s, which does not help:\n%s", rname, tc.noChange, rep.Plan.Changes.Text())
				}
			}
		})
	}
}

// A profile whose goal is stricter than its minimum reaches ready at the
// minimum, and the next stage waits for the evidence of each domain: a
// batch can give it per domain.
func TestEvidencePerDomain(t *testing.T) {
	z := dnstest.MustZone(checkZone + `
a.example.                     IN TXT "v=spf1 include:spf.vendor.example -all"
default._domainkey.a.example.  IN CNAME default._domainkey.vendor.example.
_dmarc.a.example.              IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"
b.example.                     IN TXT "v=spf1 include:spf.vendor.example -all"
default._domainkey.b.example.  IN CNAME default._domainkey.vendor.example.
_dmarc.b.example.              IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"
`)
	c := newChecker(t, z)
	c.Evidence = func(domain string) domaincheck.Evidence {
		return domaincheck.Evidence{ReportsPass: domain == "b.example"}
	}
	got := map[string]*domaincheck.DomainReport{}
	var mu sync.Mutex
	if err := c.CheckBatch(context.Background(), []string{"a.example", "b.example"}, domaincheck.BatchOptions{}, func(r *domaincheck.DomainReport) {
		mu.Lock()
		defer mu.Unlock()
		got[r.Domain] = r
	}); err != nil {
		t.Fatal(err)
	}
	a, b := got["a.example"], got["b.example"]
	if !a.Ready || !b.Ready {
		t.Fatalf("not ready at the minimum: %s / %s", a.Summary, b.Summary)
	}
	if len(a.Plan.Changes) != 0 || !hasCode(a.Area(domaincheck.AreaDMARC).Findings, "dmarc-staged") {
		t.Errorf("a.example (no evidence): the next stage is not advice with its condition:\n%s", a.Text())
	}
	if len(b.Plan.Changes) != 1 || b.Plan.Changes[0].Added()[0].Value() != "v=DMARC1; p=quarantine; rua=mailto:dmarc@vendor.example" || b.Area(domaincheck.AreaDMARC).Blocking {
		t.Errorf("b.example (reports pass): the next stage is not proposed as advice:\n%s", b.Text())
	}

	// A minimum of quarantine: p=none is not ready, and says so.
	c.Profile.DMARC.Minimum = "quarantine"
	rep := c.Check(context.Background(), "a.example")
	if rep.Ready || !rep.MaySend || !hasCode(rep.Area(domaincheck.AreaDMARC).Findings, domaincheck.CodeDMARCBelowMinimum) || !rep.Area(domaincheck.AreaDMARC).Blocking {
		t.Errorf("p=none under a quarantine minimum: %s", rep.Text())
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
	got := map[string]*domaincheck.DomainReport{}
	var progress []int
	err := c.CheckBatch(context.Background(), domains, domaincheck.BatchOptions{Concurrency: 3, Progress: func(done, total int) {
		if total != len(domains) {
			t.Errorf("total %d", total)
		}
		progress = append(progress, done)
	}}, func(r *domaincheck.DomainReport) {
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
	if r := got["refused.example"]; r.Status != domaincheck.DomainNotChecked || !strings.Contains(r.Summary, "Could not check") {
		t.Errorf("refused.example: %s %s", r.Status, r.Summary)
	}
	if !got["ready.example"].Ready {
		t.Errorf("ready.example: %s", got["ready.example"].Summary)
	}
	if got["not a domain"].Err == nil {
		t.Error("an invalid domain has no error")
	}
	// The vendor's side is checked once for the batch and shared, and no
	// question is asked twice.
	if got["ready.example"].Vendor == nil || got["ready.example"].Vendor != got["new.example"].Vendor {
		t.Error("the vendor's report is not shared by the batch")
	}
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
	err := c.CheckBatch(ctx, domains, domaincheck.BatchOptions{Concurrency: 2}, func(*domaincheck.DomainReport) {
		if n++; n == 5 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || n < 5 || n >= len(domains) {
		t.Errorf("err %v after %d reports", err, n)
	}
	if err := (&domaincheck.Checker{}).CheckBatch(context.Background(), domains, domaincheck.BatchOptions{}, nil); !errors.Is(err, domaincheck.ErrNoProfile) {
		t.Errorf("no profile: err = %v", err)
	}
}

// The MX hosts a delivery check resolves are capped, and it says so.
func TestMXCapped(t *testing.T) {
	var zone strings.Builder
	zone.WriteString(checkZone)
	for i := range 5000 {
		zone.WriteString("many.example. IN MX 10 mx" + itoa(i) + ".many.example.\n")
	}
	z := dnstest.MustZone(zone.String())
	z.ResetQueries()
	rep := newChecker(t, z).Check(context.Background(), "many.example")
	mxQuestions := 0
	for _, q := range z.Queries() {
		if strings.HasPrefix(q.Name, "mx") && strings.HasSuffix(q.Name, ".many.example.") {
			mxQuestions++
		}
	}
	// 10 hosts checked by delivery, each A and AAAA; SPF asks none of
	// them (the domain has no SPF record).
	if mxQuestions > 20 || !hasCode(rep.Area(domaincheck.AreaDelivery).Findings, domaincheck.CodeMXSkipped) {
		t.Errorf("%d questions for MX hosts, findings %v", mxQuestions, rep.Area(domaincheck.AreaDelivery).Findings)
	}
	if n := len(rep.Area(domaincheck.AreaDelivery).Findings); n > 15 {
		t.Errorf("%d delivery findings for one domain", n)
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

func hasCode(fs []plan.Finding, code plan.Code) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

// For a vendor with an IPv6 server, an mx term whose hosts have IPv4
// addresses only makes empty AAAA answers that some receivers count as
// void lookups: the check warns, naming the term, and only then.
func TestVoidLookupsIPv6(t *testing.T) {
	zone := checkZone + `
spf.vendor6.example.          IN TXT "v=spf1 ip4:5.255.64.53 ip6:2001:db8:25::/48 -all"
v6.example.                   IN TXT "v=spf1 mx include:spf.vendor6.example ~all"
v6.example.                   IN MX 10 mx1.v6.example.
v6.example.                   IN MX 20 mx2.v6.example.
v6.example.                   IN MX 30 mx3.v6.example.
mx1.v6.example.               IN A  192.0.2.1
mx2.v6.example.               IN A  192.0.2.2
mx3.v6.example.               IN A  192.0.2.3
two.example.                  IN TXT "v=spf1 mx include:spf.vendor6.example ~all"
two.example.                  IN MX 10 mx1.v6.example.
two.example.                  IN MX 20 mx2.v6.example.
`
	for _, tc := range []struct {
		domain string
		v6     bool
		warn   bool
	}{
		{"v6.example", true, true},
		{"v6.example", false, false}, // IPv4 servers only: AAAA is never asked
		{"two.example", true, false}, // two empty answers: within every receiver's limit
	} {
		p, err := domaincheck.ParseProfile(withProfile(t, `"spf": "include:spf.vendor6.example"`))
		if err != nil {
			t.Fatal(err)
		}
		if tc.v6 {
			p.Servers = append(p.Servers, domaincheck.Server{Address: netip.MustParseAddr("2001:db8:25::53"), HELO: "smtp1.vendor.example"})
		}
		rep := (&domaincheck.Checker{Profile: p, Resolver: dnstest.MustZone(zone)}).Check(context.Background(), tc.domain)
		var f *plan.Finding
		for _, x := range rep.Area(domaincheck.AreaSPF).Findings {
			if x.Code == domaincheck.CodeVoidIPv6 {
				f = &x
			}
		}
		if (f != nil) != tc.warn || (f != nil && (f.Params["terms"] != "mx" || f.Params["empty"] != "3")) {
			t.Errorf("%s (IPv6 %v): warning %+v", tc.domain, tc.v6, f)
		}
	}
}

// Records that live elsewhere: a DMARC record hosted by a service behind a
// CNAME, and a _dmarc delegated to a service's name servers. The plan
// reads the policy where it lives, never proposes a TXT record beside the
// CNAME, never weakens the hosted policy, and sends the change to whoever
// operates the record.
func TestHostedRecords(t *testing.T) {
	zone := checkZone + `
hosted.example.                 IN TXT "v=spf1 include:spf.vendor.example -all"
default._domainkey.hosted.example. IN CNAME default._domainkey.vendor.example.
_dmarc.hosted.example.          IN CNAME hosted.example._d.dmarc-service.example.
hosted.example._d.dmarc-service.example. IN TXT "v=DMARC1; p=reject; rua=mailto:reports@dmarc-service.example"
*._report._dmarc.dmarc-service.example. IN TXT "v=DMARC1"
delegated.example.              IN SOA ns1.host.example. hostmaster.delegated.example. 1 7200 3600 1209600 300
delegated.example.              IN NS  ns1.host.example.
delegated.example.              IN TXT "v=spf1 include:spf.vendor.example -all"
default._domainkey.delegated.example. IN CNAME default._domainkey.vendor.example.
_dmarc.delegated.example.       IN SOA ns1.dmarc-service.example. hostmaster.dmarc-service.example. 1 7200 3600 1209600 300
_dmarc.delegated.example.       IN NS  ns1.dmarc-service.example.
_dmarc.delegated.example.       IN TXT "v=DMARC1; p=quarantine; rua=mailto:reports@dmarc-service.example"
`
	for rname, r := range dnstest.Resolvers(t, dnstest.MustZone(zone)) {
		t.Run(rname, func(t *testing.T) {
			c := newChecker(t, r)
			for _, tc := range []struct {
				domain, at, zone, policy, text string
			}{
				{"hosted.example", "hosted.example._d.dmarc-service.example.", "dmarc-service.example.", "p=reject", "hosted by dmarc-service.example"},
				{"delegated.example", "_dmarc.delegated.example.", "_dmarc.delegated.example.", "p=quarantine", "its name servers are ns1.dmarc-service.example"},
			} {
				rep := c.Check(context.Background(), tc.domain)
				if !rep.Ready {
					t.Errorf("%s: a strict hosted policy is not ready: %s", tc.domain, rep.Summary)
				}
				var dm []plan.Change
				for _, ch := range rep.Plan.Changes {
					if ch.Stage == plan.StageDMARC {
						dm = append(dm, ch)
					}
				}
				if len(dm) != 1 {
					t.Fatalf("%s: %d DMARC changes:\n%s", tc.domain, len(dm), rep.Plan.Changes.Text())
				}
				ch := dm[0]
				if ch.Name != tc.at || ch.Zone != tc.zone || ch.Party != plan.PartyOther || ch.Operator == "" {
					t.Errorf("%s: the change is at %s in %s for the %s (operator %q)", tc.domain, ch.Name, ch.Zone, ch.Party, ch.Operator)
				}
				for _, rec := range ch.Added() {
					if rec.Name != ch.Name {
						t.Errorf("%s: the change adds a record at %s, beside the CNAME, not where the record lives (%s)", tc.domain, rec.Name, ch.Name)
					}
					if rec.Type != dnsrec.TypeTXT || !strings.Contains(rec.Value(), tc.policy) || !strings.Contains(rec.Value(), "mailto:reports@dmarc-service.example") {
						t.Errorf("%s: the hosted policy is weakened or its reports dropped: %s", tc.domain, rec.Value())
					}
				}
				if len(rep.Plan.Changes.For(plan.PartyCustomer)) != 0 {
					t.Errorf("%s: the customer is told to change what the service operates:\n%s", tc.domain, rep.Plan.Changes.For(plan.PartyCustomer).Text())
				}
				if text := rep.Text(); !strings.Contains(text, tc.text) {
					t.Errorf("%s: the step does not say who makes it:\n%s", tc.domain, text)
				}
			}
		})
	}
}

// The vendor's broken key record is described in the reader's language,
// its errors too, not only the sentence around them.
func TestVendorKeyProblemsWorded(t *testing.T) {
	z := dnstest.MustZone(checkZone)
	z.Remove(vendortest.DKIMTarget+".", dnsrec.TypeTXT)
	z.Add(vendortest.DKIMTarget + `. IN TXT "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"`)
	v := newChecker(t, z).CheckVendor(context.Background())
	var key *plan.Finding
	for i, f := range v.Findings {
		if f.Code == domaincheck.CodeVendorKey {
			key = &v.Findings[i]
		}
	}
	if key == nil {
		t.Fatalf("no %s finding: %v", domaincheck.CodeVendorKey, v.Findings)
	}
	want := map[string]string{}
	for _, f := range dkim.Lint(`v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA`) {
		if f.Severity == plan.SeverityError {
			for _, lang := range []string{"en", "de", "fr"} {
				if want[lang] != "" {
					want[lang] += "; "
				}
				want[lang] += f.In(language.MustParse(lang)).Message
			}
		}
	}
	if want["en"] == "" || want["de"] == want["en"] {
		t.Fatalf("the lint found no error, or words it in English only: %v", want)
	}
	for lang, sentence := range map[string]string{
		"en": "the vendor's key record default._domainkey.vendor.example is broken: " + want["en"],
		"de": "der Schlüsseleintrag default._domainkey.vendor.example des Anbieters ist fehlerhaft: " + want["de"],
		"fr": "",
	} {
		got := v.In(language.MustParse(lang))
		var msg string
		for _, f := range got.Findings {
			if f.Code == domaincheck.CodeVendorKey {
				msg = f.Message
			}
		}
		if sentence != "" && msg != sentence {
			t.Errorf("%s:\n got %s\nwant %s", lang, msg, sentence)
		}
		if lang != "en" && (strings.Contains(msg, want["en"]) || !strings.HasSuffix(msg, want[lang])) {
			t.Errorf("%s: the errors are not worded in the language: %s", lang, msg)
		}
	}
}
