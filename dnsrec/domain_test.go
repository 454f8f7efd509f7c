package dnsrec_test

import (
	"errors"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
)

func TestParseDomain(t *testing.T) {
	for _, tc := range []struct {
		in, want, suggestion string
	}{
		{in: "customer.example", want: "customer.example."},
		{in: "Customer.Example.", want: "customer.example."},
		{in: "bücher.example", want: "xn--bcher-kva.example."},
		{in: "", want: ""},
		{in: "info@customer.example", suggestion: "customer.example"},
		{in: "Jane <jane@customer.example>", suggestion: "customer.example"},
		{in: "https://www.customer.example/contact", suggestion: "www.customer.example"},
		{in: "192.0.2.1"},
		{in: "[2001:db8::1]"},
		{in: "customer .example", suggestion: "customer.example"},
		{in: "customer.example\n", suggestion: "customer.example"},
		{in: "localhost"},
		{in: "1.2"},
		{in: "_dmarc.customer.example"},
		{in: "-bad.example"},
		{in: "a..example"},
		{in: "xn--zz.example"}, // malformed punycode
	} {
		got, err := dnsrec.ParseDomain("Domain", tc.in)
		if tc.want != "" {
			if err != nil || got != tc.want {
				t.Errorf("ParseDomain(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			continue
		}
		var de *dnsrec.DomainError
		if !errors.Is(err, dnsrec.ErrInvalidDomain) || !errors.As(err, &de) {
			t.Errorf("ParseDomain(%q) = %q, %v; want a DomainError", tc.in, got, err)
			continue
		}
		if de.Arg != "Domain" || de.Suggestion != tc.suggestion {
			t.Errorf("ParseDomain(%q): %v (suggestion %q, want %q)", tc.in, err, de.Suggestion, tc.suggestion)
		}
	}
}

func TestZoneAndRelativeName(t *testing.T) {
	for _, tc := range []struct{ name, zone, rel string }{
		{"customer.example.", "customer.example.", "@"},
		{"_dmarc.customer.example.", "customer.example.", "_dmarc"},
		{"default._domainkey.news.customer.co.uk.", "customer.co.uk.", "default._domainkey.news"},
		{"customer.example._report._dmarc.vendor.example.", "vendor.example.", "customer.example._report._dmarc"},
		{"co.uk.", "co.uk.", "@"},
	} {
		zone := dnsrec.ZoneOf(tc.name)
		if zone != tc.zone {
			t.Errorf("ZoneOf(%q) = %q, want %q", tc.name, zone, tc.zone)
		}
		if rel := dnsrec.RelativeName(tc.name, zone); rel != tc.rel {
			t.Errorf("RelativeName(%q, %q) = %q, want %q", tc.name, zone, rel, tc.rel)
		}
	}
	if rel := dnsrec.RelativeName("other.example.", "customer.example."); rel != "other.example" {
		t.Errorf("a name outside the zone: %q", rel)
	}
}

// FuzzParseDomain: never panics; an accepted domain is canonical and
// accepted again unchanged (without its dot, as a person would type it);
// a suggestion is itself accepted.
func FuzzParseDomain(f *testing.F) {
	for _, s := range []string{"customer.example", "info@customer.example", "bücher.example", "1.2", "http://x.example/", "a b.example", "xn--zz.example", "\x00.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := dnsrec.ParseDomain("d", s)
		if err != nil {
			var de *dnsrec.DomainError
			if !errors.As(err, &de) {
				t.Fatalf("%q: %v is not a DomainError", s, err)
			}
			if de.Suggestion != "" {
				if _, err := dnsrec.ParseDomain("d", de.Suggestion); err != nil {
					t.Fatalf("%q: suggestion %q is refused: %v", s, de.Suggestion, err)
				}
			}
			return
		}
		again, err := dnsrec.ParseDomain("d", dnsrec.TrimDot(got))
		if err != nil || again != got {
			t.Fatalf("%q -> %q -> %q, %v", s, got, again, err)
		}
	})
}

// IsSubdomain is the one "equal to or under" of the module: label by
// label, without regard to case or the trailing dot, Unicode names by
// their A-labels; a name that only ends like another is not under it.
func TestIsSubdomain(t *testing.T) {
	for _, c := range []struct {
		child, parent string
		want          bool
	}{
		{"mail.example.com.", "example.com.", true},
		{"example.com.", "example.com.", true},
		{"Mail.Example.COM", "example.com", true},
		{"mail.example.com", "EXAMPLE.COM.", true},
		{"badexample.com.", "example.com.", false},
		{"example.com.", "mail.example.com.", false},
		{"x.bücher.example", "xn--bcher-kva.example.", true},
		{"x.xn--bcher-kva.example", "BÜCHER.example", true},
		{"anything.example.", ".", true},
		{"a..example.", "example.", false},
		{"mail.example.com.", "", false},
		{"", "example.com.", false},
		{"selector1-x._domainkey.tenant.onmicrosoft.com", "onmicrosoft.com.", true},
	} {
		if got := dnsrec.IsSubdomain(c.child, c.parent); got != c.want {
			t.Errorf("IsSubdomain(%q, %q) = %v, want %v", c.child, c.parent, got, c.want)
		}
	}
}
