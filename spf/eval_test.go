package spf_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/spf"
)

// The three situations of seed 003, for the vendor's server 5.255.64.53.
const seed003Zone = `
klant.example.     IN MX 10 mail.klant.example.
example.com.       IN TXT "v=spf1 include:spf.protection.outlook.example -all"
eneco.example.     IN TXT "v=spf1 include:spf.protection.outlook.example include:spf.blueinkt.example -all"
spf.protection.outlook.example. IN TXT "v=spf1 ip4:198.51.100.0/24 -all"
spf.blueinkt.example. IN TXT "v=spf1 ip4:5.255.64.53 ip4:193.93.173.204 -all"
soft.example.      IN TXT "v=spf1 mx ~all"
noall.example.     IN TXT "v=spf1 include:spf.protection.outlook.example"
self.example.      IN TXT "v=spf1 redirect=self.example"
loop-a.example.    IN TXT "v=spf1 include:loop-b.example -all"
loop-b.example.    IN TXT "v=spf1 include:loop-a.example -all"
dup.example.       IN TXT "v=spf1 a a:dup.example mx mx:dup.example include:spf.protection.outlook.example include:spf.protection.outlook.example -all"
dup.example.       IN MX 10 dup.example.
dup.example.       IN A 192.0.2.200
slow.example.      IN TXT "v=spf1 a:down.example -all"
mapped.example.    IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
mail.helo.example. IN TXT "v=spf1 a -all"
mail.helo.example. IN A 5.255.64.53
`

var vendorIP = netip.MustParseAddr("5.255.64.53")

func TestCheckHostSeed003(t *testing.T) {
	z := dnstest.MustZone(seed003Zone)
	c := &spf.Checker{Resolver: z}
	tests := []struct {
		sender  string
		status  spf.Status
		summary string
		term    string
		via     []string
	}{
		{"info@klant.example", spf.StatusNone, "klant.example has not published an SPF policy, so SPF neither allows nor forbids 5.255.64.53.", "", nil},
		{"info@example.com", spf.StatusFail, `example.com has declared that 5.255.64.53 may not send mail for it: no term matched, and the record ends in "-all". Receivers may reject the message.`, "-all", nil},
		{"fm@eneco.example", spf.StatusPass, `eneco.example has authorized 5.255.64.53 to send mail for it: it matches "ip4:5.255.64.53" in the record of spf.blueinkt.example, included by eneco.example.`, "ip4:5.255.64.53", []string{"spf.blueinkt.example"}},
		{"x@soft.example", spf.StatusSoftFail, "soft.example has said that 5.255.64.53 is probably not allowed to send mail for it (~all)", "~all", nil},
		{"x@noall.example", spf.StatusNeutral, `noall.example makes no statement about 5.255.64.53: no term matched and its record has no "all"`, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.sender, func(t *testing.T) {
			r := c.CheckMailFrom(context.Background(), vendorIP, tc.sender, "smtp1.blueinkt.example")
			if r.Status != tc.status {
				t.Fatalf("status %s, want %s\n%s", r.Status, tc.status, r.Explain())
			}
			if !strings.HasPrefix(r.Summary(), tc.summary) {
				t.Errorf("Summary() = %q\nwant prefix %q", r.Summary(), tc.summary)
			}
			if r.Term != tc.term || strings.Join(r.Via, ",") != strings.Join(tc.via, ",") {
				t.Errorf("Term %q Via %v; want %q %v", r.Term, r.Via, tc.term, tc.via)
			}
		})
	}
}

func TestCheckHostBounded(t *testing.T) {
	z := dnstest.MustZone(seed003Zone)
	c := &spf.Checker{Resolver: z}
	ctx := context.Background()
	for _, domain := range []string{"self.example", "loop-a.example"} {
		r := c.CheckHost(ctx, vendorIP, domain, "x@"+domain, "h.example")
		if r.Status != spf.StatusPermError || !errors.Is(r.Err, spf.ErrTooManyLookups) {
			t.Errorf("%s: %s, %v; want permerror for too many lookups", domain, r.Status, r.Err)
		}
	}
	// A caller who lifts the limit still gets a bounded recursion.
	big := &spf.Checker{Resolver: z, MaxLookups: 1_000_000}
	if r := big.CheckHost(ctx, vendorIP, "self.example", "x@self.example", "h.example"); r.Status != spf.StatusPermError {
		t.Errorf("self redirect with no lookup limit: %s", r.Status)
	}
}

func TestCheckHostAsksOnce(t *testing.T) {
	z := dnstest.MustZone(seed003Zone)
	r := (&spf.Checker{Resolver: z}).CheckHost(context.Background(), vendorIP, "dup.example", "x@dup.example", "h.example")
	if r.Status != spf.StatusFail || r.Lookups != 6 {
		t.Fatalf("%s with %d lookups\n%s", r.Status, r.Lookups, r.Explain())
	}
	if rep := z.Repeated(); len(rep) > 0 {
		t.Errorf("asked more than once: %v", rep)
	}
	if r.Queries != len(z.Queries()) {
		t.Errorf("Result.Queries = %d, zone saw %d", r.Queries, len(z.Queries()))
	}
}

func TestCheckHostTempError(t *testing.T) {
	z := dnstest.MustZone(seed003Zone)
	z.Fail("down.example", "", dnsrec.ErrServFail)
	r := (&spf.Checker{Resolver: z}).CheckHost(context.Background(), vendorIP, "slow.example", "x@slow.example", "h.example")
	if r.Status != spf.StatusTempError {
		t.Fatalf("status %s", r.Status)
	}
	var de *dnsrec.Error
	if !errors.Is(r.Err, dnsrec.ErrTemporary) || !errors.Is(r.Err, dnsrec.ErrServFail) || !errors.As(r.Err, &de) || de.Name != "down.example." {
		t.Errorf("err = %v: want ErrTemporary wrapping the *dnsrec.Error", r.Err)
	}
	if !strings.Contains(r.Summary(), "could not be completed because of a DNS failure") {
		t.Errorf("summary %q", r.Summary())
	}
}

func TestCheckHostMappedAndHELO(t *testing.T) {
	z := dnstest.MustZone(seed003Zone)
	c := &spf.Checker{Resolver: z}
	ctx := context.Background()
	if r := c.CheckHost(ctx, netip.MustParseAddr("::ffff:192.0.2.9"), "mapped.example", "x@mapped.example", "h"); r.Status != spf.StatusPass {
		t.Errorf("IPv4-mapped IPv6 sender: %s", r.Status)
	}
	r := c.CheckHELO(ctx, vendorIP, "mail.helo.example")
	if r.Status != spf.StatusPass {
		t.Fatalf("HELO check: %s", r.Status)
	}
	if got, want := r.ReceivedSPF("mx.receiver.example"),
		`pass (mx.receiver.example: domain of mail.helo.example designates 5.255.64.53 as permitted sender) client-ip=5.255.64.53; envelope-from="postmaster@mail.helo.example"; helo=mail.helo.example; receiver=mx.receiver.example; mechanism=a; identity=helo`; got != want {
		t.Errorf("ReceivedSPF =\n%s\nwant\n%s", got, want)
	}
	if got, want := r.AuthenticationResults("mx.receiver.example"), "mx.receiver.example; spf=pass smtp.helo=mail.helo.example"; got != want {
		t.Errorf("AuthenticationResults = %q, want %q", got, want)
	}
	r = c.CheckMailFrom(ctx, vendorIP, "", "example.com")
	if r.Sender != "postmaster@example.com" || r.Status != spf.StatusFail {
		t.Errorf("bounce: sender %q status %s", r.Sender, r.Status)
	}
	if got := r.ReceivedSPF("mx.receiver.example"); !strings.HasPrefix(got, "fail (mx.receiver.example: domain of postmaster@example.com does not designate 5.255.64.53 as permitted sender)") ||
		!strings.HasSuffix(got, "identity=mailfrom") {
		t.Errorf("ReceivedSPF = %q", got)
	}
	if r.Explanation != spf.DefaultExplanation("example.com", vendorIP) {
		t.Errorf("Explanation = %q", r.Explanation)
	}
	if r := c.CheckMailFrom(ctx, vendorIP, "user@localhost", "h"); r.Status != spf.StatusNone || !errors.Is(r.Err, spf.ErrDomainSpec) {
		t.Errorf("single-label domain: %s %v", r.Status, r.Err)
	}
}

func TestCheckHostViaNestedIncludes(t *testing.T) {
	z := dnstest.MustZone(`
top.example. IN TXT "v=spf1 include:a.example -all"
a.example.   IN TXT "v=spf1 include:b.example -all"
b.example.   IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
`)
	r := (&spf.Checker{Resolver: z}).CheckHost(context.Background(), netip.MustParseAddr("192.0.2.5"), "top.example", "x@top.example", "h")
	if r.Status != spf.StatusPass || r.Term != "ip4:192.0.2.0/24" || r.TermDomain != "b.example" || strings.Join(r.Via, ",") != "a.example,b.example" {
		t.Fatalf("%s term %q in %q via %v", r.Status, r.Term, r.TermDomain, r.Via)
	}
	want := `top.example has authorized 192.0.2.5 to send mail for it: it matches "ip4:192.0.2.0/24" in the record of b.example, included by top.example through a.example.`
	if r.Summary() != want {
		t.Errorf("Summary() = %q\nwant        %q", r.Summary(), want)
	}
}

// A sender longer than SMTP allows is malformed (RFC 5321, Section
// 4.5.3.1; RFC 7208, Section 4.3 gives none), which also bounds macro
// expansion: a 1 MB local part against a record of 100 %{l} costs nothing.
func TestCheckHostBoundsTheSender(t *testing.T) {
	record := "v=spf1" + strings.Repeat(" exists:%{l}.x.example", 100) + " -all"
	z := dnstest.MustZone(`macro.example. IN TXT "` + record + `"`)
	c := &spf.Checker{Resolver: z}
	ip := netip.MustParseAddr("192.0.2.1")
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	res := c.CheckHost(context.Background(), ip, "macro.example", strings.Repeat("a", 1<<20)+"@macro.example", "h.example")
	runtime.ReadMemStats(&m1)
	if res.Status != spf.StatusNone || !strings.Contains(fmt.Sprint(res.Err), "RFC 5321") {
		t.Errorf("1 MB local part: %s, %v", res.Status, res.Err)
	}
	if grown := m1.TotalAlloc - m0.TotalAlloc; grown > 8<<20 {
		t.Errorf("checking a 1 MB sender allocated %d MB", grown>>20)
	}
	if len(z.Queries()) != 0 {
		t.Errorf("a malformed sender caused %d queries", len(z.Queries()))
	}
	// 64 octets is allowed, and evaluated.
	res = c.CheckHost(context.Background(), ip, "macro.example", strings.Repeat("a", 64)+"@macro.example", "h.example")
	if res.Status == spf.StatusNone || res.Err != nil && strings.Contains(res.Err.Error(), "RFC 5321") {
		t.Errorf("a 64-octet local part: %s, %v", res.Status, res.Err)
	}
}
