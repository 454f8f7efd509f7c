package domaincheck_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
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
dkimsoft.example.                   IN TXT "v=spf1 mx ~all"
default._domainkey.dkimsoft.example. IN CNAME default._domainkey.vendor.example.
nothing.example.                    IN TXT "v=spf1 mx -all"
`

func verifyingPolicy(t *testing.T, z dnsrec.Resolver, now *time.Time) *sender.Policy {
	t.Helper()
	p, err := sender.New(sender.Config{
		Domains: []sender.Domain{{Domain: "crm.example"}},
		Default: "noreply@crm.example",
		DNS:     &domaincheck.Verifier{Checker: newChecker(t, z), Now: func() time.Time { return *now }},
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
		// SPF fail on the customer's envelope: receivers reject the mail
		// before DMARC is evaluated, however well DKIM aligns.
		{"info@dkimonly.example", sender.RuleApplication, false, true, true, "the DNS of dkimonly.example does not authorize the vendor"},
		// softfail: scored, not rejected; DKIM decides.
		{"info@dkimsoft.example", sender.RuleDNSVerified, false, true, true, "SPF failed, DKIM passed, DMARC passed"},
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

// The Verifier keeps DNS answers (not verdicts) in one bounded cache: a
// second verification asks nothing, a change is seen once the answers
// expire, and a temporary failure is not kept.
func TestVerifierCache(t *testing.T) {
	z := dnstest.MustZone(verifyZone)
	now := time.Unix(1_800_000_000, 0)
	p := verifyingPolicy(t, z, &now)
	ctx := context.Background()
	p.Select(ctx, sender.Request{From: "a@both.example"})
	n := len(z.Queries())
	if second := p.Select(ctx, sender.Request{From: "b@both.example"}); len(z.Queries()) != n || second.Rule != sender.RuleDNSVerified {
		t.Errorf("second check asked DNS again (%d -> %d queries): %s", n, len(z.Queries()), second.Rule)
	}
	// The customer removes the delegation and SPF; once the answers
	// expire (at most an hour), the change is seen.
	z.Remove("default._domainkey.both.example", dnsrec.TypeCNAME)
	z.Remove("both.example", dnsrec.TypeTXT)
	now = now.Add(2 * time.Hour)
	if third := p.Select(ctx, sender.Request{From: "c@both.example"}); third.Rule != sender.RuleApplication {
		t.Errorf("after the TTL: %s", third.Rule)
	}
	// Temporary failures do not authorize and are not kept.
	z.Fail("spfonly.example", "", dnsrec.ErrServFail)
	s := p.Select(ctx, sender.Request{From: "x@spfonly.example"})
	if s.Rule != sender.RuleApplication || !errors.Is(s.DNS.Err, dnsrec.ErrTemporary) {
		t.Errorf("under SERVFAIL: %s %+v", s.Rule, s.DNS)
	}
	z.Fail("spfonly.example", "", nil)
	if s := p.Select(ctx, sender.Request{From: "x@spfonly.example"}); s.Rule != sender.RuleDNSVerified {
		t.Errorf("after the failure: %s", s.Rule)
	}
}

// everyoneRecords pass every address, or far more than the vendor's:
// none of them is an authorization of the vendor.
const everyoneRecords = `
plusall.example.        IN TXT "v=spf1 +all"
slash0.example.         IN TXT "v=spf1 ip4:0.0.0.0/0 -all"
halves.example.         IN TXT "v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/1 -all"
quarters.example.       IN TXT "v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/2 ip4:192.0.0.0/2 -all"
exists.example.         IN TXT "v=spf1 exists:%{i}.any.example -all"
*.any.example.          IN A   127.0.0.2
bare.example.           IN TXT "v=spf1 all"
`

// An SPF record that passes every host on the internet authorizes no one:
// +all, a /0 network, networks that together cover the address space, an
// exists: term over a wildcard record. None counts as DNS verification,
// nor as SPF in the domain check.
func TestVerifierRefusesAuthorizeEveryone(t *testing.T) {
	z := dnstest.MustZone(verifyZone + everyoneRecords)
	now := time.Unix(1_800_000_000, 0)
	p := verifyingPolicy(t, z, &now)
	for _, d := range []string{"plusall.example", "slash0.example", "halves.example", "quarters.example", "exists.example", "bare.example"} {
		z.Add("_dmarc." + d + `. IN TXT "v=DMARC1; p=none"`)
		s := p.Select(context.Background(), sender.Request{From: "a@" + d})
		if s.Rule == sender.RuleDNSVerified || s.DNS == nil || s.DNS.SPF || !strings.Contains(s.DNS.SPFDetail, "passes every host") {
			t.Errorf("%s: %s %+v", d, s.Rule, s.DNS)
		}
		rep := newChecker(t, z).Check(context.Background(), d)
		if rep.MaySend || !hasCode(rep.Area(domaincheck.AreaSPF).Findings, domaincheck.CodeSPFEveryone) {
			t.Errorf("%s: the domain check counts the record: %s", d, rep.Summary)
		}
	}
}

// One answer to "does this domain's DNS authorize the vendor": the
// Checker's MaySend and the Verifier's Authorized agree on every shape of
// customer record.
func TestCheckerAndVerifierAgree(t *testing.T) {
	z := dnstest.MustZone(verifyZone + everyoneRecords + `
question.example.       IN TXT "v=spf1 ?all"
softall.example.        IN TXT "v=spf1 include:spf.vendor.example ~all"
v6all.example.          IN TXT "v=spf1 ip6:::/0 ip4:5.255.64.53 -all"
none.example.           IN MX  10 mx.none.example.
down.example.           IN TXT "v=spf1 include:spf.vendor.example -all"
`)
	z.Fail("down.example.", dnsrec.TypeTXT, dnsrec.ErrServFail)
	c := newChecker(t, z)
	v := &domaincheck.Verifier{Checker: c}
	for _, d := range []string{"both.example", "spfonly.example", "dkimonly.example", "nothing.example", "plusall.example", "slash0.example",
		"halves.example", "quarters.example", "exists.example", "bare.example", "question.example", "softall.example", "v6all.example", "none.example", "down.example"} {
		rep := c.Check(context.Background(), d)
		a := v.Verify(context.Background(), d)
		if rep.MaySend != a.Authorized {
			t.Errorf("%s: the Checker says may send %v, the Verifier authorized %v (%s; %s)", d, rep.MaySend, a.Authorized, rep.Summary, a.Summary())
		}
		if d == "down.example" && (a.Authorized || !errors.Is(a.Err, dnsrec.ErrTemporary) || rep.Status != domaincheck.DomainNotChecked) {
			t.Errorf("temperror: authorized %v, err %v, status %s", a.Authorized, a.Err, rep.Status)
		}
	}
}

// The verifier's memory is bounded, however many distinct domains are
// typed.
func TestVerifierCacheBounded(t *testing.T) {
	z := dnstest.MustZone(verifyZone)
	v := &domaincheck.Verifier{Checker: newChecker(t, z), MaxEntries: 1000}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range 20000 {
		v.Verify(context.Background(), fmt.Sprintf("d%d.example", i))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	// 1,000 answers of a few hundred bytes each; the in-memory zone's own
	// log of questions is the rest.
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 32<<20 {
		t.Errorf("the heap grew by %d MB over 20,000 domains", grown>>20)
	}
	if got := (&domaincheck.Verifier{}).Verify(context.Background(), "both.example"); got.Authorized || !errors.Is(got.Err, domaincheck.ErrNoProfile) {
		t.Errorf("Verifier{}: %+v", got)
	}
}
