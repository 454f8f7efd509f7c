package feedback

import (
	"net/netip"
	"regexp"
	"strings"
)

// receiverLine decides where the receiver's own fields end (RFC 8601,
// Section 5). A receiving host adds its Authentication-Results field above
// the Received field it writes for the message's arrival; a field below that
// Received field was already in the message when it arrived: a relay's, or
// written by the sender.
//
// The receiver's Received fields are the run from the top that a trusted
// host added ("by" one of its names, or of its domain), after any of the
// receiver's internal hops that name no public host ("by localhost", "by
// 2002:a05:..."). The line is the first Received field below that run: a
// filter run as a milter may add its result just below the receiver's
// arrival Received field, never below the hop before it. When no Received
// field names a trusted host, nothing vouches for the topmost result's
// authserv-id: the line is the topmost Received field that records an
// arrival from outside (the receiver's own, whatever name it gives; its
// internal hops above it come from private addresses or name no host), so
// a field the sender wrote under another host's name never passes for the
// receiver's. The caller's authserv-ids, when given, decide which results
// can be the receiver's; the line is drawn the same way for them.
//
// Microsoft 365 writes its Authentication-Results field without an
// authserv-id; the id "" stands for Microsoft's hosts (outlook.com,
// office365.com). When the run of the receiver's Received fields is
// Microsoft's (the microsoft field), Microsoft's own spam fields, which
// Exchange Online writes below the Received fields, are the receiver's
// too: its header firewall removes X-MS-Exchange-Organization-* fields
// from incoming mail, and another tenant's report arrives renamed
// X-Forefront-Antispam-Report-Untrusted.
type receiverLine struct {
	at        int  // fields at an index below at are the receiver's
	microsoft bool // the receiver's hops are Microsoft's
}

func findReceiverLine(fields []field, trusted map[string]bool, callerGiven bool, topTrustedAR int) receiverLine {
	line := receiverLine{at: len(fields)}
	msTrusted := trusted[""]
	for id := range trusted {
		msTrusted = msTrusted || isMicrosoftHost(id)
	}
	run, cut := false, -1
	for i, f := range fields {
		if f.name != "received" {
			continue
		}
		by := receivedBy(f.value)
		ms := msTrusted && isMicrosoftHost(by)
		if ms || byTrusted(f.value, trusted) {
			run = true
			line.microsoft = line.microsoft || ms
			continue
		}
		if !run && !publicName(by) && !arrival(f.value) {
			continue // an internal hop of the receiver, above its arrival
		}
		if run {
			cut = i
		}
		break
	}
	switch {
	case run:
		if cut >= 0 {
			line.at = cut
		}
	case callerGiven && topTrustedAR < 0:
		line.at = -1 // the caller's hosts added nothing: nothing is the verdict
	default:
		line.at = arrivalLine(fields, topTrustedAR)
	}
	return line
}

// arrivalLine is the line when no Received field names a trusted host: the
// topmost Received field that records an arrival from outside (see
// arrival), below the receiver's internal hops; when every Received field
// looks internal, the first one below the topmost trusted result.
func arrivalLine(fields []field, topTrustedAR int) int {
	for i, f := range fields {
		if f.name == "received" && arrival(f.value) {
			return i
		}
	}
	for i := topTrustedAR + 1; topTrustedAR >= 0 && i < len(fields); i++ {
		if fields[i].name == "received" {
			return i
		}
	}
	return len(fields)
}

var (
	fromPartRe = regexp.MustCompile(`(?is)^\s*from\s+(.*?)\s+by\s`)
	ipTokenRe  = regexp.MustCompile(`(?i)[0-9a-f:.]*[:.][0-9a-f:.]+`)
)

// arrival reports whether a Received field records a message coming from
// outside: its "from" part names a public address, or, naming none, a
// host outside the domain of its "by" name. A field with no "from" part
// ("by 2002:a05:...", "by localhost"), one from a private or loopback
// address ("from 10.217.150.37", "from 127.0.0.1") and one from a host of
// the same domain are the receiver's internal hops.
func arrival(v string) bool {
	if len(v) > 4096 {
		v = v[:4096]
	}
	m := fromPartRe.FindStringSubmatch(v)
	if m == nil {
		return false
	}
	from := m[1]
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
	words := strings.Fields(from)
	if len(words) == 0 {
		return false
	}
	name := strings.ToLower(strings.TrimSuffix(words[0], "."))
	if !publicName(name) {
		return false
	}
	by := receivedBy(v)
	return !(name == by || parentOf(name) != "" && parentOf(name) == parentOf(by))
}

// receivedBy returns the "by" name of a Received field, lower case, "" when
// it names none.
func receivedBy(v string) string {
	if len(v) > 4096 {
		v = v[:4096]
	}
	m := byRe.FindStringSubmatch(v)
	if m == nil {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(m[1], "."))
}

// publicName reports whether a "by" name could be a host on the Internet:
// a dotted name that is not an address and not under a private suffix.
func publicName(name string) bool {
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

// isMicrosoftHost reports whether a name is one of Microsoft 365's mail
// hosts (mail.protection.outlook.com, prod.outlook.com,
// outlook.office365.com).
func isMicrosoftHost(name string) bool {
	return name == "outlook.com" || strings.HasSuffix(name, ".outlook.com") ||
		name == "office365.com" || strings.HasSuffix(name, ".office365.com")
}

// microsoftField reports whether a field is one Exchange Online writes for
// its own verdict below the Received fields.
func microsoftField(name string) bool {
	return name == "x-forefront-antispam-report" || name == "x-ms-exchange-organization-scl"
}

// receiverID picks the authserv-id a zero [HeaderParser] trusts among
// those of the Authentication-Results fields, in order: the first that the
// receiver's topmost Received field naming a public host names (a result
// the sender wrote under another name above the receiver's own never
// displaces it), else the first.
func receiverID(fields []field, ids []string) (string, bool) {
	if len(ids) == 0 {
		return "", false
	}
	for _, f := range fields {
		if f.name != "received" {
			continue
		}
		by := receivedBy(f.value)
		if !publicName(by) {
			continue
		}
		for _, id := range ids {
			if id == "" && isMicrosoftHost(by) || id != "" && byTrusted(f.value, map[string]bool{id: true}) {
				return id, true
			}
		}
		break
	}
	return ids[0], true
}
