package plan

import (
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
)

// HostForm is how a DNS host's record form wants the owner name of a
// record typed into its name field.
type HostForm string

// Name forms.
const (
	// HostFormRelative is the name relative to the zone, "@" for the apex:
	// the form appends the zone itself ("default._domainkey").
	HostFormRelative HostForm = "relative"
	// HostFormBlankApex is the name relative to the zone, with the field
	// left empty for the apex.
	HostFormBlankApex HostForm = "blank-apex"
	// HostFormFull is the full name, zone included
	// ("default._domainkey.customer.example").
	HostFormFull HostForm = "full"
)

// DNSHost is a DNS hosting provider (or a registrar that hosts its
// customers' zones), recognized from the names of the name servers it
// assigns, with the way its record form wants the name typed.
type DNSHost struct {
	Name string // "Cloudflare"
	// NS lists what the names of the host's name servers have in common:
	// a domain they are all under, written canonically ("ns.cloudflare.com."),
	// or, where the host numbers domains too, the start of a label after a
	// dot (".awsdns-" in ns-1.awsdns-01.org).
	NS []string
	// Form is how the host's form wants the name; empty where its
	// documentation does not say, and the generic text is written.
	Form HostForm
}

// FormName returns what to type into the host's name field for the owner
// name name (absolute) in zone, and whether the host's form is known. An
// empty string with true means "leave the field empty".
func (h DNSHost) FormName(name, zone string) (string, bool) {
	rel := dnsrec.RelativeName(name, zone)
	switch h.Form {
	case HostFormRelative:
		return rel, true
	case HostFormBlankApex:
		if rel == "@" {
			return "", true
		}
		return rel, true
	case HostFormFull:
		return dnsrec.TrimDot(name), true
	}
	return "", false
}

// HostForNS returns the DNS host that name server ns (a host name, with or
// without its trailing dot) belongs to, or false.
func HostForNS(ns string) (DNSHost, bool) {
	for _, d := range dnsHosts {
		for _, f := range d.NS {
			// A name ending in a dot is a domain the servers are under; one
			// without is a label prefix the host numbers its servers with
			// (Route 53's awsdns-NN.com, .net, .org, .co.uk).
			if strings.HasSuffix(f, ".") && dnsrec.IsSubdomain(ns, f) || !strings.HasSuffix(f, ".") && strings.Contains("."+strings.ToLower(ns), f) {
				return d, true
			}
		}
	}
	return DNSHost{}, false
}

// dnsHosts is a small catalogue of the DNS hosts most customer domains are
// on: the global ones, and the European hosting and registrar companies
// the customers of Swiss, German and Dutch software vendors use. An entry
// with a Form names the host's own page that says how its form wants the
// name (read 2026-12-01). An entry without one is a host whose form no page
// read made clear: it is named, and the generic text is written. Name
// server names come from the page cited where it gives them, else from the
// names the host is known to assign (said so).
var dnsHosts = [...]DNSHost{
	// Cloudflare Docs, "DNS record types" (developers.cloudflare.com/dns/
	// manage-dns-records/reference/dns-record-types/): Name is a subdomain
	// or "@" for the zone apex. Name servers <name>.ns.cloudflare.com.
	{Name: "Cloudflare", NS: []string{"ns.cloudflare.com."}, Form: HostFormRelative},
	// Amazon Route 53 Developer Guide, "Values that are common for all
	// routing policies", Record name (docs.aws.amazon.com/Route53/latest/
	// DeveloperGuide/resource-record-sets-values-shared.html): the field
	// takes the subdomain; for a record named like the hosted zone, enter
	// no value, not "@". Name servers ns-<n>.awsdns-<nn>.com/.net/.org/.co.uk.
	{Name: "Amazon Route 53", NS: []string{".awsdns-"}, Form: HostFormBlankApex},
	// Microsoft Learn, "Manage DNS records and record sets in Azure DNS"
	// (learn.microsoft.com/azure/dns/dns-operations-recordsets): record
	// names are relative to the zone, "@" for the apex. Name servers
	// ns<n>-<nn>.azure-dns.com/.net/.org/.info.
	{Name: "Azure DNS", NS: []string{"azure-dns.com.", "azure-dns.net.", "azure-dns.org.", "azure-dns.info."}, Form: HostFormRelative},
	// Gandi documentation, "TXT record" (wiki.gandi.net/fr/dns/zone/
	// txt-record): "@" for the apex, the subdomain alone otherwise. Name
	// servers ns-<n>-<x>.gandi.net.
	{Name: "Gandi", NS: []string{"gandi.net."}, Form: HostFormRelative},
	// Hetzner Cloud API reference, Zone RRSets (docs.hetzner.cloud; read
	// through a copy on glama.ai): a record's name is relative to the zone,
	// "@" for the apex; the Hetzner Console's form is taken to follow it
	// (its own help page was not found). Name servers <x>.ns.hetzner.com/.de
	// (DNS Console) and ns<n>.your-server.de (Robot, konsoleH).
	{Name: "Hetzner", NS: []string{"ns.hetzner.com.", "ns.hetzner.de.", "your-server.de."}, Form: HostFormRelative},
	// netcup Help Center, "DNS Records" (netcup.com/en/helpcenter/
	// documentation/web-hosting/webhosting-dns): the Host column takes "@"
	// for the root domain, the subdomain otherwise. Name servers
	// root-dns, second-dns and third-dns.netcup.net (known, not on the page).
	{Name: "netcup", NS: []string{"netcup.net."}, Form: HostFormRelative},
	// TransIP Knowledge Base, "Setting an SPF record" (transip.eu/
	// knowledgebase/entry/426-setting-an-spf-record/): "@" in the Name
	// field for the domain itself, the subdomain alone otherwise, and the
	// DNS software adds the domain. Name servers ns0.transip.net,
	// ns1.transip.nl, ns2.transip.eu (known, not on the page).
	{Name: "TransIP", NS: []string{"transip.net.", "transip.nl.", "transip.eu."}, Form: HostFormRelative},
	// ALL-INKL.COM tutorial, "DNS: How to add an SPF-record" (all-inkl.com/
	// en/support/tutorials/provider-change/setup/dns/how-to-add-an-spf-
	// record_482.html): the Name field stays blank for the domain itself;
	// the form shows the domain after the field. Name servers
	// ns<n>.kasserver.com (known, not on the page).
	{Name: "ALL-INKL.COM", NS: []string{"kasserver.com."}, Form: HostFormBlankApex},
	// Infomaniak FAQ, "How a domain name and a DNS zone work": name
	// servers ns<nn>.infomaniak.com; the older .infomaniak.ch too. Its
	// zone editor's guide was not found: form not confirmed.
	{Name: "Infomaniak", NS: []string{"infomaniak.com.", "infomaniak.ch."}},
	// cyon, "DNS-Zone von einem anderen Dienst übertragen" (cyon.ch/
	// support/a/dns-zone-von-einem-anderen-dienst-ubertragen): name
	// servers ns1.cyon.ch and ns2.cyon.ch. Form not confirmed.
	{Name: "cyon", NS: []string{"cyon.ch."}},
	// METANET, "Kundenportal DNS-Verwaltung" (support.metanet.ch/780): its
	// DNS platforms ns.ch-meta.net and ch.ch-inter.net. Form not confirmed.
	{Name: "METANET", NS: []string{"ch-meta.net.", "ch-inter.net."}},
	// Hostpoint: name servers ns<n>.hostpoint.ch. Form not confirmed.
	{Name: "Hostpoint", NS: []string{"hostpoint.ch."}},
	// STRATO FAQ 2328, "Was ist der TXT-Record": the "Präfix" field is
	// completed with the domain, but what it wants for the domain itself
	// is not said: form not confirmed. Name servers <name>.rzone.de
	// (known, not on the page).
	{Name: "STRATO", NS: []string{"rzone.de."}},
	// IONOS: name servers ns<n>.ui-dns.com/.de/.org/.biz. Form not
	// confirmed.
	{Name: "IONOS", NS: []string{"ui-dns.com.", "ui-dns.de.", "ui-dns.org.", "ui-dns.biz."}},
	// OVHcloud: name servers dns<n>.ovh.net and ns<n>.ovh.net. Form not
	// confirmed.
	{Name: "OVHcloud", NS: []string{"ovh.net."}},
	// Combell: name servers ns<n>.combell.net (known, not from a page).
	// Form not confirmed.
	{Name: "Combell", NS: []string{"combell.net."}},
	// Google Cloud DNS: name servers ns-cloud-<x><n>.googledomains.com.
	// Form not confirmed.
	{Name: "Google Cloud DNS", NS: []string{"googledomains.com."}},
	// GoDaddy Help, "Add a TXT record" (article 19232; read in its Polish
	// edition, godaddy.com/pl-pl/help/dodawanie-rekordu-txt-19232): Name is
	// the host name or prefix without the domain, "@" for the root domain.
	// Name servers ns<nn>.domaincontrol.com.
	{Name: "GoDaddy", NS: []string{"domaincontrol.com."}, Form: HostFormRelative},
	// Namecheap: name servers dns<n>.registrar-servers.com. Form not
	// confirmed.
	{Name: "Namecheap", NS: []string{"registrar-servers.com."}},
	// DigitalOcean: name servers ns<n>.digitalocean.com. Form not confirmed.
	{Name: "DigitalOcean", NS: []string{"digitalocean.com."}},
	{Name: "NS1", NS: []string{"nsone.net."}},
	{Name: "DNSimple", NS: []string{"dnsimple.com."}},
	// The demo zone of this module's examples: the vendor hosts its demo
	// customers' zones on ns1.vendor.example. No form is claimed for it.
	{Name: "Example CRM, the demo vendor", NS: []string{"vendor.example."}},
}
