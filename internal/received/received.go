package received

import (
	"net/netip"
	"regexp"
	"strings"
)

// maxField is how much of a field is read.
const maxField = 4096

var (
	byRe       = regexp.MustCompile(`(?i)\bby\s+([a-z0-9][a-z0-9.\-]*)`)
	fromPartRe = regexp.MustCompile(`(?is)^\s*from\s+(.*?)\s+by\s`)
	// An address, or an address literal ("[IPv6:2001:db8::1]", RFC 5321
	// Section 4.1.3) with its tag.
	ipTokenRe = regexp.MustCompile(`(?i)(?:ipv6:)?[0-9a-f:.]*[:.][0-9a-f:.]+`)
)

func clip(v string) string {
	if len(v) > maxField {
		return v[:maxField]
	}
	return v
}

// By returns the "by" name of a Received field, lower case and without a
// trailing dot, "" when it names none.
func By(v string) string {
	m := byRe.FindStringSubmatch(clip(v))
	if m == nil {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(m[1], "."))
}

// From returns the "from" part of a Received field (the sending host's
// name as it greeted, its reverse name and address, as the receiver
// wrote them), and false when the field has none ("by localhost with
// LMTP").
func From(v string) (string, bool) {
	m := fromPartRe.FindStringSubmatch(clip(v))
	if m == nil {
		return "", false
	}
	return m[1], true
}

// FromName returns the first word of a Received field's "from" part, the
// name the sending host gave, lower case and without a trailing dot; ""
// when the field has no "from" part.
func FromName(v string) string {
	from, ok := From(v)
	if !ok {
		return ""
	}
	words := strings.Fields(from)
	if len(words) == 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(words[0], "."))
}

// FromOutside reports whether a Received field records a message coming
// from outside: its "from" part names a public address, or, naming none,
// a host outside the domain of its "by" name. A field with no "from" part
// ("by 2002:a05:...", "by localhost"), one from a private or loopback
// address ("from 10.217.150.37", "from 127.0.0.1") and one from a host of
// the same domain are the receiver's internal hops.
func FromOutside(v string) bool {
	from, ok := From(v)
	if !ok {
		return false
	}
	public, found := false, false
	for _, tok := range ipTokenRe.FindAllString(from, 16) {
		ip, err := netip.ParseAddr(strings.Trim(strings.TrimPrefix(strings.ToLower(tok), "ipv6:"), ".:"))
		if err != nil {
			continue
		}
		found = true
		ip = ip.Unmap()
		public = public || !(ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsUnspecified())
	}
	if found {
		return public
	}
	name := FromName(v)
	if !PublicName(name) {
		return false
	}
	by := By(v)
	return !(name == by || Parent(name) != "" && Parent(name) == Parent(by))
}

// PublicName reports whether a host name could be a host on the Internet:
// a dotted name that is not an address and not under a private suffix.
func PublicName(name string) bool {
	if !strings.Contains(name, ".") {
		return false
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return false
	}
	for _, s := range []string{".local", ".localdomain", ".internal", ".lan", ".home.arpa", ".localhost"} {
		if strings.HasSuffix(name, s) {
			return false
		}
	}
	return true
}

// Parent drops the first label of a name with three labels or more, and
// returns "" for a shorter one.
func Parent(name string) string {
	if strings.Count(name, ".") < 2 {
		return ""
	}
	return name[strings.IndexByte(name, '.')+1:]
}

// MicrosoftHost reports whether a name is one of Microsoft 365's mail
// hosts (mail.protection.outlook.com, prod.outlook.com,
// outlook.office365.com).
func MicrosoftHost(name string) bool {
	return name == "outlook.com" || strings.HasSuffix(name, ".outlook.com") ||
		name == "office365.com" || strings.HasSuffix(name, ".office365.com")
}
