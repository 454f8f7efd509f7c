package domaincheck

import "github.com/domainauth/domainauth/plan"

// Codes of the sentences the providers' sections word their rules'
// outcomes with (mailbox.RuleResult.Code): the message catalogue (package
// i18n) holds each code's sentences, filled from the parameters named
// beside it, in every language.
const (
	CodeRuleNotBulk    plan.Code = "rule-not-bulk"     // a bulk-sender rule, and the profile says the vendor is not one: vendor
	CodeRuleElsewhere  plan.Code = "rule-elsewhere"    // a rule not visible from here, and where to look: url
	CodeRuleNotChecked plan.Code = "rule-not-checked"  // DNS did not answer a question the rule needs: question
	CodeRuleSPFOrDKIM  plan.Code = "rule-spf-or-dkim"  // SPF or DKIM passes: vendor, envelope, servers, failing, problem
	CodeRuleSPFAndDKIM plan.Code = "rule-spf-and-dkim" // SPF and DKIM pass: vendor, envelope, servers, failing, problem
	CodeRuleKeySize    plan.Code = "rule-key-size"     // the size of the keys at the vendor's selectors: domain, key, bits, keys, allbits
	CodeRuleDMARC      plan.Code = "rule-dmarc-policy" // a DMARC policy is published: domain, policy, at
	CodeRuleAlignment  plan.Code = "rule-alignment"    // SPF or DKIM passes and aligns: vendor, domain
	CodeRuleVendor     plan.Code = "rule-vendor"       // the vendor's servers do not meet a rule: vendor
	CodeRuleFCrDNS     plan.Code = "rule-fcrdns"       // every sending address has forward-confirmed reverse DNS: vendor, four, six, servers
	CodeRuleNotListed  plan.Code = "rule-not-listed"   // the sending addresses and the blocklists: vendor, servers, lists
	// CodeRuleStep words a fix, never a sentence: the step of the plan
	// that makes a rule hold.
	CodeRuleStep plan.Code = "rule-step" // a step of the customer's changes: step, action, type, name
)

// Codes of what blocks a domain (DomainReport.Blockers), worded by the
// message catalogue from the parameters named beside each.
const (
	CodeBlockerDMARC    plan.Code = "blocker-dmarc-fails"  // DMARC fails for the vendor's mail: envelope, missing, mode, failing, unaligned
	CodeBlockerSPFFail  plan.Code = "blocker-spf-fail"     // SPF gives fail for a server though DMARC passes: addresses, envelope
	CodeBlockerNoPolicy plan.Code = "blocker-no-policy"    // no DMARC policy is published: vendor, minimum
	CodeBlockerPolicy   plan.Code = "blocker-policy-below" // the DMARC policy is below the profile's minimum: policy, minimum, vendor
)
