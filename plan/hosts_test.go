package plan_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/internal/golden"
	"github.com/domainauth/domainauth/plan"
)

func TestHostForNS(t *testing.T) {
	for _, tc := range []struct {
		ns   string
		want string // "" for no host
		form plan.HostForm
	}{
		{"ada.ns.cloudflare.com.", "Cloudflare", plan.HostFormRelative},
		{"BOB.NS.CLOUDFLARE.COM", "Cloudflare", plan.HostFormRelative}, // case and the missing root dot do not matter
		{"ns-1536.awsdns-00.co.uk.", "Amazon Route 53", plan.HostFormBlankApex},
		{"ns-12.awsdns-01.com.", "Amazon Route 53", plan.HostFormBlankApex},
		{"ns1-01.azure-dns.com.", "Azure DNS", plan.HostFormRelative},
		{"ns-123-a.gandi.net.", "Gandi", plan.HostFormRelative},
		{"hydrogen.ns.hetzner.com.", "Hetzner", plan.HostFormRelative},
		{"helium.ns.hetzner.de.", "Hetzner", plan.HostFormRelative},
		{"ns1.your-server.de.", "Hetzner", plan.HostFormRelative},
		{"root-dns.netcup.net.", "netcup", plan.HostFormRelative},
		{"ns0.transip.net.", "TransIP", plan.HostFormRelative},
		{"ns2.transip.eu.", "TransIP", plan.HostFormRelative},
		{"ns5.kasserver.com.", "ALL-INKL.COM", plan.HostFormBlankApex},
		{"ns11.infomaniak.com.", "Infomaniak", ""},
		{"ns1.cyon.ch.", "cyon", ""},
		{"ns1.hostpoint.ch.", "Hostpoint", ""},
		{"docks10.rzone.de.", "STRATO", ""},
		{"ns1083.ui-dns.de.", "IONOS", ""},
		{"dns200.anycast.me.", "", ""}, // an OVHcloud name outside the fragments: not recognized
		{"ns-cloud-a1.googledomains.com.", "Google Cloud DNS", ""},
		{"ns45.domaincontrol.com.", "GoDaddy", plan.HostFormRelative},
		{"dns1.registrar-servers.com.", "Namecheap", ""},
		{"ns1.vendor.example.", "Example CRM, the demo vendor", ""},
		// Look-alikes: a fragment ending in a dot must end the name, and
		// every fragment starts at a label.
		{"ns.cloudflare.com.attacker.example.", "", ""},
		{"evilns.cloudflare.com.", "", ""},
		{"ns1.notawsdns-1.example.", "", ""},
		{"ns1.host.example.", "", ""},
		{"", "", ""},
	} {
		t.Run(tc.ns, func(t *testing.T) {
			h, ok := plan.HostForNS(tc.ns)
			if ok != (tc.want != "") || h.Name != tc.want || h.Form != tc.form {
				t.Errorf("HostForNS(%q) = %q (form %q), %v; want %q (form %q)", tc.ns, h.Name, h.Form, ok, tc.want, tc.form)
			}
		})
	}
}

func TestFormName(t *testing.T) {
	const zone = "customer.example."
	for _, tc := range []struct {
		form  plan.HostForm
		name  string
		want  string
		known bool
	}{
		{plan.HostFormRelative, "default._domainkey.customer.example.", "default._domainkey", true},
		{plan.HostFormRelative, "customer.example.", "@", true},
		{plan.HostFormBlankApex, "_dmarc.customer.example.", "_dmarc", true},
		{plan.HostFormBlankApex, "customer.example.", "", true},
		{plan.HostFormFull, "_dmarc.customer.example.", "_dmarc.customer.example", true},
		{plan.HostFormFull, "customer.example.", "customer.example", true},
		{"", "_dmarc.customer.example.", "", false},
		{"unheard-of", "_dmarc.customer.example.", "", false},
	} {
		t.Run(string(tc.form)+" "+tc.name, func(t *testing.T) {
			got, known := plan.DNSHost{Name: "Host", Form: tc.form}.FormName(tc.name, zone)
			if got != tc.want || known != tc.known {
				t.Errorf("FormName(%q) = %q, %v; want %q, %v", tc.name, got, known, tc.want, tc.known)
			}
		})
	}
}

// hostsZone holds four customer domains, each on other name servers: two
// hosts whose forms the catalogue knows (one wants "@" for the apex, one
// an empty field), one host it names without a known form, and one it does
// not know at all.
const hostsZone = `
cf.example.      IN NS  ada.ns.cloudflare.com.
cf.example.      IN NS  bob.ns.cloudflare.com.
r53.example.     IN NS  ns-1536.awsdns-00.co.uk.
r53.example.     IN NS  ns-12.awsdns-01.com.
named.example.   IN NS  ns11.infomaniak.com.
named.example.   IN NS  ns12.infomaniak.com.
plain.example.   IN NS  ns1.host.example.
plain.example.   IN NS  ns2.host.example.
`

// hostsWants asks for a record at the apex, at _dmarc and at a DKIM
// selector of domain: the three names a customer's plan touches.
func hostsWants(domain string) []plan.Requirement {
	return []plan.Requirement{
		wantTXT{Name: "default._domainkey." + domain, Value: "v=DKIM1; k=rsa; p=KEY", Stage: plan.StageDKIM},
		wantTXT{Name: domain, Value: "v=spf1 include:spf.vendor.example ~all"},
		wantTXT{Name: "_dmarc." + domain, Value: "v=DMARC1; p=none", Stage: plan.StageDMARC},
	}
}

// The customer's steps name the DNS host found from the zone's NS records
// and write the Name field the way its form wants it; a host the catalogue
// does not know, or knows without its form, keeps the generic text.
func TestHostFormsGolden(t *testing.T) {
	for rname, r := range dnstest.Resolvers(t, dnstest.MustZone(hostsZone)) {
		t.Run(rname, func(t *testing.T) {
			for _, tc := range []struct {
				domain, file, host string
				form               plan.HostForm
			}{
				{"cf.example", "hosts.relative.txt", "Cloudflare", plan.HostFormRelative},
				{"r53.example", "hosts.blank-apex.txt", "Amazon Route 53", plan.HostFormBlankApex},
				{"named.example", "hosts.named.txt", "Infomaniak", ""},
				{"plain.example", "hosts.unknown.txt", "", ""},
			} {
				t.Run(tc.domain, func(t *testing.T) {
					pl, err := plan.Check(context.Background(), r, hostsWants(tc.domain)...)
					if err != nil {
						t.Fatal(err)
					}
					if len(pl.Changes) != 3 {
						t.Fatalf("%d changes, want 3:\n%s", len(pl.Changes), pl.Changes.Text())
					}
					for _, c := range pl.Changes {
						if c.Host != tc.host || c.HostForm != tc.form {
							t.Errorf("%s: host %q, form %q; want %q, %q", c.Name, c.Host, c.HostForm, tc.host, tc.form)
						}
					}
					text := pl.Changes.For(plan.PartyCustomer).Text()
					golden.Check(t, tc.file, text)
					if tc.form == "" {
						// Without a known form the text is the generic one,
						// exactly as for a change that names no host.
						var generic plan.Changes
						for _, c := range pl.Changes {
							c.Host = ""
							generic = append(generic, c)
						}
						if g := generic.Text(); g != text {
							t.Errorf("the text differs from the generic text:\n%s\nwant:\n%s", text, g)
						}
					}
				})
			}
		})
	}
}

// A host whose form wants the full name: no catalogue entry is confirmed to
// (see the catalogue's notes), so the change is made by hand here, its name
// field computed by [plan.DNSHost.FormName] as [plan.Check] computes it.
func TestHostFormFullGolden(t *testing.T) {
	host := plan.DNSHost{Name: "Full-Name DNS", Form: plan.HostFormFull}
	var cs plan.Changes
	for _, line := range []string{
		`default._domainkey.full.example. 3600 IN TXT "v=DKIM1; k=rsa; p=KEY"`,
		`full.example. 3600 IN TXT "v=spf1 include:spf.vendor.example ~all"`,
		`_dmarc.full.example. 3600 IN TXT "v=DMARC1; p=none"`,
	} {
		rec, err := dnsrec.ParseRecord(line)
		if err != nil {
			t.Fatal(err)
		}
		c := plan.NewChange(rec.Name, dnsrec.TypeTXT, nil, []dnsrec.Record{rec}, plan.PartyCustomer, plan.StageSPF,
			plan.Reason{Code: "test-add", Text: "add " + rec.Value()})
		c.Host, c.HostForm = host.Name, host.Form
		c.FormName, _ = host.FormName(c.Name, c.Zone)
		cs = append(cs, c)
	}
	golden.Check(t, "hosts.full.txt", cs.Text())
}

// The host is asked once per zone (the NS question the zone cut may have
// asked already), and the JSON carries what the text says.
func TestHostLookupOnceAndJSON(t *testing.T) {
	z := dnstest.MustZone(hostsZone)
	reqs := append(hostsWants("cf.example"), hostsWants("r53.example")...)
	pl, err := plan.Check(context.Background(), z, reqs...)
	if err != nil {
		t.Fatal(err)
	}
	if rep := z.Repeated(); len(rep) > 0 {
		t.Errorf("asked more than once: %v", rep)
	}
	asked := map[string]bool{}
	for _, q := range z.Queries() {
		asked[q.String()] = true
	}
	for _, q := range []string{"NS cf.example.", "NS r53.example."} {
		if !asked[q] {
			t.Errorf("%s was not asked; asked %v", q, z.Queries())
		}
	}
	var back []map[string]any
	if err := json.Unmarshal([]byte(pl.Changes.JSON()), &back); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, c := range back {
		switch c["name"] {
		case "_dmarc.cf.example.":
			found++
			if c["host"] != "Cloudflare" || c["host_form"] != "relative" || c["form_name"] != "_dmarc" {
				t.Errorf("JSON of %s: %v", c["name"], c)
			}
		case "r53.example.":
			found++
			// The field is to be left empty: form_name is absent, and
			// host_form says why.
			if _, has := c["form_name"]; c["host"] != "Amazon Route 53" || c["host_form"] != "blank-apex" || has {
				t.Errorf("JSON of %s: %v", c["name"], c)
			}
		}
	}
	if found != 2 {
		t.Errorf("found %d of the 2 changes looked for in:\n%s", found, pl.Changes.JSON())
	}
	if s := pl.Changes.Text(); !strings.Contains(s, "(leave empty)") {
		t.Errorf("no step says to leave the name empty:\n%s", s)
	}
}

// A change made by hand with a host and a form but no FormName gets the
// name in that form; without a host or a form, the generic text.
func TestNameFieldByHand(t *testing.T) {
	rec, err := dnsrec.NewTXT("_dmarc.customer.example", "v=DMARC1; p=none")
	if err != nil {
		t.Fatal(err)
	}
	apex, err := dnsrec.NewTXT("customer.example", "v=spf1 -all")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		rec      dnsrec.Record
		host     string
		form     plan.HostForm
		wantLine string
	}{
		{"relative", rec, "Cloudflare", plan.HostFormRelative, "Name:   _dmarc  (Cloudflare adds .customer.example itself)"},
		{"blank apex at the apex", apex, "Amazon Route 53", plan.HostFormBlankApex, "Name:   (leave empty)  (Amazon Route 53 takes an empty name for customer.example itself)"},
		{"blank apex below it", rec, "Amazon Route 53", plan.HostFormBlankApex, "Name:   _dmarc  (Amazon Route 53 adds .customer.example itself)"},
		{"full", rec, "Full-Name DNS", plan.HostFormFull, "Name:   _dmarc.customer.example  (Full-Name DNS wants the full name)"},
		{"host without form", rec, "Infomaniak", "", "Name:   _dmarc  (_dmarc.customer.example)"},
		{"form without host", rec, "", plan.HostFormFull, "Name:   _dmarc  (_dmarc.customer.example)"},
		{"unheard-of form", rec, "Somewhere", "sideways", "Name:   _dmarc  (_dmarc.customer.example)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := plan.NewChange(tc.rec.Name, dnsrec.TypeTXT, nil, []dnsrec.Record{tc.rec}, plan.PartyCustomer, plan.StageDMARC)
			c.Host, c.HostForm = tc.host, tc.form
			if got := c.String(); !strings.Contains(got, tc.wantLine+"\n") {
				t.Errorf("no line %q in:\n%s", tc.wantLine, got)
			}
		})
	}
}
