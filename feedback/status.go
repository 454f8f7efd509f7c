package feedback

import (
	"slices"
	"strings"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/plan"
)

// Class is why a message was not delivered, as a vendor acts on it.
type Class string

// Classes of a failed recipient.
const (
	ClassAuthentication Class = "authentication" // SPF, DKIM or DMARC failed: a DNS fix
	ClassReputation     Class = "reputation"     // the sending address or domain is on a blocklist
	ClassMailbox        Class = "mailbox"        // the recipient does not exist, is full or disabled
	ClassSize           Class = "size"           // the message is larger than the receiver accepts (5.3.4, 5.2.3)
	ClassContent        Class = "content"        // the receiver cannot take the message's format or content (5.6.x)
	ClassPolicy         Class = "policy"         // refused for spam or the receiver's own rules
	ClassTemporary      Class = "temporary"      // will be retried (4.x.x, greylisting)
	ClassUnknown        Class = "unknown"        // the bounce does not say
)

// Mechanism is the authentication method a receiver says failed.
type Mechanism string

// Mechanisms.
const (
	MechSPF   Mechanism = "spf"
	MechDKIM  Mechanism = "dkim"
	MechDMARC Mechanism = "dmarc"
	MechARC   Mechanism = "arc" // the ARC chain (RFC 8617): its own result, not the From domain's authentication
)

// StatusText describes an enhanced status code ("5.7.26") in words, with
// whether it is permanent (5) or temporary (4), in English: see
// [StatusTextIn]. Codes the catalogue does not word fall back to their
// subject (the middle number, RFC 3463, Section 3).
func StatusText(code string) string { return StatusTextIn(i18n.English, code) }

// StatusTextIn is [StatusText] in the catalogue language tag matches
// (package i18n): the words of RFC 3463, and RFC 7372 for the
// authentication codes, as [Codes] lists them ("feedback-status-7-26").
func StatusTextIn(tag language.Tag, code string) string {
	parts := strings.SplitN(code, ".", 3)
	if len(parts) != 3 {
		return ""
	}
	kind := plan.Code("feedback-status-permanent")
	switch parts[0] {
	case "4":
		kind = "feedback-status-temporary"
	case "2":
		kind = "feedback-status-success"
	}
	detail := ""
	if slices.Contains(statusDetails, parts[1]+"."+parts[2]) {
		detail = sentence{Code: statusCode(parts[1] + "." + parts[2])}.In(tag)
	} else if len(parts[1]) == 1 && parts[1][0] >= '0' && parts[1][0] <= '7' {
		detail = sentence{Code: plan.Code("feedback-status-subject-" + parts[1])}.In(tag)
	}
	return sentence{kind, map[string]string{"detail": detail}}.In(tag)
}

// classify reads a status code and the receiver's words.
func classify(status, reply, diag, action string) (Class, Mechanism, *Listing) {
	d := strings.ToLower(diag)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(d, w) {
				return true
			}
		}
		return false
	}
	l := findListing(diag)
	if l != nil && !(has("list", "block", "banned", "reputation", "rbl", "spamhaus", "barracuda", "spamcop", "listed") || l.Zone != "") {
		l = nil
	}
	if strings.HasPrefix(status, "4.") || action == "delayed" || status == "" && strings.HasPrefix(reply, "4") {
		return ClassTemporary, "", l // retried; the list, when named, is why
	}
	if l != nil {
		return ClassReputation, "", l
	}
	switch {
	case status == "5.3.4" || status == "5.2.3" || (reply == "552" || strings.HasPrefix(status, "5.3.")) && has("size", "too large", "too big", "exceeds"):
		return ClassSize, "", nil
	case status == "5.7.26" || status == "5.7.509" || has("dmarc"):
		return ClassAuthentication, MechDMARC, nil
	case status == "5.7.23" || status == "5.7.24" || has("spf"):
		return ClassAuthentication, MechSPF, nil
	case status == "5.7.20" || status == "5.7.21" || status == "5.7.22" || has("dkim"):
		return ClassAuthentication, MechDKIM, nil
	case has("unauthenticated", "not authenticated", "authentication"):
		return ClassAuthentication, MechDMARC, nil
	case has("blocklist", "blacklist", "block list", "listed", "rbl", "reputation"):
		return ClassReputation, "", nil
	case strings.HasPrefix(status, "5.1.") || strings.HasPrefix(status, "5.2.") ||
		has("user unknown", "does not exist", "no such user", "unknown user", "mailbox unavailable", "recipient not found", "mailbox full", "over quota", "quota exceeded", "disabled", "inactive"):
		return ClassMailbox, "", nil
	case has("message size", "message too large", "size limit", "exceeds the maximum"):
		return ClassSize, "", nil
	case strings.HasPrefix(status, "5.6."):
		return ClassContent, "", nil
	case strings.HasPrefix(status, "5.7.") || has("spam", "policy", "content", "rejected"):
		return ClassPolicy, "", nil
	}
	return ClassUnknown, "", nil
}
