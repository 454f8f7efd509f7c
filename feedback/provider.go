package feedback

import (
	"slices"
	"strings"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/mailbox"
	"github.com/domainauth/domainauth/plan"
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
	// id is the catalogue code of Rule and Fix (see [Codes]).
	id plan.Code
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
	gmailPair("4.7.23", "5.7.25", ClassPolicy, "", mailbox.ID(mailbox.Gmail, mailbox.ReqFCrDNS), "feedback-rule-gmail-fcrdns"),
	gmailPair("4.7.27", "5.7.27", ClassAuthentication, MechSPF, mailbox.ID(mailbox.Gmail, mailbox.ReqSPFAndDKIM), "feedback-rule-gmail-spf"),
	gmailPair("4.7.29", "5.7.29", ClassPolicy, "", mailbox.ID(mailbox.Gmail, mailbox.ReqTLS), "feedback-rule-gmail-tls"),
	gmailPair("4.7.30", "5.7.30", ClassAuthentication, MechDKIM, mailbox.ID(mailbox.Gmail, mailbox.ReqSPFAndDKIM), "feedback-rule-gmail-dkim"),
	[]ProviderRule{{Provider: "Gmail", Code: "4.7.31", RuleID: mailbox.ID(mailbox.Gmail, mailbox.ReqDMARCPolicy), Class: ClassTemporary, Mechanism: MechDMARC,
		id: "feedback-rule-gmail-dmarc-policy"}},
	gmailPair("4.7.32", "5.7.32", ClassAuthentication, MechDMARC, mailbox.ID(mailbox.Gmail, mailbox.ReqDMARCAlignment), "feedback-rule-gmail-alignment"),
	[]ProviderRule{{Provider: "Gmail", Code: "5.7.26", RuleID: mailbox.ID(mailbox.Gmail, mailbox.ReqDMARCAlignment), Class: ClassAuthentication, Mechanism: MechDMARC,
		id: "feedback-rule-gmail-authenticate"}},
	[]ProviderRule{{Provider: "Outlook.com", Code: "5.7.515", RuleID: mailbox.ID(mailbox.Microsoft, mailbox.ReqDMARCAlignment), Class: ClassAuthentication, Mechanism: MechDMARC,
		id: "feedback-rule-outlook-authenticate"}},
	[]ProviderRule{{Provider: "Yahoo", Code: "5.7.9", RuleID: mailbox.ID(mailbox.Yahoo, mailbox.ReqSPFOrDKIM), Tag: "unauthenticated", Class: ClassAuthentication, Mechanism: MechDMARC,
		id: "feedback-rule-yahoo-authenticate"}},
	[]ProviderRule{{Provider: "Yahoo", Tag: "[TSS04]", Class: ClassTemporary, id: "feedback-rule-yahoo-tss04"}},
	[]ProviderRule{{Provider: "Yahoo", Tag: "[TSS09]", Class: ClassPolicy, id: "feedback-rule-yahoo-tss09"}},
)

// gmailPair is one of Gmail's rules with its two codes, the temporary
// one and the permanent one: the same rule and fix.
func gmailPair(temporary, permanent string, permanentClass Class, mech Mechanism, ruleID mailbox.RuleID, id plan.Code) []ProviderRule {
	return []ProviderRule{
		{Provider: "Gmail", Code: temporary, RuleID: ruleID, Class: ClassTemporary, Mechanism: mech, id: id},
		{Provider: "Gmail", Code: permanent, RuleID: ruleID, Class: permanentClass, Mechanism: mech, id: id},
	}
}

// words returns the catalogue code of a rule's words ("" for a rule this
// package does not know): the rule's message is the rule, its fix the
// fix. A rule read back from JSON is found by its provider, code and tag.
func (r *ProviderRule) words() plan.Code {
	if r.id != "" {
		return r.id
	}
	for _, known := range providerRules {
		if known.Provider == r.Provider && known.Code == r.Code && known.Tag == r.Tag {
			return known.id
		}
	}
	return ""
}

// RuleIn is the rule in the catalogue language tag matches (package
// i18n); Rule when the catalogue does not know it.
func (r *ProviderRule) RuleIn(tag language.Tag) string {
	if id := r.words(); id != "" {
		return i18n.Default().Text(tag, string(id)+".message", nil)
	}
	return r.Rule
}

// FixIn is the fix in the catalogue language tag matches (package i18n);
// Fix when the catalogue does not know the rule.
func (r *ProviderRule) FixIn(tag language.Tag) string {
	if id := r.words(); id != "" {
		return i18n.Default().Text(tag, string(id)+".fix", nil)
	}
	return r.Fix
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

// worded is a copy of the rule with its Rule and Fix in English.
func (r *ProviderRule) worded() *ProviderRule {
	c := *r
	c.Rule, c.Fix = r.RuleIn(i18n.English), r.FixIn(i18n.English)
	return &c
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
				return r.worded()
			}
		case r.Code != "":
			if r.Code == status {
				return r.worded()
			}
		case strings.Contains(d, strings.ToLower(r.Tag)):
			return r.worded()
		}
	}
	return nil
}
