package main

import (
	"context"
	"encoding/json"
	"net/netip"
	"sort"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/internal/vendortest"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/plan/findingtest"
)

// senderZone holds, beside the vendor's records, a domain for each
// situation of the vendor check the demo domains do not show.
const senderZone = vendortest.Zone + `
vendor.example.                    IN SOA ns1.vendor.example. hostmaster.vendor.example. 1 7200 3600 1209600 300
vendor.example.                    IN NS  ns1.vendor.example.
smtp1.vendor.example.              IN A   5.255.64.53
smtp1.vendor.example.              IN TXT "v=spf1 a -all"
smtp2.vendor.example.              IN A   192.0.2.99
53.64.255.5.in-addr.arpa.          IN PTR smtp1.vendor.example.
26.2.0.192.in-addr.arpa.           IN PTR mail.elsewhere.example.
53.64.255.5.bl.example.            IN A   127.0.0.2
53.64.255.5.bl.example.            IN TXT "listed for sending spam on 2026-11-01"
*._report._dmarc.vendor.example.   IN TXT "v=DMARC1"
bounces.vendor.example.            IN TXT "v=spf1 ip4:5.255.64.53 -all"
rp.vendor.example.                 IN TXT "v=spf1 ip4:5.255.64.53 -all"

ready.example.                     IN SOA ns1.ready.example. hostmaster.ready.example. 1 7200 900 1209600 3600
ready.example.                     IN NS  ns1.ready.example.
ready.example.                     IN MX  10 mx.ready.example.
mx.ready.example.                  IN A   192.0.2.10
ready.example.                     IN TXT "v=spf1 include:spf.vendor.example -all"
default._domainkey.ready.example.  IN CNAME default._domainkey.vendor.example.
_dmarc.ready.example.              IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"
bounce.ready.example.              IN CNAME elsewhere.example.
taken.ready.example.               IN TXT "site-verification=abc"

addr.example.                      IN MX  10 192.0.2.20.
nullmx.example.                    IN MX  0 .
`

// TestSenderEnglishIsTheCatalogues: for every situation of the vendor
// check (its servers' reverse DNS and HELO names, a blocklist, a domain
// that does not exist, MX set-ups, the three envelope modes), each finding
// and each change reason the sender package writes today is the
// catalogue's English for its code and params: sender can render through
// the catalogue without changing a word. The codes whose sentences quote
// more than their params (findingtest.Incomplete) are said apart.
func TestSenderEnglishIsTheCatalogues(t *testing.T) {
	z := dnstest.MustZone(senderZone)
	for i := range 12 {
		z.Add("many.example. IN MX 10 mx" + string(rune('a'+i)) + ".many.example.")
	}
	profile := func(fields string) *domaincheck.Profile {
		var m map[string]any
		if err := json.Unmarshal(demo.ProfileJSON(), &m); err != nil {
			t.Fatal(err)
		}
		if fields != "" {
			var change map[string]any
			if err := json.Unmarshal([]byte("{"+fields+"}"), &change); err != nil {
				t.Fatal(err)
			}
			for k, v := range change {
				m[k] = v
			}
		}
		b, _ := json.Marshal(m)
		p, err := domaincheck.ParseProfile(b)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	var all []plan.Finding
	var changes plan.Changes
	check := func(p *domaincheck.Profile, blocklists []string, domains ...string) {
		c := &domaincheck.Checker{Profile: p, Resolver: z, Blocklists: blocklists}
		for _, d := range domains {
			rep := c.Check(context.Background(), d)
			for _, a := range rep.Areas {
				all = append(all, a.Findings...)
			}
			if rep.Plan != nil {
				all = append(all, rep.Plan.Findings...)
				changes = append(changes, rep.Plan.Changes...)
			}
		}
		all = append(all, c.CheckVendor(context.Background()).Findings...)
	}
	servers := profile("")
	servers.Servers = append(servers.Servers, domaincheck.Server{Address: netip.MustParseAddr("192.0.2.27"), HELO: "smtp1.vendor.example"})
	check(servers, []string{"bl.example"}, "ready.example", "nowhere.example", "mail.ready.example", "addr.example", "nullmx.example", "many.example")
	check(profile(`"envelope": {"mode": "vendor", "domain": "bounces.vendor.example"}`), nil, "ready.example")
	check(profile(`"envelope": {"mode": "return-path", "name": "bounce", "target": "rp.vendor.example"}`), nil, "ready.example")
	check(profile(`"envelope": {"mode": "return-path", "name": "taken", "target": "rp.vendor.example"}`), nil, "ready.example")
	check(profile(`"envelope": {"mode": "return-path", "name": "fresh", "target": "rp.vendor.example"}`), nil, "ready.example")
	z.Remove("default._domainkey.vendor.example", dnsrec.TypeTXT)
	check(profile(""), nil, "ready.example")

	// The English, code by code. (sender-return-path-occupied carries
	// target, which neither of its sentences quotes: the vendor check's
	// to drop or use, so findingtest.Check would fail on it here.)
	findingtest.CheckEnglish(t, all)
	findingtest.CheckReasonsEnglish(t, changes)
	reached := map[plan.Code]bool{}
	for _, f := range all {
		reached[f.Code] = true
	}
	for _, ch := range changes {
		for _, r := range ch.Reasons {
			reached[r.Code] = true
		}
	}
	want := []plan.Code{domaincheck.CodeNoPTR, domaincheck.CodePTRUnconfirmed, domaincheck.CodeHELOUnresolved, domaincheck.CodeListed,
		domaincheck.CodeNoDomain, domaincheck.CodeNotDelegated, domaincheck.CodeMXAddress, domaincheck.CodeNullMX, domaincheck.CodeMXSkipped,
		domaincheck.CodeSPFUnaligned, domaincheck.CodeReturnPathTarget, domaincheck.CodeReturnPathOccupied, domaincheck.CodeReturnPathMissing,
		domaincheck.ReasonReturnPath, domaincheck.CodeVendorKey}
	var missing []string
	for _, c := range want {
		if !reached[c] {
			missing = append(missing, string(c))
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no situation reached %s", strings.Join(missing, ", "))
	}
}
