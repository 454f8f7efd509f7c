package spf

import (
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
)

// Every entry's term is one include mechanism that parses, and every MX
// suffix finds its own entry: no earlier entry shadows a later one.
func TestProviderCatalogue(t *testing.T) {
	for _, p := range providers {
		t.Run(p.Name, func(t *testing.T) {
			if !strings.HasPrefix(p.Term, "include:") || strings.ContainsAny(p.Term, " \t") {
				t.Errorf("term %q is not one include", p.Term)
			}
			if _, err := Parse("v=spf1 " + p.Term + " -all"); err != nil {
				t.Errorf("term %q: %v", p.Term, err)
			}
			for _, parent := range p.MX {
				if c, err := dnsrec.CanonicalName(parent); err != nil || c != parent {
					t.Errorf("MX domain %q must be written canonically (lower case, a trailing dot)", parent)
				}
				if got, ok := ProviderForMX("mx1." + parent); !ok || got.Name != p.Name {
					t.Errorf("ProviderForMX(%q) = %q, %v; want %q", "mx1."+parent, got.Name, ok, p.Name)
				}
				if got, ok := ProviderForMX("mx1" + parent); ok {
					t.Errorf("ProviderForMX(%q) = %q: a name that only ends like %q is not under it", "mx1"+parent, got.Name, parent)
				}
			}
		})
	}
}
