package plan

import (
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
)

// Every fragment of the catalogue starts at a label, is lower case, and
// finds its own entry: no earlier entry shadows a later one.
func TestDNSHostCatalogue(t *testing.T) {
	names := map[string]bool{}
	for _, h := range dnsHosts {
		t.Run(h.Name, func(t *testing.T) {
			if names[h.Name] {
				t.Errorf("%s is listed twice", h.Name)
			}
			names[h.Name] = true
			switch h.Form {
			case "", HostFormRelative, HostFormBlankApex, HostFormFull:
			default:
				t.Errorf("unknown form %q", h.Form)
			}
			if len(h.NS) == 0 {
				t.Error("no name server fragment")
			}
			for _, f := range h.NS {
				ns := "ns1." + f
				if strings.HasSuffix(f, ".") {
					if c, err := dnsrec.CanonicalName(f); err != nil || c != f {
						t.Errorf("domain %q must be written canonically (lower case, a trailing dot)", f)
					}
				} else {
					if !strings.HasPrefix(f, ".") || f != strings.ToLower(f) || len(f) < 4 {
						t.Errorf("label prefix %q must start with a dot, be lower case and name something", f)
					}
					ns = "ns1" + f + "01.example."
				}
				if got, ok := HostForNS(ns); !ok || got.Name != h.Name {
					t.Errorf("HostForNS(%q) = %q, %v; want %q", ns, got.Name, ok, h.Name)
				}
			}
		})
	}
}
