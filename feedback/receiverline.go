package feedback

import (
	"github.com/domainauth/domainauth/internal/received"
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
		msTrusted = msTrusted || received.MicrosoftHost(id)
	}
	run, cut := false, -1
	for i, f := range fields {
		if f.name != "received" {
			continue
		}
		by := received.By(f.value)
		ms := msTrusted && received.MicrosoftHost(by)
		if ms || byTrusted(f.value, trusted) {
			run = true
			line.microsoft = line.microsoft || ms
			continue
		}
		if !run && !received.PublicName(by) && !received.FromOutside(f.value) {
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
// received.FromOutside), below the receiver's internal hops; when every Received field
// looks internal, the first one below the topmost trusted result.
func arrivalLine(fields []field, topTrustedAR int) int {
	for i, f := range fields {
		if f.name == "received" && received.FromOutside(f.value) {
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
		by := received.By(f.value)
		if !received.PublicName(by) {
			continue
		}
		for _, id := range ids {
			if id == "" && received.MicrosoftHost(by) || id != "" && byTrusted(f.value, map[string]bool{id: true}) {
				return id, true
			}
		}
		break
	}
	return ids[0], true
}
