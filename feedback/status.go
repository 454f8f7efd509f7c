package feedback

import (
	"strings"
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

// statusText gives an enhanced status code (RFC 3463, and RFC 7372 for the
// authentication codes) in words. Codes not listed fall back to their
// subject (the middle number). The providers' own readings of a code are
// in [ProviderRule]; Microsoft's are as Microsoft Learn, "Email
// non-delivery reports and SMTP errors in Exchange Online" describes them
// (5.7.509, 5.1.10, 5.7.606 to 5.7.649).
var statusText = map[string]string{
	"1.1":   "the recipient's mailbox does not exist",
	"1.2":   "the recipient's domain does not exist or has no mail server",
	"1.10":  "the recipient address does not exist (the receiver found no such recipient)",
	"2.1":   "the recipient's mailbox is disabled and accepts no mail",
	"2.2":   "the recipient's mailbox is full",
	"2.3":   "the message is larger than the recipient's mailbox accepts",
	"3.4":   "the message is larger than the receiving system accepts",
	"4.1":   "the receiving server did not answer",
	"4.4":   "no route to the recipient's mail server",
	"4.7":   "the message was too old to be delivered",
	"5.3":   "too many recipients",
	"6.0":   "the receiver could not accept the message's content or format",
	"6.1":   "the receiver does not accept a media type the message uses",
	"6.3":   "the message would have to be converted, and conversion is not allowed",
	"7.0":   "refused for a security or policy reason",
	"7.1":   "delivery not authorized: the receiver refused the message by policy",
	"7.9":   "refused: the message was not accepted for policy reasons",
	"7.20":  "no passing DKIM signature was found (RFC 7372)",
	"7.21":  "no acceptable DKIM signature was found (RFC 7372)",
	"7.22":  "no valid DKIM signature of the author's domain was found (RFC 7372)",
	"7.23":  "SPF validation failed (RFC 7372)",
	"7.24":  "SPF validation could not be completed (RFC 7372)",
	"7.25":  "the sending address's reverse DNS could not be validated (RFC 7372)",
	"7.26":  "several authentication checks failed (RFC 7372); Gmail uses it for a DMARC failure",
	"7.27":  "the sender's domain accepts no mail (a null MX, RFC 7505); Gmail uses it for an SPF failure",
	"7.509": "the sending domain does not pass DMARC and publishes p=reject (Microsoft)",
}

// subjectText says what each subject of RFC 3463, Section 3 is about.
var subjectText = map[string]string{
	"0": "an unspecified problem",
	"1": "a problem with the recipient address",
	"2": "a problem with the recipient's mailbox",
	"3": "a problem with the receiving mail system",
	"4": "a network or routing problem",
	"5": "a problem in the mail delivery protocol",
	"6": "a problem with the message's content or format",
	"7": "a security or policy refusal",
}

// StatusText describes an enhanced status code ("5.7.26") in words, with
// whether it is permanent (5) or temporary (4).
func StatusText(code string) string {
	parts := strings.SplitN(code, ".", 3)
	if len(parts) != 3 {
		return ""
	}
	kind := "permanent failure"
	switch parts[0] {
	case "4":
		kind = "temporary failure, to be retried"
	case "2":
		kind = "success"
	}
	if t, ok := statusText[parts[1]+"."+parts[2]]; ok {
		return kind + ": " + t
	}
	if t, ok := subjectText[parts[1]]; ok {
		return kind + ": " + t
	}
	return kind
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
