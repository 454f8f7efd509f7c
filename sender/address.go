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
	// droppedName is a display name removed because it could mislead the
	// reader; dropReason says why.
	droppedName, dropReason string
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
	// Local parts that other mail software reads differently: a quoted
	// "ceo@evil.example" is shown by some clients as the whole address,
	// and an encoded-word is decoded by some and not by others.
	if strings.ContainsAny(local, "@<>,;") {
		return nil, fmt.Errorf("%w: the local part %q holds an address character, which some mail software shows as the sender", ErrMalformed, local)
	}
	if strings.Contains(local, "=?") && strings.Contains(local, "?=") {
		return nil, fmt.Errorf("%w: the local part %q is an encoded-word, which some mail software decodes", ErrMalformed, local)
	}
	if strings.HasPrefix(domain, "[") {
		return nil, fmt.Errorf("%w: %s", ErrIPLiteral, domain)
	}
	name, err := canonicalDomain(domain)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	p := &parsedAddress{domain: name, addr: local + "@" + dnsrec.TrimDot(name)}
	p.spec = strings.TrimSuffix(strings.TrimPrefix((&mail.Address{Address: p.addr}).String(), "<"), ">")
	// A display name that could mislead the reader is dropped, with the
	// reason the preview gives.
	if why := misleadingName(a.Name); why != "" {
		p.droppedName, p.dropReason = a.Name, why
	} else {
		p.name = strings.TrimSpace(a.Name)
	}
	return p, nil
}

// misleadingName says why a display name (as net/mail decoded it, RFC 2047
// encoded-words included) could mislead the reader, or "".
func misleadingName(name string) string {
	for _, r := range name {
		switch {
		case r == '@' || r == '<' || r == '>' || r == '\uFF20' || r == '\uFE6B' || r == '\uFF1C' || r == '\uFF1E':
			return "it looks like an address"
		case r == 0 || unicode.IsControl(r):
			return "it hides a control character"
		case r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069' || r == '\u200E' || r == '\u200F' || r == '\u061C':
			return "it holds a character that reverses the direction of the text"
		case r == '\u200B' || r == '\u200C' || r == '\u200D' || r == '\u2060' || r == '\uFEFF' || r == '\u00AD':
			return "it holds an invisible character"
		}
	}
	return ""
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

// canonicalDomain makes a domain comparable (IDNA to ASCII, lower case,
// trailing dot) and checks it as dnsrec.ParseDomain does: a host name of at
// least two labels, not an IP address, not malformed punycode.
func canonicalDomain(d string) (string, error) {
	return dnsrec.ParseDomain("domain", d)
}

// header renders an address for a From header, with a display name.
func header(name, addr string) string {
	return (&mail.Address{Name: name, Address: addr}).String()
}
