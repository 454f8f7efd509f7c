package dnsrec

import (
	"github.com/domainauth/domainauth/internal/rrconv"
	"strings"
)

// MaxStringLen is the longest character-string a TXT record may hold
// (RFC 1035, Section 3.3). Longer values are stored as several strings of one
// record, which readers join with no separator (RFC 7208, Section 3.3;
// RFC 6376, Section 3.6.2.2).
const MaxStringLen = 255

// SplitTXT splits value into character-strings of at most 255 bytes, the
// form in which a long TXT value is published. An empty value gives one empty
// string, since a TXT record holds at least one. SplitTXT never cuts inside a
// UTF-8 sequence, so each string stays readable on its own.
func SplitTXT(value string) []string {
	if len(value) <= MaxStringLen {
		return []string{value}
	}
	out := make([]string, 0, len(value)/MaxStringLen+1)
	for len(value) > MaxStringLen {
		cut := MaxStringLen
		// Back up over UTF-8 continuation bytes (10xxxxxx), but never to zero.
		for cut > MaxStringLen-3 && value[cut]&0xC0 == 0x80 {
			cut--
		}
		out = append(out, value[:cut])
		value = value[cut:]
	}
	return append(out, value)
}

// JoinTXT joins the strings of one TXT record with no separator, the way SPF,
// DKIM and DMARC read them.
func JoinTXT(strs []string) string {
	switch len(strs) {
	case 0:
		return ""
	case 1:
		return strs[0]
	}
	return strings.Join(strs, "")
}

// QuoteTXT renders strings as zone-file character-strings: each in double
// quotes, separated by a space, with '"' and '\\' escaped by a backslash and
// bytes outside printable ASCII written as \DDD (RFC 1035, Section 5.1).
func QuoteTXT(strs []string) string {
	var b strings.Builder
	for i, s := range strs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(rrconv.EscapeTXT(s))
		b.WriteByte('"')
	}
	return b.String()
}
