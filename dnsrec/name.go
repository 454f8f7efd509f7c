package dnsrec

import (
	"fmt"
	"strings"

	"golang.org/x/net/idna"
)

// Limits on names, from RFC 1035, Section 2.3.4.
const (
	maxLabelLen = 63
	maxNameLen  = 253 // presentation form without the trailing dot
)

// idnaProfile converts internationalized names for lookup (UTS #46,
// non-transitional) without the STD3 host-name rules, so that names such as
// "_dmarc.example.ch" and "default._domainkey.example.ch" stay valid.
var idnaProfile = idna.New(
	idna.MapForLookup(),
	idna.Transitional(false),
	idna.StrictDomainName(false),
)

// CanonicalName returns name in the form used at the DNS boundary: ASCII
// (internationalized labels converted to punycode, RFC 5891), lower case,
// absolute (with a trailing dot). It rejects empty labels, labels longer than
// 63 bytes and names longer than 253 bytes, wrapping [ErrInvalidName].
func CanonicalName(name string) (string, error) {
	if name == "" {
		return "", &NameError{Name: name, Reason: "empty name"}
	}
	if name == "." {
		return ".", nil
	}
	ascii := name
	if !isASCII(name) {
		var err error
		ascii, err = idnaProfile.ToASCII(strings.TrimSuffix(name, "."))
		if err != nil {
			return "", &NameError{Name: name, Reason: "not a valid internationalized name: " + err.Error()}
		}
	}
	ascii = strings.ToLower(strings.TrimSuffix(ascii, "."))
	if len(ascii) > maxNameLen {
		return "", &NameError{Name: name, Reason: fmt.Sprintf("longer than %d bytes", maxNameLen)}
	}
	start := 0
	for i := 0; i <= len(ascii); i++ {
		if i < len(ascii) && ascii[i] != '.' {
			continue
		}
		switch l := i - start; {
		case l == 0:
			return "", &NameError{Name: name, Offset: start, Reason: "empty label"}
		case l > maxLabelLen:
			return "", &NameError{Name: name, Offset: start, Reason: fmt.Sprintf("label %q is longer than %d bytes", ascii[start:i], maxLabelLen)}
		}
		start = i + 1
	}
	return ascii + ".", nil
}

// TrimDot returns name without its trailing dot, the form people type into
// DNS provider forms.
func TrimDot(name string) string {
	if name == "." {
		return name
	}
	return strings.TrimSuffix(name, ".")
}

// IsSubdomain reports whether child is parent or below it. Both must be
// canonical (see [CanonicalName]).
func IsSubdomain(child, parent string) bool {
	if parent == "." || child == parent {
		return true
	}
	return strings.HasSuffix(child, "."+parent)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// NameError reports a name that is not a valid DNS name. It wraps
// [ErrInvalidName].
type NameError struct {
	Name   string // the name as given
	Offset int    // byte offset of the offending label in the ASCII form
	Reason string
}

func (e *NameError) Error() string {
	return fmt.Sprintf("dnsrec: invalid name %q: %s", e.Name, e.Reason)
}

// Unwrap returns [ErrInvalidName].
func (e *NameError) Unwrap() error { return ErrInvalidName }

// UnescapeName converts a name in zone-file presentation form, as
// miekg/dns holds names (with \DDD and \X escapes), to the raw form this
// package uses. An escaped dot stays escaped, since a raw dot would split the
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
// miekg/dns expects; it undoes [UnescapeName].
func EscapeName(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if nameNeedsEscape(s[i]) {
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
		case nameNeedsEscape(c):
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func nameNeedsEscape(c byte) bool {
	switch c {
	case '"', ';', '(', ')', '@', '$', '\\':
		return true
	}
	return c <= ' ' || c > '~'
}
