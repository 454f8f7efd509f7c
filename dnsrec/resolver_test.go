package dnsrec_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// bigTXT is longer than 512 bytes, so a UDP answer without EDNS0 (or with
// a 512-byte buffer) is truncated and the client must retry over TCP.
var bigTXT = strings.Repeat("a", 255) + strings.Repeat("b", 255) + strings.Repeat("c", 100)

var resolverZone = `
$ORIGIN example.com.
@            300 IN SOA ns.example.com. hostmaster.example.com. 1 7200 3600 86400 60
@            IN TXT "v=spf1 include:_spf.example.net -all"
@            IN MX 10 mx1
@            IN MX 20 mx2.example.net.
mx1          IN A 192.0.2.10
mx1          IN AAAA 2001:db8::10
multi        IN TXT "first part " "second part"
two          IN TXT "one"
two          IN TXT "two"
big          IN TXT "` + bigTXT[:255] + `" "` + bigTXT[255:510] + `" "` + bigTXT[510:] + `"
alias        IN CNAME hop.example.com.
hop          IN CNAME target.example.com.
target       IN TXT "at the end of the chain"
dangling     IN CNAME missing.example.com.
loop1        IN CNAME loop2.example.com.
loop2        IN CNAME loop1.example.com.
a.b.c        IN TXT "deep"
*.wild       IN TXT "wildcard"
broken       IN TXT "x"
slow         IN TXT "x"
refused      IN TXT "x"
xn--bcher-kva IN TXT "idn"
escaped      IN TXT "quote\" backslash\\ nul\000 utf8\226\128\147"
`

type resolverCase struct {
	name     string
	qname    string
	qtype    dnsrec.Type
	values   []string // joined TXT values, or Data
	strings  [][]string
	cnames   []string
	nx       bool
	errIs    error
	negTTL   uint32 // when nonzero, the answer's TTL
	maxQuery time.Duration
}

var resolverCases = []resolverCase{
	{name: "txt", qname: "example.com", qtype: dnsrec.TypeTXT, values: []string{"v=spf1 include:_spf.example.net -all"}},
	{name: "case insensitive", qname: "EXAMPLE.Com.", qtype: dnsrec.TypeTXT, values: []string{"v=spf1 include:_spf.example.net -all"}},
	{name: "multi-string TXT kept apart", qname: "multi.example.com", qtype: dnsrec.TypeTXT,
		strings: [][]string{{"first part ", "second part"}}},
	{name: "two TXT records", qname: "two.example.com", qtype: dnsrec.TypeTXT, values: []string{"one", "two"}},
	{name: "TXT over 512 bytes", qname: "big.example.com", qtype: dnsrec.TypeTXT, values: []string{bigTXT}},
	{name: "escapes", qname: "escaped.example.com", qtype: dnsrec.TypeTXT, values: []string{"quote\" backslash\\ nul\x00 utf8\u2013"}},
	{name: "MX", qname: "example.com", qtype: dnsrec.TypeMX, values: []string{"10 mx1.example.com.", "20 mx2.example.net."}},
	{name: "A", qname: "mx1.example.com", qtype: dnsrec.TypeA, values: []string{"192.0.2.10"}},
	{name: "AAAA", qname: "mx1.example.com", qtype: dnsrec.TypeAAAA, values: []string{"2001:db8::10"}},
	{name: "NODATA", qname: "mx1.example.com", qtype: dnsrec.TypeTXT, negTTL: 60},
	{name: "NXDOMAIN", qname: "nope.example.com", qtype: dnsrec.TypeTXT, nx: true, negTTL: 60},
	{name: "empty non-terminal is NODATA", qname: "b.c.example.com", qtype: dnsrec.TypeTXT},
	{name: "CNAME chain", qname: "alias.example.com", qtype: dnsrec.TypeTXT,
		cnames: []string{"hop.example.com.", "target.example.com."}, values: []string{"at the end of the chain"}},
	{name: "CNAME asked for", qname: "alias.example.com", qtype: dnsrec.TypeCNAME, values: []string{"hop.example.com."}},
	{name: "dangling CNAME", qname: "dangling.example.com", qtype: dnsrec.TypeTXT, cnames: []string{"missing.example.com."}, nx: true},
	{name: "CNAME loop", qname: "loop1.example.com", qtype: dnsrec.TypeTXT, errIs: dnsrec.ErrTemporary},
	{name: "wildcard", qname: "anything.wild.example.com", qtype: dnsrec.TypeTXT, values: []string{"wildcard"}},
	{name: "IDN", qname: "bücher.example.com", qtype: dnsrec.TypeTXT, values: []string{"idn"}},
	{name: "SERVFAIL", qname: "broken.example.com", qtype: dnsrec.TypeTXT, errIs: dnsrec.ErrServFail},
	{name: "REFUSED", qname: "refused.example.com", qtype: dnsrec.TypeTXT, errIs: dnsrec.ErrRefused},
	{name: "timeout", qname: "slow.example.com", qtype: dnsrec.TypeTXT, errIs: dnsrec.ErrTimeout, maxQuery: 3 * time.Second},
	{name: "label too long", qname: strings.Repeat("x", 64) + ".example.com", qtype: dnsrec.TypeTXT, errIs: dnsrec.ErrInvalidName},
}

func newResolverZone(t testing.TB) *dnstest.Zone {
	t.Helper()
	z, err := dnstest.NewZone(resolverZone)
	if err != nil {
		t.Fatal(err)
	}
	z.Fail("broken.example.com", dnsrec.TypeTXT, dnsrec.ErrServFail)
	z.Fail("refused.example.com", "", dnsrec.ErrRefused)
	z.Fail("slow.example.com", dnsrec.TypeTXT, dnsrec.ErrTimeout)
	return z
}

// TestResolvers runs one table against the in-memory zone, the real client
// talking to the loopback server (with a 512-byte EDNS0 buffer, forcing TCP
// for large answers), and a cache in front of the client.
func TestResolvers(t *testing.T) {
	z := newResolverZone(t)
	srv, err := dnstest.Serve(z)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	client := srv.Client()
	client.UDPSize = 512
	resolvers := map[string]dnsrec.Resolver{
		"zone":   z,
		"client": client,
		"cache":  &dnsrec.Cache{Resolver: srv.Client()},
	}
	for rname, r := range resolvers {
		for _, tc := range resolverCases {
			t.Run(rname+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				start := time.Now()
				a, err := r.Lookup(ctx, tc.qname, tc.qtype)
				if tc.maxQuery > 0 && time.Since(start) > tc.maxQuery {
					t.Errorf("took %v, want at most %v", time.Since(start), tc.maxQuery)
				}
				if tc.errIs != nil {
					if !errors.Is(err, tc.errIs) {
						t.Fatalf("err = %v, want %v", err, tc.errIs)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				checkAnswer(t, a, tc)
			})
		}
	}
}

func checkAnswer(t *testing.T, a *dnsrec.Answer, tc resolverCase) {
	t.Helper()
	if a.NXDomain != tc.nx {
		t.Errorf("NXDomain = %v, want %v", a.NXDomain, tc.nx)
	}
	if got, want := strings.Join(a.CNAMEs, " "), strings.Join(tc.cnames, " "); got != want {
		t.Errorf("CNAMEs = %q, want %q", got, want)
	}
	if tc.values != nil || tc.strings == nil {
		var got []string
		for _, r := range a.Records {
			got = append(got, r.Value())
		}
		if strings.Join(got, "|") != strings.Join(tc.values, "|") {
			t.Errorf("values = %q, want %q", got, tc.values)
		}
	}
	if tc.strings != nil {
		got := a.TXT()
		if len(got) != len(tc.strings) {
			t.Fatalf("TXT = %q, want %q", got, tc.strings)
		}
		for i := range got {
			if strings.Join(got[i], "|") != strings.Join(tc.strings[i], "|") {
				t.Errorf("TXT[%d] = %q, want %q", i, got[i], tc.strings[i])
			}
		}
	}
	if tc.negTTL != 0 && a.TTL != tc.negTTL {
		t.Errorf("TTL = %d, want %d", a.TTL, tc.negTTL)
	}
	if a.Void() != (len(tc.values) == 0 && len(tc.strings) == 0) {
		t.Errorf("Void = %v with %d records", a.Void(), len(a.Records))
	}
}

// TestClientTCPFallback proves the large answer came over TCP: the server
// saw the same question once over UDP (truncated) and once over TCP.
func TestClientTCPFallback(t *testing.T) {
	z := newResolverZone(t)
	srv, err := serve(t, z)
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Client()
	c.UDPSize = 512
	a, err := c.Lookup(context.Background(), "big.example.com", dnsrec.TypeTXT)
	if err != nil || a.Records[0].Value() != bigTXT {
		t.Fatalf("%v %v", a, err)
	}
	if udp, tcp := srv.Served(); udp != 1 || tcp != 1 {
		t.Errorf("served %d over UDP and %d over TCP; want 1 and 1", udp, tcp)
	}
	a, err = c.Lookup(context.Background(), "example.com", dnsrec.TypeTXT)
	if err != nil || len(a.Records) != 1 {
		t.Fatal(a, err)
	}
	if udp, tcp := srv.Served(); udp != 2 || tcp != 1 {
		t.Errorf("a small answer: served %d over UDP and %d over TCP; want 2 and 1", udp, tcp)
	}
}

func TestClientTimeoutBoundedByContext(t *testing.T) {
	z := newResolverZone(t)
	srv, err := dnstest.Serve(z)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// A long per-exchange timeout: only ctx can end the lookup early.
	c := &dnsrec.Client{Servers: []string{srv.Addr}, Timeout: time.Minute, Attempts: 5}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.Lookup(ctx, "slow.example.com", dnsrec.TypeTXT)
	if !errors.Is(err, dnsrec.ErrTimeout) || !errors.Is(err, dnsrec.ErrTemporary) {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v does not wrap the context's error", err)
	}
	var de *dnsrec.Error
	if !errors.As(err, &de) || de.Server != srv.Addr || !de.Temporary() {
		t.Errorf("err = %#v, want a temporary *dnsrec.Error naming the server", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("lookup took %v after a 200ms deadline", d)
	}
}

func TestClientFallsBackToNextServer(t *testing.T) {
	good := newResolverZone(t)
	bad := newResolverZone(t)
	bad.Fail("example.com", "", dnsrec.ErrServFail)
	s1, err := dnstest.Serve(bad)
	if err != nil {
		t.Fatal(err)
	}
	defer s1.Close()
	s2, err := dnstest.Serve(good)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	c := &dnsrec.Client{Servers: []string{s1.Addr, s2.Addr}, Timeout: time.Second}
	a, err := c.Lookup(context.Background(), "example.com", dnsrec.TypeTXT)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Records) != 1 {
		t.Errorf("got %d records, want 1", len(a.Records))
	}
	if len(bad.Queries()) != 1 || len(good.Queries()) != 1 {
		t.Errorf("queries: bad server %d, good server %d; want 1 each", len(bad.Queries()), len(good.Queries()))
	}
}

func TestZoneQueryLogAndRemove(t *testing.T) {
	z := newResolverZone(t)
	ctx := context.Background()
	if _, err := z.Lookup(ctx, "Example.COM", dnsrec.TypeMX); err != nil {
		t.Fatal(err)
	}
	z.Remove("two.example.com.", dnsrec.TypeTXT)
	a, err := z.Lookup(ctx, "two.example.com", dnsrec.TypeTXT)
	if err != nil {
		t.Fatal(err)
	}
	if !a.NXDomain {
		t.Errorf("after Remove, two.example.com exists: %+v", a)
	}
	got := z.Queries()
	want := []dnstest.Query{{Name: "example.com.", Type: "MX"}, {Name: "two.example.com.", Type: "TXT"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Queries = %v, want %v", got, want)
	}
	z.ResetQueries()
	if n := len(z.Queries()); n != 0 {
		t.Errorf("after ResetQueries, %d queries", n)
	}
	ctx2, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := z.Lookup(ctx2, "example.com", dnsrec.TypeTXT); !errors.Is(err, context.Canceled) || !errors.Is(err, dnsrec.ErrTemporary) {
		t.Errorf("cancelled ctx: err = %v", err)
	}
}

func TestAnswerHelpers(t *testing.T) {
	z := newResolverZone(t)
	ctx := context.Background()
	a, err := z.Lookup(ctx, "example.com", dnsrec.TypeMX)
	if err != nil {
		t.Fatal(err)
	}
	mx := a.MX()
	if len(mx) != 2 || mx[0] != (dnsrec.MX{Preference: 10, Host: "mx1.example.com."}) || mx[1].Host != "mx2.example.net." {
		t.Errorf("MX = %+v", mx)
	}
	a, err = z.Lookup(ctx, "mx1.example.com", dnsrec.TypeAAAA)
	if err != nil {
		t.Fatal(err)
	}
	if ips := a.Addrs(); len(ips) != 1 || ips[0].String() != "2001:db8::10" {
		t.Errorf("Addrs = %v", ips)
	}
	a, err = z.Lookup(ctx, "alias.example.com", dnsrec.TypeTXT)
	if err != nil {
		t.Fatal(err)
	}
	if a.Canonical() != "target.example.com." {
		t.Errorf("Canonical = %q", a.Canonical())
	}
}

func serve(t testing.TB, z *dnstest.Zone) (*dnstest.Server, error) {
	srv, err := dnstest.Serve(z)
	if err == nil {
		t.Cleanup(func() { srv.Close() })
	}
	return srv, err
}
