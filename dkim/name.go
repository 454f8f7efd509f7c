package dkim

import (
	"errors"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
)

// ErrInvalidSelector: a selector is not a sequence of DNS labels of
// letters, digits and inner hyphens (RFC 6376, Section 3.1).
var ErrInvalidSelector = errors.New("dkim: invalid selector")

// ValidateSelector checks a selector: one or more dot-separated labels of
// letters, digits and hyphens, not starting or ending with a hyphen, each at
// most 63 bytes.
func ValidateSelector(sel string) error {
	if sel == "" {
		return fmt.Errorf("%w: empty", ErrInvalidSelector)
	}
	for i, label := range strings.Split(sel, ".") {
		switch {
		case label == "":
			return fmt.Errorf("%w: %q has an empty label", ErrInvalidSelector, sel)
		case len(label) > 63:
			return fmt.Errorf("%w: label %d of %q is longer than 63 bytes", ErrInvalidSelector, i+1, sel)
		case label[0] == '-' || label[len(label)-1] == '-':
			return fmt.Errorf("%w: label %q starts or ends with a hyphen", ErrInvalidSelector, label)
		}
		for j := 0; j < len(label); j++ {
			c := label[j]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return fmt.Errorf("%w: %q has the character %q; use letters, digits and hyphens", ErrInvalidSelector, sel, rune(c))
			}
		}
	}
	return nil
}

// Name returns the name a selector's key is published at,
// "<selector>._domainkey.<domain>." (RFC 6376, Section 3.6.2.1), checking
// both parts.
func Name(selector, domain string) (string, error) {
	if err := ValidateSelector(selector); err != nil {
		return "", err
	}
	d, err := dnsrec.CanonicalName(domain)
	if err != nil {
		return "", err
	}
	return dnsrec.CanonicalName(selector + "._domainkey." + d)
}

// TXT returns the TXT record that publishes rec for selector at domain,
// its value split into strings of at most 255 bytes. For a key just
// generated, rec is NewRecord(key.Public()).
func TXT(selector, domain string, rec *Record) (dnsrec.Record, error) {
	name, err := Name(selector, domain)
	if err != nil {
		return dnsrec.Record{}, err
	}
	return dnsrec.NewTXT(name, rec.String())
}

// Delegation returns the CNAME record by which a customer delegates a
// selector to the vendor who signs for it, so that the vendor can rotate
// the key without asking the customer:
// <selector>._domainkey.<customer> CNAME <selector>._domainkey.<vendor>.
func Delegation(selector, customer, vendor string) (dnsrec.Record, error) {
	from, err := Name(selector, customer)
	if err != nil {
		return dnsrec.Record{}, err
	}
	to, err := Name(selector, vendor)
	if err != nil {
		return dnsrec.Record{}, err
	}
	return dnsrec.NewCNAME(from, to)
}
