package domainconnect_test

import (
	"os"
	"testing"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/sender"
)

// demoFile reads a file of the example programs' demo data (the zone and
// the vendor profile), wherever the layout keeps it.
func demoFile(t testing.TB, name string) []byte {
	t.Helper()
	for _, dir := range []string{"../internal/demo/", "../examples/internal/demo/"} {
		if b, err := os.ReadFile(dir + name); err == nil {
			return b
		}
	}
	t.Fatalf("demo file %s not found", name)
	return nil
}

func demoZone(t testing.TB) *dnstest.Zone {
	t.Helper()
	z, err := dnstest.NewZone(string(demoFile(t, "zone.txt")))
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func demoProfile(t testing.TB) *sender.Profile {
	t.Helper()
	p, err := sender.ParseProfile(demoFile(t, "profile.json"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
