// Package rrconv converts between github.com/miekg/dns records and names in
// presentation form (with \DDD and \X escapes) and the raw form the dnsrec
// package keeps, for dnsrec and its test kit. Nothing here is public API.
package rrconv

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/miekg/dns"
)

// Fields are a record's parts in raw form.
type Fields struct {
	Name string // raw, lower case
	Type string // mnemonic, or TYPEnnn
	TTL  uint32
	Txt  []string // TXT and SPF: the character-strings, raw bytes
	Data string   // other types: presentation-form RDATA
}

// FromRR splits a miekg/dns record into raw fields.
func FromRR(rr dns.RR) Fields {
	h := rr.Header()
	f := Fields{Name: strings.ToLower(UnescapeName(h.Name)), Type: dns.TypeToString[h.Rrtype], TTL: h.Ttl}
	if f.Type == "" {
		f.Type = "TYPE" + strconv.Itoa(int(h.Rrtype))
	}
	switch v := rr.(type) {
	case *dns.TXT:
		f.Txt = unescapeAll(v.Txt)
	case *dns.SPF:
		f.Txt = unescapeAll(v.Txt)
	case *dns.A:
		// As miekg/dns presents it, without formatting the header first:
		// answers to an SPF check are mostly addresses.
		if ip, ok := netip.AddrFromSlice(v.A); ok && ip.Unmap().Is4() {
			f.Data = ip.Unmap().String()
			break
		}
		f.Data = strings.TrimPrefix(rr.String(), h.String())
	case *dns.AAAA:
		if ip, ok := netip.AddrFromSlice(v.AAAA); ok && len(v.AAAA) == 16 && !ip.Is4In6() {
			f.Data = ip.String()
			break
		}
		f.Data = strings.TrimPrefix(rr.String(), h.String())
	default:
		f.Data = strings.TrimPrefix(rr.String(), h.String())
	}
	return f
}

func unescapeAll(strs []string) []string {
	out := make([]string, len(strs))
	for i, s := range strs {
		out[i] = UnescapeTXT(s)
	}
	return out
}

// UnescapeName converts a name in zone-file presentation form, as
// miekg/dns holds names (with \DDD and \X escapes), to the raw form dnsrec
// uses. An escaped dot stays escaped, since a raw dot would split the
// label.
func UnescapeName(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		var v byte
		n := 1
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			v = (s[i+1]-'0')*100 + (s[i+2]-'0')*10 + (s[i+3] - '0')
			n = 3
		} else {
			v = s[i+1]
		}
		if v == '.' || v == '\\' {
			b.WriteString(s[i : i+1+n])
		} else {
			b.WriteByte(v)
		}
		i += n
	}
	return b.String()
}

// EscapeName writes a raw name in zone-file presentation form, the form
// miekg/dns expects; it undoes UnescapeName.
func EscapeName(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if needsEscape(s[i]) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s): // already escaped (a dot inside a label)
			b.WriteByte(c)
			i++
			b.WriteByte(s[i])
		case c <= ' ' || c > '~':
			fmt.Fprintf(&b, "\\%03d", c)
		case needsEscape(c):
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func needsEscape(c byte) bool {
	switch c {
	case '"', ';', '(', ')', '@', '$', '\\':
		return true
	}
	return c <= ' ' || c > '~'
}

// EscapeTXT escapes one character-string in the form miekg/dns keeps in
// TXT.Txt and prints in zone files.
func EscapeTXT(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' || c < ' ' || c > '~' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < ' ' || c > '~':
			b.WriteByte('\\')
			d := strconv.Itoa(int(c))
			b.WriteString(strings.Repeat("0", 3-len(d)))
			b.WriteString(d)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// UnescapeTXT reverses EscapeTXT (and accepts any \X and \DDD escape).
func UnescapeTXT(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		if i+2 < len(s) && isDigit(s[i]) && isDigit(s[i+1]) && isDigit(s[i+2]) {
			n := int(s[i]-'0')*100 + int(s[i+1]-'0')*10 + int(s[i+2]-'0')
			b.WriteByte(byte(n))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
