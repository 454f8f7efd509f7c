package feedback

import (
	"maps"
	"slices"
	"strings"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/plan"
)

// sentence is one sentence this package words, as the message catalogue
// (package i18n) holds it: a code and the values it is filled from. Its
// English is what the fields of [Recipient], [ProviderRule], [Reason] and
// [SourceSummary] hold; In renders it for a reader of another language.
type sentence struct {
	Code   plan.Code
	Params map[string]string
}

// In renders the sentence in the catalogue language tag matches.
func (s sentence) In(tag language.Tag) string {
	if s.Code == "" {
		return ""
	}
	return i18n.Default().Text(tag, string(s.Code)+".message", s.Params)
}

// statusDetails are the enhanced status codes (subject.detail) worded by
// the catalogue, as RFC 3463, and RFC 7372 for the authentication codes,
// define them; Microsoft's as Microsoft Learn, "Email non-delivery reports
// and SMTP errors in Exchange Online" describes them. Codes not listed
// fall back to their subject (the middle number), which RFC 3463, Section
// 3 defines from 0 to 7. The providers' own readings of a code are in
// [ProviderRule].
var statusDetails = []string{"1.1", "1.2", "1.10", "2.1", "2.2", "2.3", "3.4", "4.1", "4.4", "4.7", "5.3",
	"6.0", "6.1", "6.3", "7.0", "7.1", "7.9", "7.20", "7.21", "7.22", "7.23", "7.24", "7.25", "7.26", "7.27", "7.509"}

// spamTestNames are the SpamAssassin tests a vendor can act on, worded by
// the catalogue; other tests are named as they are.
var spamTestNames = []string{"SPF_FAIL", "SPF_SOFTFAIL", "SPF_HELO_FAIL", "DKIM_INVALID", "DKIM_ADSP_NXDOMAIN",
	"DMARC_REJECT", "DMARC_QUAR", "DMARC_NONE", "RDNS_NONE", "RDNS_DYNAMIC", "HELO_DYNAMIC_IPADDR",
	"RCVD_IN_SBL", "RCVD_IN_XBL", "RCVD_IN_BL_SPAMCOP_NET", "URIBL_BLOCKED", "MISSING_MID", "MISSING_DATE",
	"BAYES_99", "HTML_MESSAGE", "MIME_HTML_ONLY"}

// Microsoft's anti-spam verdicts (SFV) and categories (CAT) worded by the
// catalogue.
var (
	microsoftVerdicts   = []string{"SPM", "SKS", "BLK"}
	microsoftCategories = []string{"SPOOF", "PHSH", "SPM", "BULK", "HSPM"}
)

func statusCode(detail string) plan.Code {
	return plan.Code("feedback-status-" + strings.ReplaceAll(detail, ".", "-"))
}

func spamTestCode(test string) plan.Code {
	return plan.Code("feedback-spam-" + strings.ToLower(strings.ReplaceAll(test, "_", "-")))
}

// fixedCodes are the codes of the sentences this package words, besides
// the status codes', the spam tests' and Microsoft's, with the parameters
// each is filled from.
var fixedCodes = map[plan.Code][]string{
	// A status code in words: its kind, and what its subject and detail
	// say (the sentence of its detail or subject code, in the same
	// language).
	"feedback-status-permanent": {"detail"},
	"feedback-status-temporary": {"detail"},
	"feedback-status-success":   {"detail"},
	// What to do about a failed recipient, by its class.
	"feedback-advice-authentication":   {"mechanism"},
	"feedback-advice-reputation":       {"address", "list", "url"},
	"feedback-advice-size":             nil,
	"feedback-advice-content":          nil,
	"feedback-advice-mailbox":          nil,
	"feedback-advice-policy":           nil,
	"feedback-advice-temporary":        nil,
	"feedback-advice-temporary-listed": {"list", "url"},
	"feedback-advice-unknown":          nil,
	// A blocklist named by a description (Microsoft's own).
	"feedback-list-microsoft-banned": nil,
	"feedback-list-outlook-blocked":  nil,
	// A provider's temporary code: fix is the rule's fix, in the same
	// language.
	"feedback-advice-retrying": {"fix"},
	// An authentication result, by its method (SPF, DKIM, DMARC, ARC).
	"feedback-result-pass":       {"method", "domain"},
	"feedback-result":            {"method", "result", "domain"},
	"feedback-result-none":       {"method", "domain"},
	"feedback-result-no-dkim":    nil,
	"feedback-result-no-arc":     nil,
	"feedback-result-arc-broken": nil,
	// A field that could not be read; problem is the parser's English.
	"feedback-result-unreadable": {"problem"},
	// A spam filter's test the catalogue does not word, by its name.
	"feedback-spam-test": {"test"},
	// rspamd's own authentication symbols.
	"feedback-rspamd-spf":   {"symbol"},
	"feedback-rspamd-dkim":  nil,
	"feedback-rspamd-dmarc": {"detail"},
	// Exchange's spam confidence level (5 and up is junk).
	"feedback-microsoft-scl": {"scl"},
	// Why a source in aggregate reports is what it is: what passed for
	// its own domain (the method, that domain and the From domain), the
	// vendor's, aligned for its other (passed) messages, a service the
	// domain's SPF record authorizes, delivered only by the receiver's
	// override (how many, and the reason), and so forwarded or list mail.
	"feedback-why-own":       {"method", "domain", "from"},
	"feedback-why-vendor":    nil,
	"feedback-why-aligned":   {"passed"},
	"feedback-why-service":   {"domain"},
	"feedback-why-override":  {"overridden", "override"},
	"feedback-why-forwarded": nil,
	// Why a stricter DMARC policy is not yet safe: no mail to judge by;
	// the sources it would hurt (each a source, its failed and messages
	// counts and why, in the same language); mail in records past the
	// rows a report keeps.
	"feedback-not-safe-empty":  {"domain"},
	"feedback-not-safe-hurt":   {"sources"},
	"feedback-hurt-source":     {"source", "failed", "messages", "why"},
	"feedback-not-safe-unread": {"failed", "records", "rows"},
}

// Codes returns the catalogue codes of the sentences this package words
// (a status code in words, a provider's rule and its fix, the advice for a
// failed recipient, a header field's result), each with the parameters it
// is filled from: what a program rendering them in its reader's language,
// and the catalogue's tests, need.
func Codes() map[plan.Code][]string {
	out := maps.Clone(fixedCodes)
	for _, d := range statusDetails {
		out[statusCode(d)] = nil
	}
	for s := range 8 {
		out[plan.Code("feedback-status-subject-"+string(rune('0'+s)))] = nil
	}
	for _, t := range spamTestNames {
		out[spamTestCode(t)] = nil
	}
	for _, v := range microsoftVerdicts {
		out[plan.Code("feedback-microsoft-sfv-"+strings.ToLower(v))] = nil
	}
	for _, c := range microsoftCategories {
		out[plan.Code("feedback-microsoft-cat-"+strings.ToLower(c))] = []string{"scl"}
	}
	for _, r := range providerRules {
		out[r.id] = nil
	}
	for code, names := range out {
		out[code] = slices.Clone(names)
	}
	return out
}
