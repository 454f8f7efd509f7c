package plan

import (
	"strings"
	"testing"
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
				if !strings.HasPrefix(f, ".") || f != strings.ToLower(f) || len(f) < 4 {
					t.Errorf("fragment %q must start with a dot, be lower case and name something", f)
				}
				ns := "ns1" + f
				if !strings.HasSuffix(f, ".") {
					ns += "01.example."
				}
				if got, ok := HostForNS(ns); !ok || got.Name != h.Name {
					t.Errorf("HostForNS(%q) = %q, %v; want %q", ns, got.Name, ok, h.Name)
				}
			}
		})
	}
}
