package feedback

import (
	"slices"
	"strings"

	"github.com/domainauth/domainauth/mailbox"
)

// ProviderRule is a mailbox provider's own meaning of a status code: the
// rule of the provider's sender requirements that the message broke, and
// the fix.
type ProviderRule struct {
	Provider string `json:"provider"`       // "Gmail", "Outlook.com", "Yahoo"
	Code     string `json:"code,omitempty"` // the enhanced status code, "5.7.27"; "" when a tag names it
	Tag      string `json:"tag,omitempty"`  // the provider's tag in the reply text, "[TSS04]"; "" when the code names it
	Rule     string `json:"rule"`           // the rule, in words
	Fix      string `json:"fix"`            // what to do
	// Class and Mechanism are how the failure is classed: a temporary
	// code keeps ClassTemporary, and the mechanism says what will keep
	// failing.
	Class     Class     `json:"class"`
	Mechanism Mechanism `json:"mechanism,omitempty"`
	// RuleID is the rule of the providers' catalogue (package mailbox) the
	// code enforces, "" when it enforces none of its rules (a deferral for
	// volume): the domain check says whether the domain meets it now.
	RuleID mailbox.RuleID `json:"rule_id,omitempty"`
}

// providerRules are the providers' codes, as their pages describe them:
//
//   - Gmail: Google Workspace Admin Help, "SMTP errors and codes"
//     (support.google.com/a/answer/3726730) and "Email sender guidelines"
//     (support.google.com/mail/answer/81126), the 2024 bulk-sender codes
//     4.7.23/5.7.25, 4.7.27/5.7.27, 4.7.29/5.7.29, 4.7.30/5.7.30, 4.7.31
//     and 4.7.32; read 2026-12-02 through copies of the pages quoted by
//     Twilio SendGrid ("Google reveals new email error codes", 2024-05-06)
//     and DMARCPal, as Google's own page did not load.
//   - Outlook.com: Microsoft Support, "Fix NDR error 550 5.7.515 in
//     Outlook.com" (support.microsoft.com), the high-volume sender
//     requirements enforced since May 2025; read 2026-12-02.
//   - Yahoo: Yahoo Sender Hub, "SMTP error codes"
//     (senders.yahooinc.com/smtp-error-codes) and "Sender requirements";
//     read 2026-12-02 through the copy archived on 2025-04-11 in the
//     feb-2024-no-auth-no-entry repository and smtpfieldmanual.com.
var providerRules = slices.Concat(
	gmailPair("4.7.23", "5.7.25", ClassPolicy, "", mailbox.ID(mailbox.Gmail, mailbox.ReqFCrDNS),
		"the sending address must have a PTR record whose name resolves back to it (forward-confirmed reverse DNS)",
		"the vendor gives each sending address a PTR record naming a host whose A or AAAA record is that address; nothing to change in the customer's DNS"),
	gmailPair("4.7.27", "5.7.27", ClassAuthentication, MechSPF, mailbox.ID(mailbox.Gmail, mailbox.ReqSPFAndDKIM),
		"SPF must pass for the envelope sender's domain",
		"authorize the sending address in the SPF record of the envelope sender's domain (the SPF change of the plan)"),
	gmailPair("4.7.29", "5.7.29", ClassPolicy, "", mailbox.ID(mailbox.Gmail, mailbox.ReqTLS),
		"mail must arrive over TLS",
		"the vendor's sending servers must use STARTTLS when Gmail offers it; nothing to change in the customer's DNS"),
	gmailPair("4.7.30", "5.7.30", ClassAuthentication, MechDKIM, mailbox.ID(mailbox.Gmail, mailbox.ReqSPFAndDKIM),
		"the message must carry a DKIM signature that verifies",
		"sign with a key whose public half is published at the selector (the DKIM change of the plan)"),
	[]ProviderRule{{Provider: "Gmail", Code: "4.7.31", RuleID: mailbox.ID(mailbox.Gmail, mailbox.ReqDMARCPolicy), Class: ClassTemporary, Mechanism: MechDMARC,
		Rule: "a bulk sender's From domain must publish a DMARC record (p=none at least)",
		Fix:  "publish a DMARC record for the From domain (the DMARC change of the plan)"}},
	gmailPair("4.7.32", "5.7.32", ClassAuthentication, MechDMARC, mailbox.ID(mailbox.Gmail, mailbox.ReqDMARCAlignment),
		"the From domain must be aligned with the domain SPF or DKIM authenticated",
		"sign with the From domain's own DKIM key, or send with an envelope domain of the From domain (the plan's DKIM and SPF changes)"),
	[]ProviderRule{{Provider: "Gmail", Code: "5.7.26", RuleID: mailbox.ID(mailbox.Gmail, mailbox.ReqDMARCAlignment), Class: ClassAuthentication, Mechanism: MechDMARC,
		Rule: "the message must authenticate: DMARC must pass where the From domain publishes it, and SPF or DKIM must pass otherwise",
		Fix:  "make SPF or DKIM pass aligned with the From domain (the plan's changes)"}},
	[]ProviderRule{{Provider: "Outlook.com", Code: "5.7.515", RuleID: mailbox.ID(mailbox.Microsoft, mailbox.ReqDMARCAlignment), Class: ClassAuthentication, Mechanism: MechDMARC,
		Rule: "a domain sending 5,000 messages or more to Outlook.com must pass SPF and DKIM, publish DMARC (p=none at least), and pass DMARC aligned",
		Fix:  "publish SPF, DKIM and DMARC for the From domain so that DMARC passes aligned (the plan's changes)"}},
	[]ProviderRule{{Provider: "Yahoo", Code: "5.7.9", RuleID: mailbox.ID(mailbox.Yahoo, mailbox.ReqSPFOrDKIM), Tag: "unauthenticated", Class: ClassAuthentication, Mechanism: MechDMARC,
		Rule: "every sender must authenticate with SPF or DKIM, and bulk senders with both and DMARC",
		Fix:  "make SPF and DKIM pass for the From domain and publish DMARC (the plan's changes)"}},
	[]ProviderRule{{Provider: "Yahoo", Tag: "[TSS04]", Class: ClassTemporary,
		Rule: "mail is deferred for unexpected volume or user complaints from the sending address",
		Fix:  "lower the complaint rate (send only wanted mail, one-click unsubscribe) and raise volume gradually; the sending server retries"}},
	[]ProviderRule{{Provider: "Yahoo", Tag: "[TSS09]", Class: ClassPolicy,
		Rule: "mail from the sending address is deferred permanently for its complaints or traffic pattern",
		Fix:  "lower the complaint rate and contact Yahoo through the Sender Hub once fixed; nothing to change in the customer's DNS"}},
)

// gmailPair is one of Gmail's rules with its two codes, the temporary
// one and the permanent one: the same rule and fix.
func gmailPair(temporary, permanent string, permanentClass Class, mech Mechanism, id mailbox.RuleID, rule, fix string) []ProviderRule {
	return []ProviderRule{
		{Provider: "Gmail", Code: temporary, RuleID: id, Class: ClassTemporary, Mechanism: mech, Rule: rule, Fix: fix},
		{Provider: "Gmail", Code: permanent, RuleID: id, Class: permanentClass, Mechanism: mech, Rule: rule, Fix: fix},
	}
}

// providerOf says whose receiver wrote a bounce, from the receiving host,
// the recipient's address and the reply's words.
func providerOf(remote, rcpt, diag string) string {
	s := strings.ToLower(remote + " " + rcpt + " " + diag)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(s, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("gsmtp", "google", "gmail"):
		return "Gmail"
	case has("outlook", "hotmail", "live.com", "msn.com", "microsoft"):
		return "Outlook.com"
	case has("yahoo", "aol.com", "[tss", "[bl2"):
		return "Yahoo"
	}
	return ""
}

// providerRule finds the rule a provider's code or tag names.
func providerRule(provider, status, diag string) *ProviderRule {
	if provider == "" {
		return nil
	}
	d := strings.ToLower(diag)
	for i := range providerRules {
		r := &providerRules[i]
		if r.Provider != provider {
			continue
		}
		switch {
		case r.Code != "" && r.Tag != "":
			if r.Code == status && strings.Contains(d, r.Tag) {
				return r
			}
		case r.Code != "":
			if r.Code == status {
				return r
			}
		case strings.Contains(d, strings.ToLower(r.Tag)):
			return r
		}
	}
	return nil
}
