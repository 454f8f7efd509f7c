package dnsrec_test

import (
	"net/netip"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
)

func TestReverseName(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.25":        "25.2.0.192.in-addr.arpa.",
		"::ffff:192.0.2.25": "25.2.0.192.in-addr.arpa.",
		"2001:db8::1":       "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.",
		"2001:DB8:ABCD::FE": "e.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.8.b.d.0.1.0.0.2.ip6.arpa.",
	} {
		if got := dnsrec.ReverseName(netip.MustParseAddr(in)); got != want {
			t.Errorf("ReverseName(%s) = %s, want %s", in, got, want)
		}
	}
}
