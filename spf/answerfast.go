package spf

import (
	"net/netip"
	"strings"
)

// The fast path of the evaluation's parser. A provider's record is mostly
// ip4 and ip6 ranges, and a check whose answers are new parses every one
// of them; fastTerm reads such a term, and all, straight into an evalTerm
// without building a [Term], and leaves every other term, and every term
// written in a form it does not know to be valid and canonical, to
// parseTerm. It never accepts what parseTerm refuses nor reads a term
// otherwise: FuzzParseAnswerFast holds the two paths to the same result.

// fastTerm reads raw, one term, when it is all, ip4 or ip6 in lower case
// and in canonical form; ok is false for every other term.
func fastTerm(raw string) (et evalTerm, addr6 [16]byte, ok bool) {
	et = evalTerm{cidr4: noCIDR, cidr6: noCIDR, arg: noArg}
	if raw != "" {
		switch c := raw[0]; c {
		case '+', '-', '~', '?':
			et.qual, raw = c, raw[1:]
		}
	}
	switch {
	case raw == "all":
		et.kind = kindAll
		return et, addr6, true
	case strings.HasPrefix(raw, "ip4:"):
		a, n, ok := parseIPv4(raw[4:])
		if !ok {
			return et, addr6, false
		}
		et.kind, et.arg = kindIP4, ip4Value(a)
		if rest := raw[4+n:]; rest != "" {
			if rest[0] != '/' {
				return et, addr6, false
			}
			v, ok := parseCIDR(rest[1:], 32)
			if !ok {
				return et, addr6, false
			}
			et.cidr4 = uint8(v)
		}
		return et, addr6, true
	case strings.HasPrefix(raw, "ip6:"):
		addrText, cidr, hasCIDR := strings.Cut(raw[4:], "/")
		if len(addrText) > 45 { // longer than any address netip writes
			return et, addr6, false
		}
		addr, err := netip.ParseAddr(addrText)
		if err != nil || !addr.Is6() || addr.Zone() != "" {
			return et, addr6, false
		}
		// Canonical only when written as netip writes it.
		var buf [48]byte
		if string(addr.AppendTo(buf[:0])) != addrText {
			return et, addr6, false
		}
		et.kind, addr6 = kindIP6, addr.As16()
		if hasCIDR {
			v, ok := parseCIDR(cidr, 128)
			if !ok {
				return et, addr6, false
			}
			et.cidr6 = uint8(v)
		}
		return et, addr6, true
	}
	return et, addr6, false
}

// parseIPv4 reads the dotted-quad IPv4 address at the start of s, in the
// one form netip.ParseAddr accepts (four decimal fields of 0 to 255, no
// leading zeros), and returns it and its length. It reads up to the first
// byte that is neither a digit nor a dot.
func parseIPv4(s string) (a [4]byte, n int, ok bool) {
	for field := 0; field < 4; field++ {
		if field > 0 {
			if n >= len(s) || s[n] != '.' {
				return a, 0, false
			}
			n++
		}
		start, v := n, 0
		for n < len(s) && '0' <= s[n] && s[n] <= '9' && n-start < 3 {
			v = v*10 + int(s[n]-'0')
			n++
		}
		switch l := n - start; {
		case l == 0, v > 255, l > 1 && s[start] == '0':
			return a, 0, false
		}
		a[field] = byte(v)
	}
	if n < len(s) && (s[n] == '.' || '0' <= s[n] && s[n] <= '9') {
		return a, 0, false // a fifth field, or a fourth of four digits
	}
	return a, n, true
}
