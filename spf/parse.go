package spf

import (
	"net/netip"
	"strconv"
	"strings"
)

// Parse parses an SPF record (RFC 7208, Section 12). Text that is not an SPF
// record at all gives an error wrapping [ErrNotSPF]; a broken SPF record one
// wrapping [ErrSyntax]. Both are [*ParseError] values with the offset, and a
// hint when the text has characters pasted by mistake.
//
// Parse is strict: a syntax error anywhere makes the whole record unusable,
// as check_host() requires (RFC 7208, Section 4.6).
func Parse(s string) (*Record, error) {
	return parse(s, true)
}

// parse parses s; hints adds hints and suggestions to errors. Building a
// suggestion parses the repaired text with hints off, so the recursion is
// one level deep whatever the input.
func parse(s string, hints bool) (*Record, error) {
	var r *Record
	err := scanTerms(s, hints, func(n int) {
		r = &Record{text: s, Terms: make([]Term, 0, n), pos: make([]int, 0, n)}
	}, nil, func(off, _ int, t Term) {
		r.Terms = append(r.Terms, t)
		r.pos = append(r.pos, off)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// scanTerms parses the record s, calling start once with an upper bound
// on the number of terms and then add with each term and its offset, in
// order (s[off:end] is the term as written); hints adds hints and
// suggestions to errors. It is the one parser of records: Parse builds a
// [Record] from what it finds, the evaluation a form of its own (see
// parseAnswer). A non-nil fast is offered each term first: when it
// reports that it took the term (a valid term of a common form, read
// without building a Term), add is not called for it; fast never takes a
// term that parseTerm would refuse, so errors are the same with it or
// without.
func scanTerms(s string, hints bool, start func(n int), fast func(off, end int) bool, add func(off, end int, t Term)) error {
	if !IsSPF(s) {
		e := newParseError(s, 0, "", problemAt(0, ProblemNotSPF), ErrNotSPF)
		if hints {
			explainNotSPF(e)
		}
		return e
	}
	start(strings.Count(s, " ")) // an upper bound on the number of terms
	var seenRedirect, seenExp bool
	for i := 6; i < len(s); {
		if s[i] == ' ' {
			i++
			continue
		}
		end := strings.IndexByte(s[i:], ' ')
		if end < 0 {
			end = len(s)
		} else {
			end += i
		}
		if fast != nil && fast(i, end) {
			i = end
			continue
		}
		raw := s[i:end]
		t, pe := parseTerm(raw)
		if pe != nil {
			e := newParseError(s, i+pe.offset, raw, pe, ErrSyntax)
			if hints {
				explainSyntax(e)
			}
			return e
		}
		var seen *bool
		switch t.Modifier {
		case ModRedirect:
			seen = &seenRedirect
		case ModExp:
			seen = &seenExp
		}
		if seen != nil {
			if *seen {
				return newParseError(s, i, raw, problemAt(0, ProblemDuplicateModifier, "mechanism", t.Modifier+"="), ErrSyntax)
			}
			*seen = true
		}
		add(i, end, t)
		i = end
	}
	return nil
}

// MustParse is Parse for tests and examples: it panics on an error.
func MustParse(s string) *Record {
	r, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return r
}

// IsSPF reports whether a TXT value is an SPF record: it starts with
// "v=spf1" (in any case) followed by a space or the end (RFC 7208,
// Section 4.5).
func IsSPF(s string) bool {
	return len(s) >= 6 && strings.EqualFold(s[:6], "v=spf1") && (len(s) == 6 || s[6] == ' ')
}

// parseTerm parses one term. On error it returns the problem, at its
// offset within the term.
func parseTerm(raw string) (Term, *problemError) {
	t := Term{CIDR4: -1, CIDR6: -1}
	// A modifier: name "=" ...; a name starts with a letter.
	n := 0
	for n < len(raw) && isNameChar(raw[n], n == 0) {
		n++
	}
	if n > 0 && n < len(raw) && raw[n] == '=' {
		t.Modifier = raw[:n]
		value := raw[n+1:]
		switch lower := strings.ToLower(t.Modifier); lower {
		case ModRedirect, ModExp:
			t.Modifier = lower
			if value == "" {
				return t, problemAt(n+1, ProblemModifierNeedsDomain, "mechanism", lower+"=")
			}
			if pe := checkDomainSpec(value); pe != nil {
				pe.offset += n + 1
				return t, pe
			}
			t.Domain = value
		default:
			if _, _, err := expandMacros(value, nil, false); err != nil {
				pe := err.(*problemError)
				pe.offset += n + 1
				pe.params["modifier"] = t.Modifier
				return t, pe
			}
			t.Value = value
		}
		return t, nil
	}

	i := 0
	if i < len(raw) && strings.IndexByte("+-~?", raw[i]) >= 0 {
		t.Qualifier = Qualifier(raw[i : i+1])
		i++
	}
	start := i
	for i < len(raw) && raw[i] != ':' && raw[i] != '/' {
		i++
	}
	name := strings.ToLower(raw[start:i])
	rest := raw[i:]
	switch m := Mechanism(name); m {
	case MechAll:
		t.Mechanism = m
		if rest != "" {
			return t, problemAt(i, ProblemAllArgument)
		}
	case MechInclude, MechExists:
		t.Mechanism = m
		if !strings.HasPrefix(rest, ":") || len(rest) == 1 {
			return t, problemAt(i, ProblemMechanismNeedsDomain, "mechanism", name)
		}
		if pe := checkDomainSpec(rest[1:]); pe != nil {
			pe.offset += i + 1
			return t, pe
		}
		t.Domain = rest[1:]
	case MechPTR:
		t.Mechanism = m
		if rest == "" {
			break
		}
		if rest[0] != ':' || len(rest) == 1 {
			return t, problemAt(i, ProblemPTRArgument)
		}
		if pe := checkDomainSpec(rest[1:]); pe != nil {
			pe.offset += i + 1
			return t, pe
		}
		t.Domain = rest[1:]
	case MechA, MechMX:
		t.Mechanism = m
		spec, c4, c6, pe := splitDualCIDR(rest)
		if pe != nil {
			pe.offset += i
			return t, pe
		}
		t.CIDR4, t.CIDR6 = c4, c6
		if spec == "" {
			break
		}
		if spec[0] != ':' || len(spec) == 1 {
			return t, problemAt(i, ProblemExpectedDomain, "mechanism", name)
		}
		if pe := checkDomainSpec(spec[1:]); pe != nil {
			pe.offset += i + 1
			return t, pe
		}
		t.Domain = spec[1:]
	case MechIP4, MechIP6:
		t.Mechanism = m
		if !strings.HasPrefix(rest, ":") {
			return t, problemAt(i, ProblemNeedsAddress, "mechanism", name, "example", map[Mechanism]string{MechIP4: "192.0.2.1", MechIP6: "2001:db8::1"}[m])
		}
		addrText, cidr, hasCIDR := strings.Cut(rest[1:], "/")
		addr, err := netip.ParseAddr(addrText)
		switch {
		case err != nil || addr.Zone() != "":
			return t, problemAt(i+1, ProblemNotAddress, "value", addrText)
		case m == MechIP4 && !addr.Is4():
			return t, problemAt(i+1, ProblemNotIPv4, "value", addrText)
		case m == MechIP6 && !addr.Is6():
			return t, problemAt(i+1, ProblemNotIPv6, "value", addrText)
		}
		bits := addr.BitLen()
		if hasCIDR {
			v, ok := parseCIDR(cidr, bits)
			if !ok {
				return t, problemAt(i+1+len(addrText), ProblemPrefix, "value", "/"+cidr, "max", strconv.Itoa(bits))
			}
			bits = v
			if m == MechIP4 {
				t.CIDR4 = v
			} else {
				t.CIDR6 = v
			}
		}
		t.Net = netip.PrefixFrom(addr, bits)
	default:
		if name == "" {
			return t, problemAt(start, ProblemQualifierAlone)
		}
		return t, problemAt(start, ProblemUnknownMechanism, "value", raw[start:i])
	}
	return t, nil
}

func isNameChar(c byte, first bool) bool {
	alpha := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
	if first {
		return alpha
	}
	return alpha || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.'
}

// splitDualCIDR splits "[:domain][/n][//m]" into the domain part and the two
// prefix lengths (-1 when absent).
func splitDualCIDR(rest string) (spec string, c4, c6 int, pe *problemError) {
	c4, c6 = -1, -1
	spec = rest
	if i := strings.LastIndex(spec, "//"); i >= 0 && isDigits(spec[i+2:]) {
		v, ok := parseCIDR(spec[i+2:], 128)
		if !ok {
			return "", 0, 0, problemAt(i, ProblemPrefix6, "value", spec[i:])
		}
		c6 = v
		spec = spec[:i]
	}
	if i := strings.LastIndexByte(spec, '/'); i >= 0 && isDigits(spec[i+1:]) {
		v, ok := parseCIDR(spec[i+1:], 32)
		if !ok {
			return "", 0, 0, problemAt(i, ProblemPrefix4, "value", spec[i:])
		}
		c4 = v
		spec = spec[:i]
	}
	return spec, c4, c6, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseCIDR reads a prefix length: digits with no leading zero, at most max.
func parseCIDR(s string, max int) (int, bool) {
	if !isDigits(s) || (len(s) > 1 && s[0] == '0') || len(s) > 3 {
		return 0, false
	}
	v, _ := strconv.Atoi(s)
	return v, v <= max
}

// checkDomainSpec checks a domain-spec: a valid macro-string that ends in a
// macro or in "." and a top label that is not all digits (RFC 7208,
// Section 7.1). It returns the problem, at its offset in s, when it is
// not.
func checkDomainSpec(s string) *problemError {
	_, lastMacro, err := expandMacros(s, nil, false)
	if err != nil {
		return err.(*problemError)
	}
	if lastMacro == len(s) {
		return nil
	}
	tail := strings.TrimSuffix(s[lastMacro:], ".")
	dot := strings.LastIndexByte(tail, '.')
	if dot < 0 {
		return problemAt(0, ProblemNotFQDN, "value", s)
	}
	if !isTopLabel(tail[dot+1:]) {
		return problemAt(lastMacro+dot+1, ProblemTopLabel, "value", s)
	}
	return nil
}

// isTopLabel: letters, digits and inner hyphens, not all digits.
func isTopLabel(l string) bool {
	if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	digitsOnly := true
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '-':
			digitsOnly = false
		case '0' <= c && c <= '9':
		default:
			return false
		}
	}
	return !digitsOnly
}
