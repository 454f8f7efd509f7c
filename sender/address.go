package sender

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"

	"github.com/domainauth/domainauth/dnsrec"
)

// Why a typed address is refused. Selection.Problem wraps one of them.
var (
	ErrEmpty       = errors.New("sender: no address")
	ErrTooLong     = errors.New("sender: input too long")
	ErrInjection   = errors.New("sender: line breaks or control characters (header injection)")
	ErrMultiple    = errors.New("sender: more than one address")
	ErrMalformed   = errors.New("sender: not a valid address")
	ErrIPLiteral   = errors.New("sender: an IP address instead of a domain")
	ErrNotAllowed  = errors.New("sender: the domain is not allowed")
	ErrNotVerified = errors.New("sender: the domain's DNS does not authorize the vendor")
)

// maxInput bounds what is parsed: a header line may be 998 bytes
// (RFC 5322, Section 2.1.1); an address 254 (RFC 5321 path limits).
const (
	maxInput   = 998
	maxAddress = 254
)

// parsedAddress is a single, checked address.
type parsedAddress struct {
	name   string // display name; "" when none or dropped
	domain string // canonical ASCII domain, trailing dot
	addr   string // local part as typed, "@", the ASCII domain (net/mail form, unquoted)
	spec   string // the same as an RFC 5322 addr-spec (local part quoted when needed)
	// droppedName is a display name removed because it looked like an address.
	droppedName string
}

// parseAddress parses exactly one address, refusing anything that could
// smuggle another one into a header.
func parseAddress(s string) (*parsedAddress, error) {
	if strings.TrimSpace(s) == "" {
		return nil, ErrEmpty
	}
	if len(s) > maxInput {
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLong, len(s))
	}
	for _, r := range s {
		if r == '\r' || r == '\n' || r == 0 || (unicode.IsControl(r) && r != '\t') {
			return nil, fmt.Errorf("%w: %q", ErrInjection, r)
		}
	}
	list, err := mail.ParseAddressList(trimAddressDot(s))
	if err == nil && len(list) > 1 {
		return nil, fmt.Errorf("%w: %d addresses", ErrMultiple, len(list))
	}
	if err == nil && len(list) == 0 {
		return nil, ErrEmpty
	}
	var a *mail.Address
	if err == nil {
		a = list[0]
	} else {
		if strings.Count(s, "@") > 1 || strings.Contains(s, ",") || strings.Contains(s, ";") {
			return nil, fmt.Errorf("%w: %v", ErrMultiple, err)
		}
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if len(a.Address) > maxAddress {
		return nil, fmt.Errorf("%w: the address has %d bytes", ErrTooLong, len(a.Address))
	}
	at := strings.LastIndexByte(a.Address, '@') // "a@b"@evil.example: the domain is after the last @
	local, domain := a.Address[:at], a.Address[at+1:]
	if strings.HasPrefix(domain, "[") {
		return nil, fmt.Errorf("%w: %s", ErrIPLiteral, domain)
	}
	name, err := canonicalDomain(domain)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	p := &parsedAddress{domain: name, addr: local + "@" + dnsrec.TrimDot(name)}
	p.spec = strings.TrimSuffix(strings.TrimPrefix((&mail.Address{Address: p.addr}).String(), "<"), ">")
	// A display name that holds an address or an @ misleads the reader
	// ("ceo@customer.ch" <x@evil.example>): drop it.
	if strings.ContainsAny(a.Name, "@<>") {
		p.droppedName = a.Name
	} else {
		p.name = strings.TrimSpace(a.Name)
	}
	return p, nil
}

// trimAddressDot removes one trailing dot after the domain
// ("jane@customer.ch." and "<jane@customer.ch.>"), which net/mail refuses
// but which names the same domain.
func trimAddressDot(s string) string {
	t := strings.TrimSpace(s)
	if strings.HasSuffix(t, ".>") {
		return t[:len(t)-2] + ">"
	}
	if strings.HasSuffix(t, ".") && !strings.HasSuffix(t, "..") {
		return t[:len(t)-1]
	}
	return s
}

// canonicalDomain makes a domain comparable: IDNA to ASCII, lower case,
// trailing dot; and checks it is a host name (letters, digits, inner
// hyphens, at least two labels).
func canonicalDomain(d string) (string, error) {
	name, err := dnsrec.CanonicalName(d)
	if err != nil {
		return "", err
	}
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	if len(labels) < 2 {
		return "", fmt.Errorf("%q is not a fully qualified domain", d)
	}
	for _, l := range labels {
		if l[0] == '-' || l[len(l)-1] == '-' {
			return "", fmt.Errorf("label %q starts or ends with a hyphen", l)
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return "", fmt.Errorf("label %q has the character %q", l, rune(c))
			}
		}
	}
	return name, nil
}

// header renders an address for a From header, with a display name.
func header(name, addr string) string {
	return (&mail.Address{Name: name, Address: addr}).String()
}
