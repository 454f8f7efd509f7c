package mailbox

import "github.com/domainauth/domainauth/plan"

// The providers' pages, each read on 2026-12-01. The summaries are this
// project's own words for what each page asks; read the page for the
// provider's.
const (
	read = "2026-12-01"

	// Google, "Email sender guidelines" (requirements for all senders and
	// for bulk senders to personal Gmail accounts; TLS added Dec. 2023).
	gmailGuidelines = "https://support.google.com/a/answer/81126"
	// Google, "Email sender guidelines FAQ" (who is a bulk sender:
	// about 5,000 messages a day from one primary domain, permanently).
	gmailFAQ = "https://support.google.com/a/answer/14229414"
	// Google, "Set up DKIM" (2048-bit keys recommended; 1024 bits where
	// the DNS host cannot publish longer records).
	gmailDKIM = "https://support.google.com/a/answer/174124"
	// Google Postmaster Tools, where a sender sees its spam rate and
	// compliance status.
	gmailPostmaster = "https://postmaster.google.com"

	// Yahoo Sender Hub, "Sender Best Practices" (requirements for all
	// senders and for bulk senders, enforced since February 2024).
	yahooPractices = "https://senders.yahooinc.com/best-practices/"
	// Yahoo Sender Hub, "SMTP Error Codes" (rejections of addresses on
	// third-party blocklists).
	yahooCodes = "https://senders.yahooinc.com/smtp-error-codes/"
	// Yahoo's Complaint Feedback Loop, where a sender sees the complaints
	// about its mail.
	yahooCFL = "https://senders.yahooinc.com/complaint-feedback-loop/"

	// Microsoft Defender for Office 365 blog, "Strengthening Email
	// Ecosystem: Outlook's New Requirements for High-Volume Senders"
	// (2 April 2025, enforced from 5 May 2025: SPF, DKIM and DMARC for
	// domains sending over 5,000 messages a day to Outlook.com).
	microsoftHighVolume = "https://techcommunity.microsoft.com/blog/microsoftdefenderforoffice365blog/strengthening-email-ecosystem-outlook%E2%80%99s-new-requirements-for-high%E2%80%90volume-senders/4399730"
	// Outlook.com postmaster, "Policies, practices and guidelines" (valid
	// reverse DNS; compliance with the Internet mail standards).
	microsoftPolicies = "https://sendersupport.olc.protection.outlook.com/pm/policies.aspx"
)

// Catalogue returns every rule this package knows, grouped by provider in
// the order of [Providers]. The slice is new on every call.
//
// Not every provider asks for everything: only Gmail states a DKIM key
// size, TLS and a rule against its own domains in From; only Yahoo names
// third-party blocklists among its rejection reasons; Outlook.com states
// no rule for senders below 5,000 messages a day besides reverse DNS and
// the standards, and no spam-rate threshold.
func Catalogue() []Rule {
	c, v := plan.PartyCustomer, plan.PartyVendor
	dns := []CheckKind{CheckDNS}
	dnsMsg := []CheckKind{CheckDNS, CheckMessage}
	msg := []CheckKind{CheckMessage}
	elsewhere := []CheckKind{CheckElsewhere}
	rule := func(p Provider, q Requirement, s Scope, party plan.Party, checks []CheckKind, source, summary string) Rule {
		return Rule{ID: ID(p, q), Provider: p, Scope: s, Requirement: q, Party: party, Checks: checks, Summary: summary, Source: source, Read: read}
	}
	rules := []Rule{
		rule(Gmail, ReqSPFOrDKIM, AllSenders, c, dns, gmailGuidelines, "the mail passes SPF or DKIM"),
		rule(Gmail, ReqSPFAndDKIM, BulkSenders, c, dns, gmailGuidelines, "the mail passes both SPF and DKIM"),
		rule(Gmail, ReqDKIMKeySize, AllSenders, c, dnsMsg, gmailDKIM, "the DKIM key has at least 1024 bits (2048 recommended)"),
		rule(Gmail, ReqDMARCPolicy, BulkSenders, c, dns, gmailGuidelines, "the From domain publishes a DMARC policy, p=none or stricter"),
		rule(Gmail, ReqDMARCAlignment, BulkSenders, c, dnsMsg, gmailGuidelines, "the From domain aligns with the SPF or the DKIM domain"),
		rule(Gmail, ReqFCrDNS, AllSenders, v, dns, gmailGuidelines, "every sending address, IPv4 and IPv6, has a PTR record whose name resolves back to it"),
		rule(Gmail, ReqTLS, AllSenders, v, msg, gmailGuidelines, "the mail reaches Gmail over a TLS connection"),
		rule(Gmail, ReqFormat, AllSenders, v, msg, gmailGuidelines, "the message follows RFC 5322: one From, a Date and a Message-ID"),
		rule(Gmail, ReqNotProvider, AllSenders, v, msg, gmailGuidelines, "the From address is not a Gmail address (gmail.com, googlemail.com)"),
		rule(Gmail, ReqOneClick, BulkSenders, v, msg, gmailGuidelines, "marketing mail offers one-click unsubscribe (RFC 8058), its header fields signed by DKIM"),
		{ID: ID(Gmail, ReqSpamRate), Provider: Gmail, Scope: AllSenders, Requirement: ReqSpamRate, Party: v, Checks: elsewhere, Source: gmailFAQ, Read: read,
			Summary: "the spam rate users report stays below 0.3% (below 0.1% is the aim)",
			Where:   "Google Postmaster Tools (" + gmailPostmaster + "): the spam rate and the compliance status of the domain"},

		rule(Yahoo, ReqSPFOrDKIM, AllSenders, c, dns, yahooPractices, "the mail passes SPF or DKIM"),
		rule(Yahoo, ReqSPFAndDKIM, BulkSenders, c, dns, yahooPractices, "the mail passes both SPF and DKIM"),
		rule(Yahoo, ReqDMARCPolicy, BulkSenders, c, dns, yahooPractices, "the From domain publishes a DMARC policy, p=none or stricter"),
		rule(Yahoo, ReqDMARCAlignment, BulkSenders, c, dnsMsg, yahooPractices, "the From domain aligns with the SPF or the DKIM domain"),
		rule(Yahoo, ReqFCrDNS, AllSenders, v, dns, yahooPractices, "every sending address, IPv4 and IPv6, has valid forward and reverse DNS"),
		rule(Yahoo, ReqNotListed, AllSenders, v, dns, yahooCodes, "no sending address is on a third-party blocklist"),
		rule(Yahoo, ReqFormat, AllSenders, v, msg, yahooPractices, "the message follows RFC 5322: one From, a Date and a Message-ID"),
		rule(Yahoo, ReqOneClick, BulkSenders, v, msg, yahooPractices, "marketing mail offers one-click unsubscribe (RFC 8058), its header fields signed by DKIM"),
		{ID: ID(Yahoo, ReqSpamRate), Provider: Yahoo, Scope: AllSenders, Requirement: ReqSpamRate, Party: v, Checks: elsewhere, Source: yahooPractices, Read: read,
			Summary: "the spam rate users report stays below 0.3%",
			Where:   "Yahoo's Complaint Feedback Loop (" + yahooCFL + "): the complaints about the vendor's mail"},

		rule(Microsoft, ReqSPFAndDKIM, BulkSenders, c, dns, microsoftHighVolume, "the mail passes both SPF and DKIM"),
		rule(Microsoft, ReqDMARCPolicy, BulkSenders, c, dns, microsoftHighVolume, "the From domain publishes a DMARC policy, p=none or stricter"),
		rule(Microsoft, ReqDMARCAlignment, BulkSenders, c, dnsMsg, microsoftHighVolume, "the From domain aligns with the SPF or the DKIM domain"),
		rule(Microsoft, ReqFCrDNS, AllSenders, v, dns, microsoftPolicies, "every sending address, IPv4 and IPv6, has valid reverse DNS"),
		rule(Microsoft, ReqFormat, AllSenders, v, msg, microsoftPolicies, "the message follows the Internet mail standards (RFC 5322): one From, a Date and a Message-ID"),
	}
	return rules
}
