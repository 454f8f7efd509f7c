package mailbox

import (
	"golang.org/x/net/publicsuffix"

	"github.com/domainauth/domainauth/internal/received"
)

// arrivalReceived picks, among a delivered copy's Received fields (the
// topmost first), the one the receiver wrote when the message came in
// from the sender's server: the topmost that is not one of the receiver's
// internal hops. An internal hop has no "from" part, comes from a private
// or loopback address, or passes between two hosts of one organization:
// the same registered domain, or two of Microsoft 365's hosts, whose
// internal hops come from public IPv6 addresses under prod.outlook.com
// and go to outlook.office365.com. When every field looks internal (mail
// between two hosts of one provider), it is the lowest field between two
// such hosts, else the topmost.
func arrivalReceived(fields []string) string {
	if len(fields) == 0 {
		return ""
	}
	lowest := ""
	for _, v := range fields {
		if !received.FromOutside(v) {
			continue
		}
		if sameOrganization(received.FromName(v), received.By(v)) {
			lowest = v
			continue
		}
		return v
	}
	if lowest != "" {
		return lowest
	}
	return fields[0]
}

// sameOrganization reports whether two host names belong to one
// organization: the same registered domain (by the Public Suffix List),
// or both Microsoft 365's.
func sameOrganization(a, b string) bool {
	if !received.PublicName(a) || !received.PublicName(b) {
		return false
	}
	if received.MicrosoftHost(a) && received.MicrosoftHost(b) {
		return true
	}
	ra, err := publicsuffix.EffectiveTLDPlusOne(a)
	if err != nil {
		return false
	}
	rb, err := publicsuffix.EffectiveTLDPlusOne(b)
	return err == nil && ra == rb
}
