package mailbox

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/i18n"
)

// Text renders the report for a support engineer: the message, its DKIM
// signatures, and each provider's message-side rules with what breaks
// them and the fix.
func (r *MessageReport) Text() string { return r.TextIn(i18n.English) }

// TextIn is [MessageReport.Text] in the language tag matches (see
// [i18n.Catalog.Match]): its words from the message catalogue, each rule's
// sentence and fix as [RuleResult.In] words them. Values (addresses,
// names, header fields, codes) are as they are.
func (r *MessageReport) TextIn(tag language.Tag) string {
	c := i18n.Default()
	t := func(id string, p i18n.Params) string { return c.Text(tag, "text.message."+id, p) }
	var b strings.Builder
	delivered := ""
	if r.Delivered {
		delivered = "yes"
	}
	fmt.Fprintf(&b, "%s\n", t("heading", i18n.Params{"id": r.MessageID, "from": r.From, "delivered": delivered}))
	if len(r.Signatures) == 0 {
		fmt.Fprintf(&b, "%s\n", t("no-signature", nil))
	}
	for _, s := range r.Signatures {
		p := i18n.Params{"signature": s.name(), "error": s.Error, "domain": r.FromDomain, "headers": strings.Join(s.Headers, ":")}
		if s.Verified {
			p["verified"] = "yes"
		}
		if s.Aligned {
			p["aligned"] = "yes"
		}
		if s.KeyBits > 0 {
			p["key"], p["bits"] = keyName(s.KeyType), strconv.Itoa(s.KeyBits)
		}
		fmt.Fprintf(&b, "%s\n", t("signature", p))
	}
	var last Provider
	var group []RuleResult
	flush := func() {
		if len(group) == 0 {
			return
		}
		broken := 0
		for _, g := range group {
			if g.Outcome == NotMet || g.Outcome == NotChecked {
				broken++
			}
		}
		fmt.Fprintf(&b, "\n%s\n", t("verdict", i18n.Params{"provider": last.Name(), "count": strconv.Itoa(broken)}))
		for _, g := range group {
			fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(g.StringIn(tag), "\n", "\n  "))
		}
		group = nil
	}
	for _, res := range r.Results {
		if res.Provider != last {
			flush()
			last = res.Provider
		}
		group = append(group, res)
	}
	flush()
	return b.String()
}

// keyName is how people write a key type: "RSA", "Ed25519".
func keyName(t dkim.KeyType) string {
	switch t {
	case dkim.KeyRSA:
		return "RSA"
	case dkim.KeyEd25519:
		return "Ed25519"
	}
	return string(t)
}
