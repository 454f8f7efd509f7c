package mailbox

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dkim"
)

// Text renders the report for a support engineer: the message, its DKIM
// signatures, and each provider's message-side rules with what breaks
// them and the fix.
func (r *MessageReport) Text() string {
	var b strings.Builder
	when := "before delivery"
	if r.Delivered {
		when = "a delivered copy"
	}
	from := r.From
	if from == "" {
		from = "(no single From address)"
	}
	fmt.Fprintf(&b, "==== message %s from %s, %s\n", orNone(r.MessageID), from, when)
	if len(r.Signatures) == 0 {
		b.WriteString("DKIM: no signature\n")
	}
	for _, s := range r.Signatures {
		state := "verifies"
		if !s.Verified {
			state = "does not verify (" + s.Error + ")"
		}
		align := "aligned with " + r.FromDomain
		if !s.Aligned {
			align = "not aligned with " + orUnknown(r.FromDomain)
		}
		key := "key not found"
		if s.KeyBits > 0 {
			key = fmt.Sprintf("%s key of %d bits", keyName(s.KeyType), s.KeyBits)
		}
		fmt.Fprintf(&b, "DKIM: %s %s, %s, %s; signs %s\n", s.name(), state, align, key, strings.Join(s.Headers, ":"))
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
		verdict := "meets every message rule checked here"
		if broken == 1 {
			verdict = "1 message rule is not met"
		} else if broken > 1 {
			verdict = fmt.Sprintf("%d message rules are not met", broken)
		}
		fmt.Fprintf(&b, "\n%s: %s\n", last.Name(), verdict)
		for _, g := range group {
			fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(g.String(), "\n", "\n  "))
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

func orNone(s string) string {
	if s == "" {
		return "(no Message-ID)"
	}
	return s
}
