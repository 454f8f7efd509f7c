package plan

import (
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
)

// NameForm is how a DNS host's record form wants the owner name of a
// record typed into its name field.
type NameForm string

// Name forms.
const (
	// HostFormRelative is the name relative to the zone, "@" for the apex:
	// the form appends the zone itself ("default._domainkey").
	HostFormRelative NameForm = "relative"
	// HostFormBlankApex is the name relative to the zone, with the field
	// left empty for the apex.
	HostFormBlankApex NameForm = "blank-apex"
	// HostFormFull is the full name, zone included
	// ("default._domainkey.customer.example").
	HostFormFull NameForm = "full"
)

// DNSHost is a DNS hosting provider (or a registrar that hosts its
// customers' zones), recognized from the names of the name servers it
// assigns, with the way its record form wants the name typed.
type DNSHost struct {
	Name string // "Cloudflare"
	// NS lists fragments of the names of the host's name servers, each
	// starting at a label: one that ends in a dot is the end of the name
	// (".ns.cloudflare.com."), one that does not is the start of a label
	// (".awsdns-" in ns-1.awsdns-01.org).
	NS []string
	// Form is how the host's form wants the name; empty where its
	// documentation does not say, and the generic text is written.
	Form NameForm
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
	h := "." + strings.ToLower(ns)
	if !strings.HasSuffix(h, ".") {
		h += "."
	}
	for _, d := range dnsHosts {
		for _, f := range d.NS {
			if strings.HasSuffix(f, ".") && strings.HasSuffix(h, f) || !strings.HasSuffix(f, ".") && strings.Contains(h, f) {
				return d, true
			}
		}
	}
	return DNSHost{}, false
}

// dnsHosts is a small catalogue of the DNS hosts most customer domains are
// on: the global ones, and the European hosting and registrar companies
// the customers of Swiss, German and Dutch software vendors use. Each entry
// names the host's own page its name form was read from (read 2026-12-01);
// an entry without a Form is one whose form its documentation does not
// make clear: it is named, and the generic text is written.
var dnsHosts = [...]DNSHost{
	// Cloudflare Docs, "DNS record types" (developers.cloudflare.com/dns/
	// manage-dns-records/reference/dns-record-types/): the Name field takes
	// a subdomain or "@" for the zone apex. Name servers
	// <name>.ns.cloudflare.com.
	{Name: "Cloudflare", NS: []string{".ns.cloudflare.com."}, Form: HostFormRelative},
	// Amazon Route 53 Developer Guide, "Values that are common for all
	// routing policies", Record name (docs.aws.amazon.com/Route53/latest/
	// DeveloperGuide/resource-record-sets-values-basic-common.html): the
	// console shows the zone after the field; for a record at the zone's
	// own name, enter nothing (not "@"). Name servers ns-<n>.awsdns-<nn>
	// under .com, .net, .org and .co.uk.
	{Name: "Amazon Route 53", NS: []string{".awsdns-"}, Form: HostFormBlankApex},
	// Microsoft Learn, "Manage DNS records and record sets in Azure DNS"
	// (learn.microsoft.com/azure/dns/dns-operations-recordsets): names are
	// relative to the zone, "@" for the apex. Name servers
	// ns<n>-<nn>.azure-dns.com/.net/.org/.info.
	{Name: "Azure DNS", NS: []string{".azure-dns.com.", ".azure-dns.net.", ".azure-dns.org.", ".azure-dns.info."}, Form: HostFormRelative},
	// Gandi documentation, "TXT record" (wiki.gandi.net/fr/dns/zone/
	// txt-record): "@" for the apex, a relative name for a subdomain.
	// Name servers ns-<n>-<x>.gandi.net.
	{Name: "Gandi", NS: []string{".gandi.net."}, Form: HostFormRelative},
	// Google Cloud DNS: name servers ns-cloud-<x><n>.googledomains.com. Its
	// console's DNS name field takes the part before the zone, but no page
	// read says what the apex wants: form not confirmed.
	{Name: "Google Cloud DNS", NS: []string{".googledomains.com."}},
	// GoDaddy: name servers ns<nn>.domaincontrol.com. Its help pages were not
	// found in the material searched: form not confirmed.
	{Name: "GoDaddy", NS: []string{".domaincontrol.com."}},
	// Namecheap: name servers dns<n>.registrar-servers.com. Help pages not
	// found: form not confirmed.
	{Name: "Namecheap", NS: []string{".registrar-servers.com."}},
	// DigitalOcean: name servers ns<n>.digitalocean.com. Control panel
	// help not found: form not confirmed.
	{Name: "DigitalOcean", NS: []string{".digitalocean.com."}},
	// OVHcloud: name servers dns<n>.ovh.net and ns<n>.ovh.net. Its guides
	// ("Edit an OVHcloud DNS zone") were found only in part: form not
	// confirmed.
	{Name: "OVHcloud", NS: []string{".ovh.net."}},
	// IONOS: name servers ns<n>.ui-dns.com/.de/.org/.biz. Form not
	// confirmed.
	{Name: "IONOS", NS: []string{".ui-dns.com.", ".ui-dns.de.", ".ui-dns.org.", ".ui-dns.biz."}},
	// Hetzner: name servers <x>.ns.hetzner.com/.de (DNS Console) and
	// ns<n>.your-server.de (Robot, konsoleH). Form not confirmed.
	{Name: "Hetzner", NS: []string{".hetzner.com.", ".hetzner.de.", ".your-server.de."}},
	// Infomaniak: name servers ns<nn>.infomaniak.com (Infomaniak FAQ, "How
	// a domain name and a DNS zone work") and the older .infomaniak.ch.
	// Form not confirmed.
	{Name: "Infomaniak", NS: []string{".infomaniak.com.", ".infomaniak.ch."}},
	// Hostpoint: name servers ns<n>.hostpoint.ch. Form not confirmed.
	{Name: "Hostpoint", NS: []string{".hostpoint.ch."}},
	{Name: "NS1", NS: []string{".nsone.net."}},
	{Name: "DNSimple", NS: []string{".dnsimple.com."}},
	// The demo zone of this module's examples: the vendor hosts its demo
	// customers' zones on ns1.vendor.example. No form is claimed for it.
	{Name: "Example CRM, the demo vendor", NS: []string{".vendor.example."}},
}
