package spf

import (
	"strings"
	"testing"
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
			for _, suffix := range p.MX {
				if !strings.HasPrefix(suffix, ".") || !strings.HasSuffix(suffix, ".") || suffix != strings.ToLower(suffix) {
					t.Errorf("MX suffix %q must start and end with a dot and be lower case", suffix)
				}
				if got, ok := ProviderForMX("mx1" + suffix); !ok || got.Name != p.Name {
					t.Errorf("ProviderForMX(%q) = %q, %v; want %q", "mx1"+suffix, got.Name, ok, p.Name)
				}
			}
		})
	}
}
