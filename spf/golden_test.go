package spf_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/internal/golden"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

const renderZone = `
customer.example.       IN TXT "v=spf1 include:spf.protection.outlook.example -all"
spf.protection.outlook.example. IN TXT "v=spf1 ip4:198.51.100.0/24 -all"
soft.example.           IN TXT "v=spf1 a:mail.soft.example ~all"
mail.soft.example.      IN A   192.0.2.7
exp.example.            IN TXT "v=spf1 -all exp=explain.exp.example"
explain.exp.example.    IN TXT "%{i} is not one of %{d}'s servers"
loop.example.           IN TXT "v=spf1 include:_spf.loop.example -all"
_spf.loop.example.      IN TXT "v=spf1 include:loop.example -all"
smtp.vendor.example.    IN A   5.255.64.53
smtp.vendor.example.    IN TXT "v=spf1 a -all"
`

// TestRenderingsGolden compares what the package writes for people and for
// receivers (the summary and the explanation of a check in words,
// Received-SPF and Authentication-Results header fields, lint findings, an
// Authorize plan) with testdata/renderings.txt, whole.
func TestRenderingsGolden(t *testing.T) {
	z := dnstest.MustZone(renderZone)
	c := &spf.Checker{Resolver: z, Receiver: "mx.receiver.example", Now: func() time.Time { return time.Unix(1_800_000_000, 0) }}
	ctx := context.Background()
	var b strings.Builder
	for _, tc := range []struct{ ip, from, helo string }{
		{"198.51.100.20", "info@customer.example", "mail.customer.example"},
		{"5.255.64.53", "info@customer.example", "smtp.vendor.example"},
		{"192.0.2.7", "news@soft.example", "mail.soft.example"},
		{"192.0.2.99", "a@exp.example", "x.example"},
		{"192.0.2.1", "a@loop.example", "x.example"},
		{"192.0.2.1", "a@nowhere.example", "x.example"},
		{"5.255.64.53", "", "smtp.vendor.example"},
	} {
		res := c.CheckMailFrom(ctx, netip.MustParseAddr(tc.ip), tc.from, tc.helo)
		fmt.Fprintf(&b, "==== %s from %s (HELO %s): %s\n%s\n", tc.ip, tc.from, tc.helo, res.Status, res.Explain())
		if res.Explanation != "" {
			fmt.Fprintf(&b, "Explanation for the bounce: %s\n", res.Explanation)
		}
		fmt.Fprintf(&b, "Received-SPF: %s\n", res.ReceivedSPF("mx.receiver.example"))
		fmt.Fprintf(&b, "Authentication-Results: %s\n\n", res.AuthenticationResults("mx.receiver.example"))
	}
	for _, rec := range []string{"v=spf1 mx", "v=spf1 include:a.example include:a.example -all", "v=spf1 ip4:192.0.2.0/24 ip4:192.0.2.7 ~all", "v=spf1 +all", "\"v=spf1 -all\""} {
		fmt.Fprintf(&b, "==== lint %q\n", rec)
		for _, f := range spf.Lint(rec) {
			fmt.Fprintln(&b, f)
		}
		b.WriteByte('\n')
	}
	pl, err := plan.Check(ctx, z, spf.Authorize{Domain: "customer.example", Term: "include:spf.vendor.example"})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "==== Authorize customer.example include:spf.vendor.example\n%s", pl.Changes.Text())
	golden.Check(t, "renderings.txt", b.String())
}
