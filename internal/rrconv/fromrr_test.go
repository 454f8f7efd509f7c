package rrconv

import (
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// TestFromRRAddresses: A and AAAA records, converted without formatting
// the whole record, give the RDATA miekg/dns presents.
func TestFromRRAddresses(t *testing.T) {
	for _, line := range []string{
		"a.example. 300 IN A 192.0.2.1",
		"a.example. 300 IN A 0.0.0.0",
		"a.example. 300 IN A 255.255.255.255",
		"a.example. 300 IN AAAA 2001:db8::1",
		"a.example. 300 IN AAAA ::",
		"a.example. 300 IN AAAA ::1",
		"a.example. 300 IN AAAA ::ffff:192.0.2.1",
		"a.example. 300 IN AAAA fe80::1:2:3:4",
		"a.example. 300 IN AAAA 2001:db8:0:0:1:0:0:1",
	} {
		rr, err := dns.NewRR(line)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.TrimPrefix(rr.String(), rr.Header().String())
		if got := FromRR(rr).Data; got != want {
			t.Errorf("%s: Data %q, miekg/dns presents %q", line, got, want)
		}
	}
}
