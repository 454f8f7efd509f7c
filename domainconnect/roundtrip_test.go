package domainconnect_test

import (
	"context"
	"crypto/rsa"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/domainconnect"
)

// demoDomains are the customer domains of the demo zone.
var demoDomains = []string{
	"customer.example", "new.example", "klant.example", "dash.example", "twice.example", "full.example",
	"loop.example", "spaced.example", "ready.example", "hosted.example", "spaces.example", "misplaced.example",
	"shop.example", "weakkey.example",
}

var (
	testKeyOnce sync.Once
	testKey     *rsa.PrivateKey
)

// signingKey is one key for the whole test binary: making one takes a
// while.
func signingKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	testKeyOnce.Do(func() {
		k, err := domainconnect.GenerateKey(nil)
		if err != nil {
			panic(err)
		}
		testKey = k
	})
	return testKey
}

// TestRoundTrip: for every demo domain, check, offer, follow the link at
// the stand-in DNS host, and check again: where a link is offered, the
// domain ends ready (or as the plan promised), and the link's groups are
// exactly what was changed; where none is, a reason says why.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	zone := demoZone(t)
	p := demoProfile(t)
	tpl, err := domainconnect.FromProfile(p, domainconnect.Service{})
	if err != nil {
		t.Fatal(err)
	}
	key := signingKey(t)
	publishKey(t, zone, tpl, key)
	host := newStandIn(t, zone, tpl)
	checker := &domaincheck.Checker{Profile: p, Resolver: zone}
	o := &domainconnect.Offerer{Checker: checker, Template: tpl, Config: host.config(zone), Key: key,
		RedirectURI: "https://crm.vendor.example/domains/return"}

	want := map[string]domainconnect.ReasonCode{
		// offered ("")
		"klant.example":   "",
		"full.example":    domainconnect.ReasonSPFLimit,
		"loop.example":    "",
		"spaced.example":  "",
		"weakkey.example": "",
		// refused, and why
		"customer.example":  domainconnect.ReasonDMARCMerge,
		"new.example":       domainconnect.ReasonSPFMerge,
		"hosted.example":    domainconnect.ReasonSPFMerge,
		"dash.example":      domainconnect.ReasonBrokenRecord,
		"twice.example":     domainconnect.ReasonBrokenRecord,
		"ready.example":     domainconnect.ReasonDMARCMerge,
		"spaces.example":    domainconnect.ReasonBrokenRecord,
		"misplaced.example": domainconnect.ReasonBrokenRecord,
		"shop.example":      domainconnect.ReasonNothingToDo,
	}
	for _, d := range demoDomains {
		host.publish(t, d)
	}
	for _, d := range demoDomains {
		t.Run(d, func(t *testing.T) {
			before := checker.Check(ctx, d)
			offer := o.Offer(ctx, before, "state-"+d)
			if offer.Code != want[d] {
				t.Fatalf("offer code = %q (%s), want %q", offer.Code, offer.Reason, want[d])
			}
			if !offer.Offered {
				if offer.Reason == "" || len(offer.Reasons) == 0 {
					t.Errorf("not offered without a reason: %+v", offer)
				}
				if offer.ApplyURL != "" {
					t.Errorf("a link where none is offered: %s", offer.ApplyURL)
				}
				if offer.Code != domainconnect.ReasonNothingToDo && len(offer.Manual) == 0 {
					t.Errorf("not offered, and no manual steps")
				}
				return
			}
			if offer.DNSHost != "Example DNS Host" {
				t.Errorf("DNS host = %q", offer.DNSHost)
			}
			if !strings.Contains(offer.ApplyURL, "state=state-"+d) || !strings.Contains(offer.ApplyURL, "&sig=") {
				t.Errorf("link without state or signature: %s", offer.ApplyURL)
			}
			predicted, err := tpl.Apply(ctx, zone, domainconnect.Instance{Domain: d, Groups: offer.Groups})
			if err != nil {
				t.Fatal(err)
			}
			status, _ := host.browse(t, ctx, offer.ApplyURL)
			if status != http.StatusFound {
				t.Fatalf("apply: status %d", status)
			}
			// What the host did is what the vendor predicted, set by set.
			for _, c := range predicted {
				a, err := zone.Lookup(ctx, c.Name, c.Type)
				if err != nil {
					t.Fatal(err)
				}
				got := a.Records
				if c.Type != dnsrec.TypeCNAME && len(a.CNAMEs) > 0 {
					got = nil
				}
				if !dnsrec.SameSet(got, c.Proposed) {
					t.Errorf("%s %s: the host published %v, the prediction was %v", c.Name, c.Type, got, c.Proposed)
				}
			}
			after := checker.Check(ctx, d)
			if !after.Ready {
				t.Errorf("after the one-click apply, %s is %s: %v", d, after.Status, after.Blockers)
			}
			for _, c := range after.Plan.Changes.For("customer") {
				if c.Stage != "dmarc" || len(c.Current) == 0 {
					t.Errorf("after the apply, a change the link should have made is left: %s %s %s", c.Action, c.Type, c.Name)
				}
			}
		})
	}
}

// TestTamperedLink: the stand-in refuses a link whose query was changed
// after signing, and one signed by another key; the zone is left as it was.
func TestTamperedLink(t *testing.T) {
	ctx := context.Background()
	zone := demoZone(t)
	p := demoProfile(t)
	tpl, err := domainconnect.FromProfile(p, domainconnect.Service{})
	if err != nil {
		t.Fatal(err)
	}
	key := signingKey(t)
	publishKey(t, zone, tpl, key)
	host := newStandIn(t, zone, tpl)
	host.publish(t, "klant.example")
	checker := &domaincheck.Checker{Profile: p, Resolver: zone}
	o := &domainconnect.Offerer{Checker: checker, Template: tpl, Config: host.config(zone), Key: key}
	offer := o.Offer(ctx, checker.Check(ctx, "klant.example"), "")
	if !offer.Offered {
		t.Fatalf("not offered: %s", offer.Reason)
	}
	tampered := strings.Replace(offer.ApplyURL, "domain=klant.example", "domain=customer.example", 1)
	if status, _ := host.browse(t, ctx, tampered); status != http.StatusForbidden {
		t.Errorf("tampered link: status %d, want 403", status)
	}
	other, err := domainconnect.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	o.Key = other
	forged := o.Offer(ctx, checker.Check(ctx, "klant.example"), "")
	if status, _ := host.browse(t, ctx, forged.ApplyURL); status != http.StatusForbidden {
		t.Errorf("link signed by another key: status %d, want 403", status)
	}
	if rep := checker.Check(ctx, "klant.example"); rep.Ready {
		t.Errorf("a refused link changed the zone")
	}
}

// TestNotOnboarded: a DNS host without the template, and a zone without
// a _domainconnect record, each get their reason.
func TestNotOnboarded(t *testing.T) {
	ctx := context.Background()
	zone := demoZone(t)
	p := demoProfile(t)
	tpl, err := domainconnect.FromProfile(p, domainconnect.Service{})
	if err != nil {
		t.Fatal(err)
	}
	host := newStandIn(t, zone, tpl)
	checker := &domaincheck.Checker{Profile: p, Resolver: zone}
	o := &domainconnect.Offerer{Checker: checker, Template: tpl, Config: host.config(zone), Key: signingKey(t)}
	if got := o.Offer(ctx, checker.Check(ctx, "klant.example"), ""); got.Code != domainconnect.ReasonNoDomainConnect {
		t.Errorf("no _domainconnect record: code %q (%s)", got.Code, got.Reason)
	}
	host.publish(t, "klant.example")
	host.onboarded = false
	got := o.Offer(ctx, checker.Check(ctx, "klant.example"), "")
	if got.Code != domainconnect.ReasonTemplateUnsupported {
		t.Errorf("template not onboarded: code %q (%s)", got.Code, got.Reason)
	}
	if got.ControlPanel != "https://panel.dnshost.example/zones?d=klant.example" || len(got.Manual) == 0 {
		t.Errorf("no way to make the changes by hand: control panel %q, %d manual steps", got.ControlPanel, len(got.Manual))
	}
}

// TestSimulationCatchesBreakage: a template whose DKIM group would also
// wipe the domain's TXT records (its SPF record among them) expresses the
// plan's DKIM change, but applied in memory it leaves the domain worse
// than the plan does: no link.
func TestSimulationCatchesBreakage(t *testing.T) {
	ctx := context.Background()
	zone := demoZone(t)
	p := demoProfile(t)
	tpl, err := domainconnect.FromProfile(p, domainconnect.Service{})
	if err != nil {
		t.Fatal(err)
	}
	tpl.Records = append(tpl.Records, domainconnect.Record{Type: domainconnect.TypeTXT, GroupID: domainconnect.GroupDKIM,
		Host: "@", Data: "vendor-verification=1", TTL: 3600, ConflictMode: domainconnect.ConflictAll})
	key := signingKey(t)
	publishKey(t, zone, tpl, key)
	host := newStandIn(t, zone, tpl)
	checker := &domaincheck.Checker{Profile: p, Resolver: zone}
	o := &domainconnect.Offerer{Checker: checker, Template: tpl, Config: host.config(zone), Key: key}
	for _, d := range []string{"spaced.example", "weakkey.example"} {
		host.publish(t, d)
		got := o.Offer(ctx, checker.Check(ctx, d), "")
		t.Logf("%s: %s", d, got.Sentence())
		if got.Offered || got.Code != domainconnect.ReasonSimulationDiffers {
			t.Errorf("%s: offered %t, code %q (%s)", d, got.Offered, got.Code, got.Reason)
		}
	}
}

// TestRoundTripSubdomain: a customer domain below its zone's apex
// (mail.klant.example in the zone klant.example) gets a link with host=,
// and the records land under it.
func TestRoundTripSubdomain(t *testing.T) {
	ctx := context.Background()
	zone := demoZone(t)
	if err := zone.Add(`mail.klant.example. TXT "site-verification=1"`); err != nil {
		t.Fatal(err)
	}
	p := demoProfile(t)
	tpl, err := domainconnect.FromProfile(p, domainconnect.Service{})
	if err != nil {
		t.Fatal(err)
	}
	key := signingKey(t)
	publishKey(t, zone, tpl, key)
	host := newStandIn(t, zone, tpl)
	host.publish(t, "klant.example")
	checker := &domaincheck.Checker{Profile: p, Resolver: zone}
	o := &domainconnect.Offerer{Checker: checker, Template: tpl, Config: host.config(zone), Key: key}
	offer := o.Offer(ctx, checker.Check(ctx, "mail.klant.example"), "")
	if !offer.Offered {
		t.Fatalf("not offered: %s", offer.Reason)
	}
	if !strings.Contains(offer.ApplyURL, "?domain=klant.example&host=mail&") {
		t.Errorf("link: %s", offer.ApplyURL)
	}
	if status, body := host.browse(t, ctx, offer.ApplyURL); status != http.StatusOK {
		t.Fatalf("apply: %d %s", status, body)
	}
	if after := checker.Check(ctx, "mail.klant.example"); !after.Ready {
		t.Errorf("after the apply: %s %v", after.Status, after.Blockers)
	}
	if a, _ := zone.Lookup(ctx, "default._domainkey.mail.klant.example", "CNAME"); len(a.Records) != 1 {
		t.Errorf("the DKIM delegation is not under the host: %+v", a)
	}
}

// TestRoundTripReturnPath: a vendor that publishes its key as a record and
// bounces to a return-path subdomain gets the key record, the CNAME and
// DMARC in one click.
func TestRoundTripReturnPath(t *testing.T) {
	ctx := context.Background()
	zone := demoZone(t)
	if err := zone.Add(`
rp.mailer.example.     TXT "v=spf1 ip4:5.255.64.53 -all"
out.mailer.example.    A   5.255.64.53
fresh.example.         MX  10 mx.fresh.example.
mx.fresh.example.      A   203.0.113.77
`); err != nil {
		t.Fatal(err)
	}
	tpls := profileTemplates(t)
	tpl := tpls["return-path"]
	p, err := domaincheck.ParseProfile([]byte(returnPathProfile))
	if err != nil {
		t.Fatal(err)
	}
	key := signingKey(t)
	publishKey(t, zone, tpl, key)
	host := newStandIn(t, zone, tpl)
	host.publish(t, "fresh.example")
	checker := &domaincheck.Checker{Profile: p, Resolver: zone}
	o := &domainconnect.Offerer{Checker: checker, Template: tpl, Config: host.config(zone), Key: key}
	before := checker.Check(ctx, "fresh.example")
	offer := o.Offer(ctx, before, "")
	if !offer.Offered {
		t.Fatalf("not offered: %s (%v)", offer.Reason, before.Plan.Changes)
	}
	if strings.Join(offer.Groups, ",") != "dkim,return-path,dmarc" {
		t.Errorf("groups %v", offer.Groups)
	}
	if status, body := host.browse(t, ctx, offer.ApplyURL); status != http.StatusOK {
		t.Fatalf("apply: %d %s", status, body)
	}
	// The plan's first stage is p=none with reports, below this vendor's
	// minimum until the reports show the mail passing: after the click the
	// vendor's mail passes DMARC and nothing is left for the customer to
	// change, as the plan promised.
	after := checker.Check(ctx, "fresh.example")
	if !after.MaySend || len(after.Plan.Changes.For("customer")) != 0 {
		t.Errorf("after the apply: may send %t, %s %v, changes %v", after.MaySend, after.Status, after.Blockers, after.Plan.Changes)
	}
}

// TestRoundTripHostedElsewhere: a domain whose DMARC record is hosted by
// a DMARC service through a CNAME gets the link for its own change (the
// DKIM delegation), with a note that the DMARC change is the service's.
func TestRoundTripHostedElsewhere(t *testing.T) {
	ctx := context.Background()
	zone := demoZone(t)
	if err := zone.Add(`
viacname.example.                TXT   "v=spf1 include:spf.vendor.example -all"
_dmarc.viacname.example.         CNAME viacname.dmarc.service.example.
viacname.dmarc.service.example.  TXT   "v=DMARC1; p=none; rua=mailto:x@service.example"
`); err != nil {
		t.Fatal(err)
	}
	p := demoProfile(t)
	tpl, err := domainconnect.FromProfile(p, domainconnect.Service{})
	if err != nil {
		t.Fatal(err)
	}
	key := signingKey(t)
	publishKey(t, zone, tpl, key)
	host := newStandIn(t, zone, tpl)
	host.publish(t, "viacname.example")
	checker := &domaincheck.Checker{Profile: p, Resolver: zone}
	o := &domainconnect.Offerer{Checker: checker, Template: tpl, Config: host.config(zone), Key: key}
	offer := o.Offer(ctx, checker.Check(ctx, "viacname.example"), "")
	if !offer.Offered || strings.Join(offer.Groups, ",") != "dkim" {
		t.Fatalf("offered %t, groups %v: %s", offer.Offered, offer.Groups, offer.Reason)
	}
	noted := false
	for _, n := range offer.Notes {
		noted = noted || n.Code == domainconnect.ReasonElsewhere && strings.Contains(n.Message, "reached through _dmarc.viacname.example")
	}
	if !noted {
		t.Errorf("no note about the DMARC record hosted elsewhere: %+v", offer.Notes)
	}
	if status, body := host.browse(t, ctx, offer.ApplyURL); status != http.StatusOK {
		t.Fatalf("apply: %d %s", status, body)
	}
	a, err := zone.Lookup(ctx, "_dmarc.viacname.example", "CNAME")
	if err != nil || len(a.Records) != 1 {
		t.Errorf("the CNAME to the DMARC service was touched: %+v %v", a, err)
	}
}
