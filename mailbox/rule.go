package mailbox

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/plan"
)

// Provider names a mailbox provider whose rules the catalogue holds.
type Provider string

// Providers.
const (
	Gmail     Provider = "gmail"     // Google's personal Gmail accounts (gmail.com, googlemail.com)
	Yahoo     Provider = "yahoo"     // Yahoo Mail and AOL
	Microsoft Provider = "microsoft" // Outlook.com, Microsoft's consumer mail (outlook.com, hotmail.com, live.com)
)

// Providers returns every provider the catalogue knows, in a fixed order.
func Providers() []Provider { return []Provider{Gmail, Yahoo, Microsoft} }

// Name is the provider as people call it: "Gmail", "Yahoo", "Outlook.com".
func (p Provider) Name() string {
	switch p {
	case Gmail:
		return "Gmail"
	case Yahoo:
		return "Yahoo"
	case Microsoft:
		return "Outlook.com"
	}
	return string(p)
}

// Validate reports whether p is a provider the catalogue knows.
func (p Provider) Validate() error {
	for _, k := range Providers() {
		if p == k {
			return nil
		}
	}
	return fmt.Errorf("%w: %q (use gmail, yahoo or microsoft)", ErrUnknownProvider, string(p))
}

// Domains are the provider's own mail domains: a From address in one of
// them, sent from elsewhere, is impersonation to the provider.
func (p Provider) Domains() []string {
	switch p {
	case Gmail:
		return []string{"gmail.com", "googlemail.com"}
	case Yahoo:
		return []string{"yahoo.com", "aol.com", "ymail.com", "rocketmail.com"}
	case Microsoft:
		return []string{"outlook.com", "hotmail.com", "live.com", "msn.com"}
	}
	return nil
}

// Scope says which senders a rule applies to.
type Scope string

// Scopes.
const (
	AllSenders  Scope = "all"  // every sender
	BulkSenders Scope = "bulk" // bulk senders: about 5,000 messages a day or more to the provider's users
)

// CheckKind says how a rule can be checked from here.
type CheckKind string

// Check kinds.
const (
	CheckDNS       CheckKind = "dns"       // in DNS: the customer's records, or the vendor's servers' reverse DNS and listings
	CheckMessage   CheckKind = "message"   // in a message as the vendor sends it (MessageChecker)
	CheckElsewhere CheckKind = "elsewhere" // not from here: Rule.Where says where to look
)

// Requirement is what a rule asks for, shared by the providers that ask
// for the same thing; a check evaluates it once.
type Requirement string

// Requirements.
const (
	ReqSPFOrDKIM      Requirement = "spf-or-dkim"       // SPF passes or a DKIM signature verifies (RFC 7208, RFC 6376)
	ReqSPFAndDKIM     Requirement = "spf-and-dkim"      // both SPF and DKIM pass
	ReqDKIMKeySize    Requirement = "dkim-key-size"     // the DKIM key has at least 1024 bits; 2048 recommended
	ReqDMARCPolicy    Requirement = "dmarc-policy"      // a DMARC record is published, p=none or stricter (RFC 9989)
	ReqDMARCAlignment Requirement = "dmarc-alignment"   // the From domain aligns with SPF or DKIM (RFC 9989, Section 4.4)
	ReqFCrDNS         Requirement = "fcrdns"            // every sending address, IPv4 and IPv6, has forward-confirmed reverse DNS
	ReqNotListed      Requirement = "not-blocklisted"   // no sending address is on a blocklist (only lists the caller enables)
	ReqTLS            Requirement = "tls"               // the connection to the provider uses TLS
	ReqFormat         Requirement = "rfc5322-format"    // exactly one From, a Date and a Message-ID (RFC 5322, Section 3.6)
	ReqNotProvider    Requirement = "from-not-provider" // the From domain is not one of the provider's own
	ReqOneClick       Requirement = "one-click"         // one-click unsubscribe (RFC 8058), both header fields signed
	ReqSpamRate       Requirement = "spam-rate"         // the user-reported spam rate stays low
)

// RuleID is a rule's stable identifier: "<provider>-<requirement>", such
// as "gmail-one-click". Bounce readers and tickets refer to rules by it.
type RuleID string

// Rule is one rule of one provider.
type Rule struct {
	ID          RuleID      `json:"id"`
	Provider    Provider    `json:"provider"`
	Scope       Scope       `json:"scope"`
	Requirement Requirement `json:"requirement"`
	// Party is who meets the rule: the customer (its DNS) or the vendor
	// (its servers, its software, its sending practice).
	Party plan.Party `json:"party"`
	// Checks are how the rule can be checked from here, in order of
	// preference.
	Checks []CheckKind `json:"checks"`
	// Summary says what the rule asks for, in this project's words.
	Summary string `json:"summary"`
	// Where says where to look for a rule that cannot be checked from
	// here (CheckElsewhere): the provider's dashboard.
	Where string `json:"where,omitempty"`
	// Source is the provider's page the rule comes from, and Read the day
	// it was read (YYYY-MM-DD).
	Source string `json:"source"`
	Read   string `json:"read"`
	// whereURL is the address Where names, which [Rule.In] words Where
	// around in another language.
	whereURL string
}

// CheckedBy reports whether the rule can be checked the way k says.
func (r Rule) CheckedBy(k CheckKind) bool {
	for _, c := range r.Checks {
		if c == k {
			return true
		}
	}
	return false
}

// AppliesTo reports whether the rule applies to a sender that is (or is
// not) a bulk sender.
func (r Rule) AppliesTo(bulk bool) bool { return r.Scope == AllSenders || bulk }

// ScopeText says whom the rule applies to, in words.
func (r Rule) ScopeText() string {
	if r.Scope == BulkSenders {
		return "bulk senders"
	}
	return "all senders"
}

// ID builds the rule ID of provider p for requirement q.
func ID(p Provider, q Requirement) RuleID { return RuleID(string(p) + "-" + string(q)) }

// Lookup returns the rule with the given ID.
func Lookup(id RuleID) (Rule, bool) {
	for _, r := range Catalogue() {
		if strings.EqualFold(string(r.ID), string(id)) {
			return r, true
		}
	}
	return Rule{}, false
}

// For returns provider p's rule for requirement q, if it has one.
func For(p Provider, q Requirement) (Rule, bool) { return Lookup(ID(p, q)) }

// RulesOf returns provider p's rules, in the catalogue's order.
func RulesOf(p Provider) []Rule {
	var out []Rule
	for _, r := range Catalogue() {
		if r.Provider == p {
			out = append(out, r)
		}
	}
	return out
}
