package mailbox

import (
	"slices"
	"sync"

	"github.com/domainauth/domainauth/plan"
)

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
	rules := slices.Clone(catalogue())
	for i := range rules {
		rules[i].Checks = slices.Clone(rules[i].Checks)
	}
	return rules
}

// catalogue builds the rules once: their summaries are the message
// catalogue's English.
var catalogue = sync.OnceValue(func() []Rule {
	c, v := plan.PartyCustomer, plan.PartyVendor
	dns := []CheckKind{CheckDNS}
	dnsMsg := []CheckKind{CheckDNS, CheckMessage}
	msg := []CheckKind{CheckMessage}
	rule := func(p Provider, q Requirement, s Scope, party plan.Party, checks []CheckKind, source string) Rule {
		id := ID(p, q)
		return Rule{ID: id, Provider: p, Scope: s, Requirement: q, Party: party, Checks: checks, Summary: plan.Sentence(ruleText(id, "summary"), nil), Source: source, Read: read}
	}
	// elsewhereRule is a rule checked elsewhere: Where names the page at
	// url and what it shows.
	elsewhereRule := func(p Provider, q Requirement, s Scope, party plan.Party, source, url string) Rule {
		r := rule(p, q, s, party, []CheckKind{CheckElsewhere}, source)
		r.Where, r.whereURL = plan.Sentence(ruleText(r.ID, "where"), map[string]string{"url": url}), url
		return r
	}
	rules := []Rule{
		rule(Gmail, ReqSPFOrDKIM, AllSenders, c, dns, gmailGuidelines),
		rule(Gmail, ReqSPFAndDKIM, BulkSenders, c, dns, gmailGuidelines),
		rule(Gmail, ReqDKIMKeySize, AllSenders, c, dnsMsg, gmailDKIM),
		rule(Gmail, ReqDMARCPolicy, BulkSenders, c, dns, gmailGuidelines),
		rule(Gmail, ReqDMARCAlignment, BulkSenders, c, dnsMsg, gmailGuidelines),
		rule(Gmail, ReqFCrDNS, AllSenders, v, dns, gmailGuidelines),
		rule(Gmail, ReqTLS, AllSenders, v, msg, gmailGuidelines),
		rule(Gmail, ReqFormat, AllSenders, v, msg, gmailGuidelines),
		rule(Gmail, ReqNotProvider, AllSenders, v, msg, gmailGuidelines),
		rule(Gmail, ReqOneClick, BulkSenders, v, msg, gmailGuidelines),
		elsewhereRule(Gmail, ReqSpamRate, AllSenders, v, gmailFAQ, gmailPostmaster),

		rule(Yahoo, ReqSPFOrDKIM, AllSenders, c, dns, yahooPractices),
		rule(Yahoo, ReqSPFAndDKIM, BulkSenders, c, dns, yahooPractices),
		rule(Yahoo, ReqDMARCPolicy, BulkSenders, c, dns, yahooPractices),
		rule(Yahoo, ReqDMARCAlignment, BulkSenders, c, dnsMsg, yahooPractices),
		rule(Yahoo, ReqFCrDNS, AllSenders, v, dns, yahooPractices),
		rule(Yahoo, ReqNotListed, AllSenders, v, dns, yahooCodes),
		rule(Yahoo, ReqFormat, AllSenders, v, msg, yahooPractices),
		rule(Yahoo, ReqOneClick, BulkSenders, v, msg, yahooPractices),
		elsewhereRule(Yahoo, ReqSpamRate, AllSenders, v, yahooPractices, yahooCFL),

		rule(Microsoft, ReqSPFAndDKIM, BulkSenders, c, dns, microsoftHighVolume),
		rule(Microsoft, ReqDMARCPolicy, BulkSenders, c, dns, microsoftHighVolume),
		rule(Microsoft, ReqDMARCAlignment, BulkSenders, c, dnsMsg, microsoftHighVolume),
		rule(Microsoft, ReqFCrDNS, AllSenders, v, dns, microsoftPolicies),
		rule(Microsoft, ReqFormat, AllSenders, v, msg, microsoftPolicies),
	}
	return rules
})
