package spf

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// macroEnv holds the values macros expand to (RFC 7208, Section 7.2).
type macroEnv struct {
	sender   string // s
	local    string // l
	sdomain  string // o
	domain   string // d
	helo     string // h
	ip       netip.Addr
	receiver string           // r
	now      func() time.Time // t; nil means time.Now, read once on first use
	nowValue time.Time
	ptrValue *string // p, computed on first use (see evaluation.macroValue)
}

// plain reports whether s has no macro and only characters a macro-string
// allows as they are.
func plain(s string, exp bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '%' || (c < 0x21 || c > 0x7e) && !(exp && c == ' ') {
			return false
		}
	}
	return true
}

// expandMacros expands the macro-string s (RFC 7208, Section 7.1) with the
// values of the evaluation ev (its env, and the DNS for %{p}). With ev nil
// it only checks the syntax. (The evaluation is passed rather than kept in
// its env: a pointer from the evaluation to itself would move it, and its
// question memo, from the check's stack to the heap.) exp allows the letters c, r and t and
// spaces, which only explanation strings may use. It returns the expansion
// and the offset just past the last macro-expand (0 when there is none),
// which domain-spec validation needs.
func expandMacros(s string, ev *evaluation, exp bool) (string, int, error) {
	if plain(s, exp) {
		return s, 0, nil // no macro, nothing to copy
	}
	var b strings.Builder
	lastMacroEnd := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			if c < 0x21 || c > 0x7e {
				if !(exp && c == ' ') {
					return "", 0, problemAt(i, ProblemMacroCharacter, "char", strconv.QuoteRune(rune(c)))
				}
			}
			b.WriteByte(c)
			continue
		}
		if i+1 == len(s) {
			return "", 0, problemAt(i, ProblemMacroPercentEnd)
		}
		i++
		switch s[i] {
		case '%':
			b.WriteByte('%')
		case '_':
			b.WriteByte(' ')
		case '-':
			b.WriteString("%20")
		case '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return "", 0, problemAt(i-1, ProblemMacroUnclosed)
			}
			v, err := expandOne(s[i+1:i+end], ev, exp)
			if err != nil {
				err.offset = i - 1
				return "", 0, err
			}
			b.WriteString(v)
			i += end
		default:
			return "", 0, problemAt(i-1, ProblemNotMacro, "macro", "%"+string(rune(s[i])))
		}
		lastMacroEnd = i + 1
	}
	return b.String(), lastMacroEnd, nil
}

// expandOne expands the inside of one "%{...}". Its error's offset is
// for the caller to set.
func expandOne(m string, ev *evaluation, exp bool) (string, *problemError) {
	if m == "" {
		return "", problemAt(0, ProblemMacroEmpty)
	}
	letter := m[0]
	lower := letter | 0x20
	switch lower {
	case 's', 'l', 'o', 'd', 'i', 'p', 'h', 'v':
	case 'c', 'r', 't':
		if !exp {
			return "", problemAt(0, ProblemMacroExplanation, "char", strconv.QuoteRune(rune(letter)))
		}
	default:
		return "", problemAt(0, ProblemMacroUnknownLetter, "char", strconv.QuoteRune(rune(letter)))
	}
	rest := m[1:]
	n := 0
	for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
		n++
	}
	keep := 0 // 0: all parts
	if n > 0 {
		d, err := strconv.Atoi(rest[:n])
		switch {
		case err != nil: // more digits than an int holds: all parts
		case d == 0:
			return "", problemAt(0, ProblemMacroParts, "macro", "%{"+m+"}")
		default:
			keep = d
		}
	}
	rest = rest[n:]
	reverse := false
	if rest != "" && (rest[0] == 'r' || rest[0] == 'R') {
		reverse = true
		rest = rest[1:]
	}
	for i := 0; i < len(rest); i++ {
		if !strings.ContainsRune(".-+,/_=", rune(rest[i])) {
			return "", problemAt(0, ProblemMacroDelimiter, "macro", "%{"+m+"}", "char", strconv.QuoteRune(rune(rest[i])))
		}
	}
	if ev == nil {
		return "", nil
	}
	v := ev.macroValue(lower)
	if n > 0 || reverse || rest != "" {
		delims := rest
		if delims == "" {
			delims = "."
		}
		parts := splitAny(v, delims)
		if reverse {
			for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
				parts[i], parts[j] = parts[j], parts[i]
			}
		}
		if keep > 0 && keep < len(parts) {
			parts = parts[len(parts)-keep:]
		}
		v = strings.Join(parts, ".")
	}
	if letter != lower { // upper case: URL-escape (Section 7.3)
		v = urlEscape(v)
	}
	return v, nil
}

func splitAny(s, delims string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(delims, s[i]) >= 0 {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// macroValue is the value of a macro letter (lower case) in the evaluation.
func (e *evaluation) macroValue(letter byte) string {
	if letter != 'p' {
		return e.env.value(letter)
	}
	if e.env.ptrValue == nil {
		e.since = quickWork + 1 // after expanding part of a macro-string: the next question reads the clock
		v := e.validatedName()
		e.env.ptrValue = &v
	}
	return *e.env.ptrValue
}

// value is the value of a macro letter (lower case) other than p.
func (e *macroEnv) value(letter byte) string {
	switch letter {
	case 's':
		return e.sender
	case 'l':
		return e.local
	case 'o':
		return e.sdomain
	case 'd':
		return e.domain
	case 'h':
		return e.helo
	case 'i':
		return dottedIP(e.ip)
	case 'c':
		return e.ip.String()
	case 'v':
		if e.ip.Is4() {
			return "in-addr"
		}
		return "ip6"
	case 'r':
		if e.receiver == "" {
			return "unknown"
		}
		return e.receiver
	case 't':
		if e.nowValue.IsZero() {
			if e.now != nil {
				e.nowValue = e.now()
			} else {
				e.nowValue = time.Now()
			}
		}
		return strconv.FormatInt(e.nowValue.Unix(), 10)
	}
	return ""
}

// dottedIP writes an IPv4 address as a dotted quad and an IPv6 address as
// 32 dot-separated nibbles (RFC 7208, Section 7.3). The nibbles are upper
// case, as the RFC 7208 test suite expects in explanations ("v-macro-ip6");
// the RFC's own example in Section 7.4 is lower case, and DNS does not mind.
func dottedIP(ip netip.Addr) string {
	if ip.Is4() {
		return ip.String()
	}
	const hex = "0123456789ABCDEF"
	a := ip.As16()
	b := make([]byte, 0, 63)
	for i, x := range a {
		if i > 0 {
			b = append(b, '.')
		}
		b = append(b, hex[x>>4], '.', hex[x&0xf])
	}
	return string(b)
}

// urlEscape escapes every byte outside the URI "unreserved" set
// (RFC 3986, Section 2.3).
func urlEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xf])
	}
	return b.String()
}
