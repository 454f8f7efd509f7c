package domaincheck_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/plan/findingtest"
	"github.com/domainauth/domainauth/spf"
)

// fullZone holds a customer whose SPF record already takes the 10 DNS
// lookups RFC 7208 allows (three includes of 3 each, and mx), so the
// vendor's include cannot be added; DKIM is delegated to the vendor and
// aligns, and the policy is p=none. The record ends in all, which the test
// fills in.
const fullZone = checkZone + `
bounces.vendor.example.            IN TXT "v=spf1 ip4:5.255.64.53 -all"
h1.svc.example.                    IN A   198.51.100.1
h2.svc.example.                    IN A   198.51.100.2
spf1.svc.example.                  IN TXT "v=spf1 a:h1.svc.example a:h2.svc.example -all"
spf2.svc.example.                  IN TXT "v=spf1 a:h1.svc.example a:h2.svc.example -all"
spf3.svc.example.                  IN TXT "v=spf1 a:h1.svc.example a:h2.svc.example -all"
full.example.                      IN SOA ns1.full.example. hostmaster.full.example. 1 7200 900 1209600 3600
full.example.                      IN NS  ns1.vendor.example.
full.example.                      IN MX  10 mx.full.example.
mx.full.example.                   IN A   192.0.2.40
full.example.                      IN TXT "v=spf1 include:spf1.svc.example include:spf2.svc.example include:spf3.svc.example mx %s"
default._domainkey.full.example.   IN CNAME default._domainkey.vendor.example.
_dmarc.full.example.               IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"
`

// spfFinding returns the finding about the vendor's server failing SPF.
func spfFinding(t *testing.T, rep *domaincheck.DomainReport) plan.Finding {
	t.Helper()
	for _, f := range rep.Area(domaincheck.AreaSPF).Findings {
		if f.Code == domaincheck.CodeVendorSPFFails {
			return f
		}
	}
	t.Fatalf("no %s finding:\n%s", domaincheck.CodeVendorSPFFails, rep.Text())
	return plan.Finding{}
}

// SPF fail on the customer's envelope blocks, even with DKIM aligned and
// DMARC passing: receivers reject it before DMARC is evaluated. When the
// vendor's include does not fit, the fix offers the ways out in order of
// effort, naming the record's includes with their lookups. softfail is
// advice; the vendor's own bounce domain leaves the customer's SPF out.
func TestSPFFailOnEnvelopeBlocks(t *testing.T) {
	customer, err := domaincheck.ParseProfile(withProfile(t, `"envelope": {"mode": "customer"}`))
	if err != nil {
		t.Fatal(err)
	}
	vendor, err := domaincheck.ParseProfile(withProfile(t, `"envelope": {"mode": "vendor", "domain": "bounces.vendor.example"}`))
	if err != nil {
		t.Fatal(err)
	}
	codes := findingtest.Declared(t, ".")
	for _, all := range []string{"-all", "~all"} {
		zone := strings.Replace(fullZone, "%s", all, 1)
		for rname, r := range dnstest.Resolvers(t, dnstest.MustZone(zone)) {
			t.Run(all+"/"+rname, func(t *testing.T) {
				ctx := context.Background()
				rep := (&domaincheck.Checker{Profile: customer, Resolver: r}).Check(ctx, "full.example")
				area := rep.Area(domaincheck.AreaSPF)
				withheld := false
				for _, f := range area.Findings {
					withheld = withheld || f.Code == plan.CodeWithheld
				}
				if !withheld {
					t.Errorf("the vendor's include is not withheld at the lookup limit:\n%s", rep.Text())
				}
				f := spfFinding(t, rep)
				findingtest.Check(t, area.Findings)
				codes.CheckNames(t, area.Findings)
				if all == "~all" {
					if !rep.Ready || rep.Status != domaincheck.DomainReady || f.Severity != plan.SeverityWarning || !strings.Contains(f.Message, "softfail") || !strings.Contains(f.Message, "do not reject") ||
						!strings.Contains(f.Fix, "(c) ask Example CRM") {
						t.Errorf("softfail: ready %v, %s, finding %s %s\n%s", rep.Ready, rep.Status, f.Severity, f.Message, rep.Text())
					}
					return
				}
				if rep.Ready || rep.MaySend || rep.Status == domaincheck.DomainReady || f.Severity != plan.SeverityError || !area.Blocking ||
					(area.Status != domaincheck.StatusChange && area.Status != domaincheck.StatusBroken) {
					t.Errorf("fail: ready %v, may send %v, %s, spf %s, finding %s\n%s", rep.Ready, rep.MaySend, rep.Status, area.Status, f.Severity, rep.Text())
				}
				named := false
				for _, b := range rep.Blockers {
					named = named || strings.Contains(b, "SPF gives fail for 5.255.64.53")
				}
				if !named {
					t.Errorf("the blockers do not name the SPF fail: %q", rep.Blockers)
				}
				// The ways out, in order of effort, each with its consequence.
				if want := "include:spf1.svc.example (3), include:spf2.svc.example (3), include:spf3.svc.example (3)"; f.Params["includes"] != want {
					t.Errorf("includes %q, want %q", f.Params["includes"], want)
				}
				a, b, c := strings.Index(f.Fix, "(a) remove or replace an include that full.example no longer uses (the record's includes"), strings.Index(f.Fix, "(b) ask Example CRM to send with a return-path subdomain"), strings.Index(f.Fix, "(c) ask Example CRM to send with its own bounce domain")
				if a < 0 || b < a || c < b || !strings.Contains(f.Fix, "aligns with full.example") || !strings.Contains(f.Fix, "DKIM signature alone") {
					t.Errorf("the ways out are not there in order:\n%s", f.Fix)
				}
				js, err := json.Marshal(rep)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(js), `"includes":"include:spf1.svc.example (3)`) || !strings.Contains(rep.Text(), "(c) ask Example CRM") {
					t.Errorf("the ways out are not rendered in JSON and text")
				}
			})
		}
		for rname, r := range dnstest.Resolvers(t, dnstest.MustZone(zone)) {
			rep := (&domaincheck.Checker{Profile: vendor, Resolver: r}).Check(context.Background(), "full.example")
			if !rep.Ready || rep.Area(domaincheck.AreaSPF).Blocking {
				t.Errorf("%s %s, the vendor's bounce domain: the customer's SPF decides:\n%s", all, rname, rep.Text())
			}
		}
	}
}

// The lookup tree the ways out quote is the one spf.Analyze sees.
func TestFullZoneIsAtTheLimit(t *testing.T) {
	an, err := spf.Analyze(context.Background(), dnstest.MustZone(strings.Replace(fullZone, "%s", "-all", 1)), "full.example")
	if err != nil || an.Lookups != spf.DefaultMaxLookups {
		t.Fatalf("lookups %v, %v; want %d", an, err, spf.DefaultMaxLookups)
	}
}

// A return path delegated to the vendor as it asks, whose record there
// fails the vendor's server: the envelope is under the customer's domain,
// so it blocks, and the fix is the vendor's.
func TestSPFFailOnReturnPath(t *testing.T) {
	p, err := domaincheck.ParseProfile(withProfile(t, `"envelope": {"mode": "return-path", "name": "bounce", "target": "rp.vendor.example"}`))
	if err != nil {
		t.Fatal(err)
	}
	zone := checkZone + `
rp.vendor.example.                 IN TXT "v=spf1 ip4:192.0.2.1 -all"
rpfail.example.                    IN TXT "v=spf1 -all"
bounce.rpfail.example.             IN CNAME rp.vendor.example.
default._domainkey.rpfail.example. IN CNAME default._domainkey.vendor.example.
_dmarc.rpfail.example.             IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"
`
	for rname, r := range dnstest.Resolvers(t, dnstest.MustZone(zone)) {
		rep := (&domaincheck.Checker{Profile: p, Resolver: r}).Check(context.Background(), "rpfail.example")
		f := spfFinding(t, rep)
		if rep.Ready || f.Severity != plan.SeverityError || !rep.Area(domaincheck.AreaSPF).Blocking || !strings.Contains(f.Fix, "Example CRM fixes the SPF record of its return-path domain rp.vendor.example") {
			t.Errorf("%s: ready %v, finding %s, fix %q\n%s", rname, rep.Ready, f.Severity, f.Fix, rep.Text())
		}
	}
}
