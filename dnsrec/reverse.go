package dnsrec

import (
	"net/netip"
	"strconv"
	"strings"
)

// ReversedIP returns the labels of ip in reverse order, as reverse DNS
// (RFC 1035, Section 3.5; RFC 3596, Section 2.5) and DNS blocklists
// (RFC 5782, Section 2.1) use them: "25.2.0.192" for 192.0.2.25, and the 32
// nibbles of an IPv6 address, lowest first, in lower case.
func ReversedIP(ip netip.Addr) string {
	ip = ip.Unmap()
	var b strings.Builder
	if ip.Is4() {
		a := ip.As4()
		for i := 3; i >= 0; i-- {
			b.WriteString(strconv.Itoa(int(a[i])))
			if i > 0 {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	const hex = "0123456789abcdef"
	a := ip.As16()
	for i := 15; i >= 0; i-- {
		b.WriteByte(hex[a[i]&0xf])
		b.WriteByte('.')
		b.WriteByte(hex[a[i]>>4])
		if i > 0 {
			b.WriteByte('.')
		}
	}
	return b.String()
}

// ReverseName returns the name whose PTR records name ip's host:
// "25.2.0.192.in-addr.arpa." or "...ip6.arpa.".
func ReverseName(ip netip.Addr) string {
	if ip.Unmap().Is4() {
		return ReversedIP(ip) + ".in-addr.arpa."
	}
	return ReversedIP(ip) + ".ip6.arpa."
}
