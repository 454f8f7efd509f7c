package dnstest

import (
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
)

// Resolvers returns two resolvers over the same zone, for a test to run
// against both: "zone", the Zone itself, and "loopback", a dnsrec.Client
// talking real DNS to a Server serving it. The server is closed when the
// test ends.
func Resolvers(tb testing.TB, z *Zone) map[string]dnsrec.Resolver {
	tb.Helper()
	srv, err := Serve(z)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	return map[string]dnsrec.Resolver{"zone": z, "loopback": srv.Client()}
}
