package domainconnect_test

import (
	"testing"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
)

// demoZone is the example programs' demo zone, a fresh copy per test.
func demoZone(t testing.TB) *dnstest.Zone {
	t.Helper()
	return demo.Zone()
}

// demoProfile is the demo vendor's profile.
func demoProfile(t testing.TB) *domaincheck.Profile {
	t.Helper()
	p, err := domaincheck.ParseProfile(demo.ProfileJSON())
	if err != nil {
		t.Fatal(err)
	}
	return p
}
