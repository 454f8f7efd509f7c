package spf_test

import (
	"context"
	"net/netip"
	"testing"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// hostedZone is a domain whose SPF record is a hosted SPF service's macro
// include: the service answers for each address, and has switched on
// 5.255.64.53 (an exists-style answer for that address only).
const hostedZone = `
hosted.example. IN TXT "v=spf1 include:%{i}._ip.%{h}._ehlo.%{d}._spf.hosted-spf.example -all"
5.255.64.53._ip.smtp1.vendor.example._ehlo.hosted.example._spf.hosted-spf.example. IN TXT "v=spf1 ip4:5.255.64.53 -all"
`

func hostedFindings(t *testing.T) []plan.Finding {
	t.Helper()
	p, err := plan.Check(context.Background(), dnstest.MustZone(hostedZone), spf.Authorize{Domain: "hosted.example", Term: "include:spf.vendor.example"})
	if err != nil {
		t.Fatal(err)
	}
	return p.AllFindings()
}

// A record hosted by an SPF service behind a macro include is evaluated
// with check_host() as any other, and never edited: the vendor is switched
// on in the service's console, and the finding says so.
func TestHostedSPF(t *testing.T) {
	for rname, r := range dnstest.Resolvers(t, dnstest.MustZone(hostedZone)) {
		t.Run(rname, func(t *testing.T) {
			p, err := plan.Check(context.Background(), r, spf.Authorize{Domain: "hosted.example", Term: "include:spf.vendor.example"})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Changes) != 0 {
				t.Errorf("a change beside the hosted service's include:\n%s", p.Changes.Text())
			}
			var f *plan.Finding
			for _, x := range p.AllFindings() {
				if x.Code == spf.CodeHostedSPF {
					f = &x
				}
			}
			if f == nil || f.Params["service"] != "hosted-spf.example" || f.Severity != plan.SeverityInfo {
				t.Errorf("finding %+v", f)
			}
			c := &spf.Checker{Resolver: r}
			if res := c.CheckHost(context.Background(), netip.MustParseAddr("5.255.64.53"), "hosted.example", "a@hosted.example", "smtp1.vendor.example"); res.Status != spf.StatusPass {
				t.Errorf("the switched-on address: %s (%v)", res.Status, res.Err)
			}
			if res := c.CheckHost(context.Background(), netip.MustParseAddr("192.0.2.99"), "hosted.example", "a@hosted.example", "smtp1.vendor.example"); res.Status == spf.StatusPass {
				t.Errorf("another address: %s", res.Status)
			}
		})
	}
}
