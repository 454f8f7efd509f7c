package sender_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/internal/vendortest"
	"github.com/domainauth/domainauth/sender"
)

const verifyZone = vendortest.Zone + `
both.example.                       IN TXT "v=spf1 include:spf.vendor.example -all"
default._domainkey.both.example.    IN CNAME default._domainkey.vendor.example.
_dmarc.both.example.                IN TXT "v=DMARC1; p=reject"
spfonly.example.                    IN TXT "v=spf1 include:spf.vendor.example -all"
dkimonly.example.                   IN TXT "v=spf1 mx -all"
default._domainkey.dkimonly.example. IN CNAME default._domainkey.vendor.example.
nothing.example.                    IN TXT "v=spf1 mx -all"
`

func verifyingPolicy(t *testing.T, z dnsrec.Resolver, now *time.Time) *sender.Policy {
	t.Helper()
	p, err := sender.New(sender.Config{
		Domains: []sender.Domain{{Domain: "crm.example"}},
		Default: "noreply@crm.example",
		DNS: &sender.Verifier{
			Resolver:     z,
			SendingIPs:   []netip.Addr{netip.MustParseAddr("5.255.64.53")},
			DKIMSelector: "default",
			DKIMTarget:   "default._domainkey.vendor.example",
			TTL:          time.Hour,
			Now:          func() time.Time { return *now },
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSelectDNSVerified(t *testing.T) {
	z := dnstest.MustZone(verifyZone)
	now := time.Unix(1_800_000_000, 0)
	p := verifyingPolicy(t, z, &now)
	tests := []struct {
		from             string
		rule             sender.Rule
		spf, dkim, dmarc bool
		reason           string
	}{
		{"info@both.example", sender.RuleDNSVerified, true, true, true, "the DNS of both.example authorizes the vendor (SPF passed, DKIM passed, DMARC passed)"},
		{"info@spfonly.example", sender.RuleDNSVerified, true, false, true, "SPF passed, DKIM failed, DMARC passed"},
		{"info@dkimonly.example", sender.RuleDNSVerified, false, true, true, "SPF failed, DKIM passed, DMARC passed"},
		{"info@nothing.example", sender.RuleApplication, false, false, false, "the DNS of nothing.example does not authorize the vendor"},
		{"info@crm.example", sender.RuleAllowedDomain, false, false, false, "allowed domain crm.example"},
	}
	for _, tc := range tests {
		t.Run(tc.from, func(t *testing.T) {
			z.ResetQueries()
			s := p.Select(context.Background(), sender.Request{From: tc.from})
			if rep := z.Repeated(); len(rep) > 0 {
				t.Errorf("asked more than once in one verification: %v", rep)
			}
			if s.Rule != tc.rule || !strings.Contains(s.Reason, tc.reason) {
				t.Fatalf("rule %s reason %q; want %s and %q", s.Rule, s.Reason, tc.rule, tc.reason)
			}
			if tc.rule == sender.RuleAllowedDomain {
				if s.DNS != nil {
					t.Error("a listed domain was checked through DNS")
				}
				return
			}
			if s.DNS == nil || s.DNS.SPF != tc.spf || s.DNS.DKIM != tc.dkim || s.DNS.DMARC != tc.dmarc {
				t.Errorf("DNS %+v", s.DNS)
			}
			if tc.rule == sender.RuleApplication && !errors.Is(s.Problem, sender.ErrNotVerified) {
				t.Errorf("Problem %v", s.Problem)
			}
		})
	}
}

func TestVerifierCache(t *testing.T) {
	z := dnstest.MustZone(verifyZone)
	now := time.Unix(1_800_000_000, 0)
	p := verifyingPolicy(t, z, &now)
	ctx := context.Background()
	first := p.Select(ctx, sender.Request{From: "a@both.example"})
	n := len(z.Queries())
	second := p.Select(ctx, sender.Request{From: "b@both.example"})
	if len(z.Queries()) != n || !second.DNS.Cached || first.DNS.Cached {
		t.Errorf("second check asked DNS again (%d -> %d queries) or was not marked cached", n, len(z.Queries()))
	}
	// The customer removes the delegation and SPF; after the TTL the
	// change is seen.
	z.Remove("default._domainkey.both.example", dnsrec.TypeCNAME)
	z.Remove("both.example", dnsrec.TypeTXT)
	now = now.Add(2 * time.Hour)
	third := p.Select(ctx, sender.Request{From: "c@both.example"})
	if third.Rule != sender.RuleApplication || third.DNS.Cached {
		t.Errorf("after the TTL: %s, cached %v", third.Rule, third.DNS.Cached)
	}
	// Temporary failures are not cached and do not authorize.
	z.Fail("spfonly.example", "", dnsrec.ErrServFail)
	s := p.Select(ctx, sender.Request{From: "x@spfonly.example"})
	if s.Rule != sender.RuleApplication || s.DNS.Err == nil {
		t.Errorf("under SERVFAIL: %s %+v", s.Rule, s.DNS)
	}
	z.Fail("spfonly.example", "", nil)
	if s := p.Select(ctx, sender.Request{From: "x@spfonly.example"}); s.Rule != sender.RuleDNSVerified || s.DNS.Cached {
		t.Errorf("after the failure: %s cached %v", s.Rule, s.DNS.Cached)
	}
}

// An SPF record that passes every host on the internet authorizes no one:
// +all and a /0 network do not count as DNS verification.
func TestVerifierRefusesAuthorizeEveryone(t *testing.T) {
	z := dnstest.MustZone(verifyZone + `
plusall.example.  IN TXT "v=spf1 +all"
_dmarc.plusall.example. IN TXT "v=DMARC1; p=none"
slash0.example.   IN TXT "v=spf1 ip4:0.0.0.0/0 -all"
_dmarc.slash0.example. IN TXT "v=DMARC1; p=none"
`)
	now := time.Unix(1_800_000_000, 0)
	p := verifyingPolicy(t, z, &now)
	for _, d := range []string{"plusall.example", "slash0.example"} {
		s := p.Select(context.Background(), sender.Request{From: "a@" + d})
		if s.Rule == sender.RuleDNSVerified || s.DNS == nil || s.DNS.SPF || !strings.Contains(s.DNS.SPFDetail, "passes every host") {
			t.Errorf("%s: %s %+v", d, s.Rule, s.DNS)
		}
	}
}

// The verifier keeps a bounded number of results, however many distinct
// domains are typed.
func TestVerifierCacheBounded(t *testing.T) {
	z := dnstest.MustZone(verifyZone)
	now := time.Unix(1_800_000_000, 0)
	v := &sender.Verifier{Resolver: z, SendingIPs: []netip.Addr{netip.MustParseAddr("5.255.64.53")}, MaxEntries: 1000, Now: func() time.Time { return now }}
	for i := range 100000 {
		v.Verify(context.Background(), fmt.Sprintf("d%d.example", i))
		if i%1000 == 0 {
			now = now.Add(time.Second)
		}
	}
	if n := v.Len(); n > 1000 {
		t.Errorf("%d results kept, limit 1000", n)
	}
}
