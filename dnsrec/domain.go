package dnsrec

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// ErrInvalidDomain is wrapped by every error of [ParseDomain]: the input is
// not a domain a customer could publish mail records for.
var ErrInvalidDomain = errors.New("dnsrec: invalid domain")

// DomainError says why an argument is not a usable domain, and what was
// probably meant.
type DomainError struct {
	Arg        string // the argument or field that held it, such as "Domain"
	Input      string // as given
	Reason     string
	Suggestion string // the domain probably meant, when there is one
}

func (e *DomainError) Error() string {
	s := fmt.Sprintf("%s %q is not a domain: %s", e.Arg, e.Input, e.Reason)
	if e.Suggestion != "" {
		s += fmt.Sprintf("; did you mean %q?", e.Suggestion)
	}
	return s
}

// Unwrap returns [ErrInvalidDomain].
func (e *DomainError) Unwrap() error { return ErrInvalidDomain }

// ParseDomain checks a domain that a person typed or pasted (arg names the
// argument, for the error) and returns it canonical (see [CanonicalName]).
// It refuses, with a [DomainError] that says why and what was probably
// meant: the empty string, an e-mail address ("did you mean
// customer.example?"), a URL, an IP address, spaces or control characters,
// a name of one label, an all-numeric top-level label, and labels that are
// not letters, digits and inner hyphens (internationalized names are
// accepted and converted to punycode).
func ParseDomain(arg, s string) (string, error) {
	bad := func(reason, suggestion string) (string, error) {
		return "", &DomainError{Arg: arg, Input: s, Reason: reason, Suggestion: suggestion}
	}
	suggest := func(t string) string {
		if t == s {
			return ""
		}
		if n, err := ParseDomain(arg, t); err == nil {
			return TrimDot(n)
		}
		return ""
	}
	trimmed := strings.TrimSpace(s)
	switch {
	case s == "":
		return bad("it is empty", "")
	case len(s) > 1024:
		return bad("it is too long", "")
	case strings.Contains(s, "@"):
		at := strings.LastIndexByte(trimmed, '@')
		return bad("it is an e-mail address, not a domain", suggest(strings.Trim(trimmed[at+1:], "<>\" ")))
	case strings.Contains(s, "://"):
		rest := trimmed[strings.Index(trimmed, "://")+3:]
		if i := strings.IndexAny(rest, "/?#:"); i >= 0 {
			rest = rest[:i]
		}
		return bad("it is a URL, not a domain", suggest(rest))
	}
	if _, err := netip.ParseAddr(strings.Trim(trimmed, "[]")); err == nil {
		return bad("it is an IP address; mail records are published at a domain name", "")
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == 0xa0 {
			return bad("it contains a space or a control character", suggest(strings.Join(strings.Fields(s), "")))
		}
	}
	name, err := CanonicalName(s)
	if err != nil {
		var ne *NameError
		if errors.As(err, &ne) {
			return bad(ne.Reason, "")
		}
		return bad(err.Error(), "")
	}
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	if len(labels) < 2 {
		return bad("it has a single label; a domain has at least two (such as example.ch)", "")
	}
	for _, l := range labels {
		if l[0] == '-' || l[len(l)-1] == '-' {
			return bad(fmt.Sprintf("the label %q starts or ends with a hyphen", l), "")
		}
		if strings.HasPrefix(l, "xn--") {
			if u, err := idnaProfile.ToUnicode(l); err != nil || u == l {
				return bad(fmt.Sprintf("the label %q is not valid punycode", l), "")
			}
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return bad(fmt.Sprintf("the label %q holds %q; a domain has letters, digits and hyphens", l, c), "")
			}
		}
	}
	tld := labels[len(labels)-1]
	if strings.Trim(tld, "0123456789") == "" {
		return bad("the last label is all digits, which no top-level domain is", "")
	}
	return name, nil
}
