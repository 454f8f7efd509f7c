package spf

import "strings"

// Provider is a mail provider recognized from a domain's MX hosts, with the
// SPF term its customers publish to let it send their outgoing mail.
type Provider struct {
	Name string // "Google Workspace"
	// MX lists host-name suffixes of the provider's inbound servers.
	MX []string
	// Term is the mechanism the provider documents for its customers'
	// SPF records.
	Term string
}

// providers is a small catalogue of the mail providers most customer
// domains receive mail through. A domain whose MX hosts belong to one of
// them almost certainly sends through it too, so a new SPF record must
// authorize it. Each entry names the page of the provider's own
// documentation it was taken from.
var providers = [...]Provider{
	// Google Workspace Admin Help, "Define your SPF record—Basic setup"
	// (support.google.com/a/answer/10685031): include:_spf.google.com;
	// inbound servers aspmx.l.google.com, smtp.google.com and *.googlemail.com.
	{Name: "Google Workspace", MX: []string{".google.com.", ".googlemail.com."}, Term: "include:_spf.google.com"},
	// Microsoft Learn, "Set up SPF to identify valid email sources for your
	// Microsoft 365 domain": include:spf.protection.outlook.com; inbound
	// servers <domain>.mail.protection.outlook.com.
	{Name: "Microsoft 365", MX: []string{".mail.protection.outlook.com."}, Term: "include:spf.protection.outlook.com"},
	// Zoho Mail Help, "SPF configuration": include:zohomail.com was
	// include:zoho.com; inbound mx.zoho.com, mx2.zoho.com. The EU data
	// centre uses mx.zoho.eu and include:zohomail.eu.
	{Name: "Zoho Mail", MX: []string{".zoho.com."}, Term: "include:zoho.com"},
	{Name: "Zoho Mail (EU)", MX: []string{".zoho.eu."}, Term: "include:zohomail.eu"},
	// Fastmail Help, "DNS records for custom domains": inbound
	// in1-smtp.messagingengine.com, SPF include:spf.messagingengine.com.
	{Name: "Fastmail", MX: []string{".messagingengine.com."}, Term: "include:spf.messagingengine.com"},
	// Proton Support, "How to set up SPF": inbound mail.protonmail.ch and
	// mailsec.protonmail.ch, SPF include:_spf.protonmail.ch.
	{Name: "Proton Mail", MX: []string{".protonmail.ch."}, Term: "include:_spf.protonmail.ch"},
	// Infomaniak FAQ 2199, "Manage SPF records": the record Infomaniak
	// installs is "v=spf1 include:spf.infomaniak.ch -all"; inbound
	// mta-gw.infomaniak.ch.
	{Name: "Infomaniak", MX: []string{".infomaniak.ch."}, Term: "include:spf.infomaniak.ch"},
	// OVHcloud Help, "Adding an SPF record": include:mx.ovh.com; inbound
	// mx1.mail.ovh.net and its siblings.
	{Name: "OVHcloud", MX: []string{".mail.ovh.net."}, Term: "include:mx.ovh.com"},
	// The demo zone of this module's examples: a large provider under the
	// reserved .example name, so that the recognition can be shown offline.
	{Name: "Outlook (demo)", MX: []string{".mail.protection.outlook.example."}, Term: "include:spf.protection.outlook.example"},
}

// ProviderForMX returns the provider whose inbound servers host is one of
// (host canonical, with its trailing dot), or false.
func ProviderForMX(host string) (Provider, bool) {
	h := strings.ToLower(host)
	if !strings.HasSuffix(h, ".") {
		h += "."
	}
	for _, p := range providers {
		for _, suffix := range p.MX {
			if strings.HasSuffix(h, suffix) || h == suffix[1:] {
				return p, true
			}
		}
	}
	return Provider{}, false
}
