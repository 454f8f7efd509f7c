package spf

import "github.com/domainauth/domainauth/dnsrec"

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
// domains receive mail through: the large ones, and the European hosts the
// customers of Swiss, German and Dutch software vendors use. A domain whose
// MX hosts belong to one of them almost certainly sends through it too, so
// a new SPF record must authorize it. Each entry names the provider's own
// page its include was taken from, with the date it was read; a provider
// whose documentation gives no include to add (only a redirect=, address
// ranges, or nothing found) is left out, and the MX hosts are authorized
// with mx instead.
//
// Left out for that reason (read 2026-12-01): Hostpoint documents
// "v=spf1 redirect=spf.mail.hostpoint.ch" (support.hostpoint.ch, "How can I
// add an SPF record for my domain"), a modifier, not a mechanism to insert
// before all; cyon publishes its address ranges (cyon.ch/support/a/
// was-ist-ein-spf-record); ALL-INKL.COM's tutorial shows only mx and a;
// IONOS, STRATO, METANET and Hetzner pages read do not give the value;
// Hornetsecurity's include was found only on a partner's page, and
// Cleanmail's (include:_cmspf.cleanmail.ch) covers only its outbound
// scanner, which its inbound MX hosts do not imply.
var providers = [...]Provider{
	// Google Workspace Admin Help, "Define your SPF record—Basic setup"
	// (support.google.com/a/answer/10685031): include:_spf.google.com;
	// inbound servers aspmx.l.google.com, smtp.google.com and
	// *.googlemail.com. (Cited when the catalogue was started; not re-read
	// on 2026-12-01.)
	{Name: "Google Workspace", MX: []string{"google.com.", "googlemail.com."}, Term: "include:_spf.google.com"},
	// Microsoft Learn, "Set up SPF to identify valid email sources for your
	// Microsoft 365 domain": include:spf.protection.outlook.com; inbound
	// servers <domain>.mail.protection.outlook.com. (Not re-read on
	// 2026-12-01.)
	{Name: "Microsoft 365", MX: []string{"mail.protection.outlook.com."}, Term: "include:spf.protection.outlook.com"},
	// Zoho Mail Help, "SPF configuration": include:zoho.com; inbound
	// mx.zoho.com, mx2.zoho.com. The EU data centre uses mx.zoho.eu and
	// include:zohomail.eu. (Zoho's own page could not be re-read on
	// 2026-12-01; third-party guides give include:zoho.com for the US
	// centre and disagree on the EU one, zoho.eu or zohomail.eu.)
	{Name: "Zoho Mail", MX: []string{"zoho.com."}, Term: "include:zoho.com"},
	{Name: "Zoho Mail (EU)", MX: []string{"zoho.eu."}, Term: "include:zohomail.eu"},
	// Fastmail Help, "DNS records for custom domains": inbound
	// in1-smtp.messagingengine.com, SPF include:spf.messagingengine.com.
	// (Fastmail's page on SPF was not re-read on 2026-12-01.)
	{Name: "Fastmail", MX: []string{"messagingengine.com."}, Term: "include:spf.messagingengine.com"},
	// Proton Support, "Anti-spoofing for custom domains (SPF, DKIM, and
	// DMARC)" (proton.me/support/anti-spoofing-custom-domain, read
	// 2026-12-01): include:_spf.protonmail.ch; inbound mail.protonmail.ch
	// and mailsec.protonmail.ch.
	{Name: "Proton Mail", MX: []string{"protonmail.ch."}, Term: "include:_spf.protonmail.ch"},
	// Infomaniak FAQ 2199, "Manage SPF records" (infomaniak.com/de/support/
	// faq/2199, read 2026-12-01): the record Infomaniak installs is
	// "v=spf1 include:spf.infomaniak.ch -all"; inbound mta-gw.infomaniak.ch.
	{Name: "Infomaniak", MX: []string{"infomaniak.ch."}, Term: "include:spf.infomaniak.ch"},
	// OVHcloud guide, "Hosting condiviso: il record SPF" (docs.ovh.com/it/
	// domains/hosting_condiviso_il_record_spf/, read 2026-12-01): the
	// default record is "v=spf1 include:mx.ovh.com ~all"; inbound
	// mx1.mail.ovh.net and its siblings.
	{Name: "OVHcloud", MX: []string{"mail.ovh.net."}, Term: "include:mx.ovh.com"},
	// mailbox.org Knowledge Base, "Spam-Reputation der eigenen Domain
	// verbessern mit SPF, DKIM und DMARC" (kb.mailbox.org, read
	// 2026-12-01): "v=spf1 include:mailbox.org ~all"; inbound
	// mxext1.mailbox.org and its siblings.
	{Name: "mailbox.org", MX: []string{"mailbox.org."}, Term: "include:mailbox.org"},
	// TransIP Knowledge Base, "Setting an SPF record" (transip.eu/
	// knowledgebase/entry/426-setting-an-spf-record/, read 2026-12-01):
	// "v=spf1 include:_spf.transip.email ~all" for its Web Hosting and
	// Email services. Inbound servers under transip.email (the page does
	// not list them).
	{Name: "TransIP", MX: []string{"transip.email."}, Term: "include:_spf.transip.email"},
	// netcup Help Center, "DNS Records" (netcup.com/en/helpcenter/
	// documentation/web-hosting/webhosting-dns, read 2026-12-01): the web
	// hosting record is "v=spf1 mx a include:_spf.webhosting.systems ~all",
	// and its mail servers are named like mx1.netcup.net.
	{Name: "netcup", MX: []string{"netcup.net."}, Term: "include:_spf.webhosting.systems"},
	// The demo zone of this module's examples: a large provider under the
	// reserved .example name, so that the recognition can be shown offline.
	{Name: "Outlook (demo)", MX: []string{"mail.protection.outlook.example."}, Term: "include:spf.protection.outlook.example"},
}

// ProviderForMX returns the provider whose inbound servers host is one of
// (host canonical, with its trailing dot), or false.
func ProviderForMX(host string) (Provider, bool) {
	for _, p := range providers {
		for _, parent := range p.MX {
			if dnsrec.IsSubdomain(host, parent) {
				return p, true
			}
		}
	}
	return Provider{}, false
}
