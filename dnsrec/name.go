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
	if len(name) > 4*maxNameLen {
		// Far too long even with every byte escaped: refuse before the
		// IDNA conversion reads it all.
		return "", &NameError{Name: name[:64] + "...", Reason: fmt.Sprintf("longer than %d bytes", maxNameLen)}
	}
	ascii := name
	if !isASCII(name) {
		var err error
		ascii, err = idnaProfile.ToASCII(strings.TrimSuffix(name, "."))
		if err != nil {
			return "", &NameError{Name: name, Reason: "not a valid internationalized name: " + err.Error()}
		}
	}
	ascii = escapeLoneBackslashes(strings.ToLower(strings.TrimSuffix(ascii, ".")))
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
	if len(name) == len(ascii)+1 && name[len(ascii)] == '.' && name[:len(ascii)] == ascii {
		return name, nil // already canonical: no copy
	}
	return ascii + ".", nil
}

// escapeLoneBackslashes writes a backslash that does not start one of the
// two escapes the raw form keeps (`\.` for a dot inside a label, `\\` for
// a backslash) as `\\`, so that the name means the same to every resolver
// (a macro-expanded SPF name can hold any byte).
func escapeLoneBackslashes(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(s) && (s[i+1] == '.' || s[i+1] == '\\') {
			b.WriteString(s[i : i+2])
			i++
			continue
		}
		b.WriteString(`\\`)
	}
	return b.String()
}

// TrimDot returns name without its trailing dot, the form people type into
// DNS provider forms.
func TrimDot(name string) string {
	if name == "." {
		return name
	}
	return strings.TrimSuffix(name, ".")
}

// IsSubdomain reports whether child is parent or below it, label by label:
// without regard to case or a trailing dot, Unicode names compared by
// their A-labels (IDNA, as [CanonicalName] writes them). "mail.example.com"
// is under "example.com"; "badexample.com" is not. A name that is not a
// valid domain name is under nothing, and nothing is under it.
func IsSubdomain(child, parent string) bool {
	if !canonical(child) || !canonical(parent) {
		var err error
		if child, err = CanonicalName(child); err != nil {
			return false
		}
		if parent, err = CanonicalName(parent); err != nil {
			return false
		}
	}
	if parent == "." || child == parent {
		return true
	}
	return strings.HasSuffix(child, "."+parent)
}

// canonical reports, cheaply, whether name is already as [CanonicalName]
// writes it: lower-case ASCII letters, digits, '-', '_' and dots, ending in
// a dot, with no empty label.
func canonical(name string) bool {
	if name == "." {
		return true
	}
	if name == "" || name[len(name)-1] != '.' || name[0] == '.' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		case c == '.':
			if i > 0 && name[i-1] == '.' {
				return false
			}
		default:
			return false
		}
	}
	return true
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
	return fmt.Sprintf("invalid name %q: %s", e.Name, e.Reason)
}

// Unwrap returns [ErrInvalidName].
func (e *NameError) Unwrap() error { return ErrInvalidName }
