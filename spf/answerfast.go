package spf

import (
	"net/netip"
	"strings"
)

// The fast path of the evaluation's parser. A provider's record is mostly
// ip4 and ip6 ranges, and a check whose answers are new parses every one
// of them; addFast reads such a term, and all, straight into an evalTerm
// without building a [Term], and leaves every other term, and every term
// written in a form it does not know to be valid and canonical, to
// parseTerm. It never accepts what parseTerm refuses nor reads a term
// otherwise: FuzzParseAnswerFast holds the two paths to the same result.

// addFast adds the term text[off:end] to p when it is all, ip4 or ip6 in
// lower case and in canonical form, a or mx in lower case with neither a
// domain nor a prefix length, or include or exists in lower case, and
// reports whether it did; every other term, and every term that does not
// parse, is left to parseTerm.
func (p *parsedRecord) addFast(text string, off, end int) bool {
	raw := text[off:end]
	var qual byte
	if raw != "" {
		switch c := raw[0]; c {
		case '+', '-', '~', '?':
			qual, raw = c, raw[1:]
		}
	}
	et := evalTerm{off: int32(off), end: int32(end), arg: noArg, cidr4: noCIDR, cidr6: noCIDR, qual: qual}
	switch {
	case raw == "all":
		et.kind = kindAll
		p.add(et, [16]byte{})
		return true
	case raw == "a" || raw == "mx":
		et.kind = kindA
		if raw == "mx" {
			et.kind = kindMX
		}
		p.add(et, [16]byte{})
		return true
	case len(raw) > 8 && raw[:8] == "include:", len(raw) > 7 && raw[:7] == "exists:":
		et.kind = kindInclude
		if raw[0] == 'e' {
			et.kind = kindExists
		}
		spec := raw[strings.IndexByte(raw, ':')+1:]
		if checkDomainSpec(spec) != nil {
			return false
		}
		et.arg = p.addDomain(spec)
		p.add(et, [16]byte{})
		return true
	case len(raw) > 4 && raw[:4] == "ip4:":
		a, n, ok := parseIPv4(raw[4:])
		if !ok {
			return false
		}
		c4 := uint8(noCIDR)
		if rest := raw[4+n:]; rest != "" {
			if rest[0] != '/' {
				return false
			}
			v, ok := parseCIDR(rest[1:], 32)
			if !ok {
				return false
			}
			c4 = uint8(v)
		}
		p.add(evalTerm{off: int32(off), end: int32(end), arg: ip4Value(a), cidr4: c4, cidr6: noCIDR, kind: kindIP4, qual: qual}, [16]byte{})
		return true
	case len(raw) > 4 && raw[:4] == "ip6:":
		addrText, cidr, hasCIDR := strings.Cut(raw[4:], "/")
		if len(addrText) > 45 { // longer than any address netip writes
			return false
		}
		addr, err := netip.ParseAddr(addrText)
		if err != nil || !addr.Is6() || addr.Zone() != "" {
			return false
		}
		// Canonical only when written as netip writes it.
		var buf [48]byte
		if string(addr.AppendTo(buf[:0])) != addrText {
			return false
		}
		c6 := uint8(noCIDR)
		if hasCIDR {
			v, ok := parseCIDR(cidr, 128)
			if !ok {
				return false
			}
			c6 = uint8(v)
		}
		p.add(evalTerm{off: int32(off), end: int32(end), arg: noArg, cidr4: noCIDR, cidr6: c6, kind: kindIP6, qual: qual}, addr.As16())
		return true
	}
	return false
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
