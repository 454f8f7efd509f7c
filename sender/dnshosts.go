package sender

import "strings"

// dnsHosts names the DNS hosting providers most customer domains use, by
// the suffix of their name servers' names, so that a report can say where
// a change is made ("change this at your DNS host, Cloudflare"). The
// suffixes are those the providers' own documentation gives for the name
// servers they assign.
var dnsHosts = [...]struct{ suffix, name string }{
	{".ns.cloudflare.com.", "Cloudflare"},
	{".awsdns-", "Amazon Route 53"}, // ns-123.awsdns-45.com and .net/.org/.co.uk
	{".azure-dns.", "Microsoft Azure DNS"},
	{".googledomains.com.", "Google Domains"},
	{".google.com.", "Google Cloud DNS"}, // ns-cloud-a1.googledomains.com, ns1.google.com
	{".domaincontrol.com.", "GoDaddy"},
	{".registrar-servers.com.", "Namecheap"},
	{".ovh.net.", "OVHcloud"},
	{".infomaniak.ch.", "Infomaniak"},
	{".hostpoint.ch.", "Hostpoint"},
	{".ui-dns.", "IONOS"}, // ui-dns.com, .de, .org, .biz
	{".hetzner.com.", "Hetzner"},
	{".gandi.net.", "Gandi"},
	{".digitalocean.com.", "DigitalOcean"},
	{".nsone.net.", "NS1"},
	{".dnsimple.com.", "DNSimple"},
	{".vendor.example.", "Example CRM, the demo vendor"},
}

// dnsHostOf names the provider a name server belongs to, or "".
func dnsHostOf(ns string) string {
	h := strings.ToLower(ns)
	if !strings.HasSuffix(h, ".") {
		h += "."
	}
	for _, d := range dnsHosts {
		if strings.Contains("."+h, d.suffix) {
			return d.name
		}
	}
	return ""
}
