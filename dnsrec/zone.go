package dnsrec

import (
	"strings"

	"golang.org/x/net/publicsuffix"
)

// ZoneOf returns the zone a name is most likely published in: its
// registrable domain under the Public Suffix List ("customer.example." for
// "default._domainkey.customer.example."), or the name itself when it is
// a public suffix. A domain whose DNS is delegated below its registrable
// domain has its own zone; callers that know better say so in the change they make.
func ZoneOf(name string) string {
	n := strings.TrimSuffix(strings.ToLower(name), ".")
	if n == "" {
		return "."
	}
	// The PSL does not know underscore labels; only the registrable tail matters.
	zone, err := publicsuffix.EffectiveTLDPlusOne(n)
	if err != nil {
		return n + "."
	}
	return zone + "."
}

// RelativeName returns name relative to zone: "@" for the apex,
// "default._domainkey" for a name below it, and the absolute name
// (without the dot) when it is not in the zone.
func RelativeName(name, zone string) string {
	n, z := strings.ToLower(name), strings.ToLower(zone)
	if !strings.HasSuffix(n, ".") {
		n += "."
	}
	if !strings.HasSuffix(z, ".") {
		z += "."
	}
	switch {
	case n == z:
		return "@"
	case strings.HasSuffix(n, "."+z):
		return strings.TrimSuffix(n, "."+z)
	}
	return TrimDot(n)
}
