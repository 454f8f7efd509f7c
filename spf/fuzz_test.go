package spf_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/spf"
)

// FuzzParse: whatever parses prints to a record that parses to an equal
// record, and printing is idempotent. Whatever does not parse fails with a
// ParseError whose offset lies inside the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"v=spf1 -all", "v=spf1 include:spf.protection.outlook.com –all", "v=spf1 a/24//64 mx:x.example ?all",
		"v=spf1 ip4:192.0.2.1/24 ip6:2001:db8::/32 ptr exists:%{ir}.%{l1r+-}.%{d} redirect=x.example exp=%{d}",
		"v=spf1 foo=bar%%%_%-", `"v=spf1 -all"`, "v=spf1 a:%{H}.example -all",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := spf.Parse(s)
		if err != nil {
			pe, ok := err.(*spf.ParseError)
			if !ok {
				t.Fatalf("Parse(%q): %T, want *ParseError", s, err)
			}
			if pe.Offset < 0 || pe.Offset > len(s) {
				t.Fatalf("Parse(%q): offset %d outside the input", s, pe.Offset)
			}
			if pe.Suggestion != "" {
				if _, err := spf.Parse(pe.Suggestion); err != nil {
					t.Fatalf("Parse(%q): suggestion %q does not parse: %v", s, pe.Suggestion, err)
				}
			}
			return
		}
		out := r.String()
		r2, err := spf.Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its String %q does not parse: %v", s, out, err)
		}
		if !r2.Equal(r) {
			t.Fatalf("round trip changed the record: %q -> %q", s, out)
		}
		if r2.String() != out {
			t.Fatalf("String not idempotent: %q then %q", out, r2.String())
		}
		_ = spf.Lint(s)
	})
}

// FuzzCheckHost evaluates records from the fuzzer in a small zone that
// includes itself, a loop, a void name and a failing name: the evaluation
// never panics, respects the lookup limits, and never asks one question
// twice.
func FuzzCheckHost(f *testing.F) {
	for _, s := range []string{
		"v=spf1 include:a.fz.example -all", "v=spf1 redirect=root.fz.example", "v=spf1 mx a ptr exists:%{i}.fz.example ~all",
		"v=spf1 include:loop.fz.example", "v=spf1 a:void1.fz.example a:void2.fz.example a:void3.fz.example",
		"v=spf1 -all exp=exp.fz.example", "v=spf1 include:fail.fz.example",
	} {
		f.Add(s, "192.0.2.1")
		f.Add(s, "2001:db8::1")
	}
	f.Fuzz(func(t *testing.T, record, ip string) {
		addr, err := netip.ParseAddr(ip)
		if err != nil || addr.Zone() != "" {
			return
		}
		z := dnstest.MustZone(`
a.fz.example.    IN TXT "v=spf1 a mx include:b.fz.example ?all"
a.fz.example.    IN A 192.0.2.1
a.fz.example.    IN MX 10 a.fz.example.
b.fz.example.    IN TXT "v=spf1 ip6:2001:db8::/64 redirect=a.fz.example"
loop.fz.example. IN TXT "v=spf1 include:loop.fz.example"
exp.fz.example.  IN TXT "%{i} is not %{d}"
1.2.0.192.in-addr.arpa. IN PTR a.fz.example.
`)
		if err := z.AddRecords(dnsrec.Record{Name: "root.fz.example.", Type: dnsrec.TypeTXT, TTL: 60, Txt: dnsrec.SplitTXT(record)}); err != nil {
			return
		}
		z.Fail("fail.fz.example", "", dnsrec.ErrServFail)
		c := &spf.Checker{Resolver: z}
		res := c.CheckMailFrom(context.Background(), addr, "user@root.fz.example", "helo.fz.example")
		switch res.Status {
		case spf.StatusPass, spf.StatusFail, spf.StatusSoftFail, spf.StatusNeutral, spf.StatusNone, spf.StatusTempError, spf.StatusPermError:
		default:
			t.Fatalf("status %q", res.Status)
		}
		if res.Lookups > spf.DefaultMaxLookups+1 {
			t.Fatalf("%d lookups", res.Lookups)
		}
		seen := map[string]bool{}
		for _, q := range z.Queries() {
			k := fmt.Sprint(q)
			if seen[k] {
				t.Fatalf("question %s asked twice for %q", k, record)
			}
			seen[k] = true
		}
		// 10 terms x (1 + 10 MX hosts) + PTR names + records: a hard ceiling.
		if n := len(z.Queries()); n > 150 {
			t.Fatalf("%d questions", n)
		}
		if !strings.Contains(res.Summary(), res.IP.String()) && res.Status != spf.StatusTempError && res.Status != spf.StatusPermError {
			t.Fatalf("summary %q does not name the sender", res.Summary())
		}
		_ = res.Explain()
	})
}

// FuzzCheckHostSender varies the sender a record's macros expand (a
// hostile MAIL FROM puts NULs, dots, backslashes and spaces there) and
// evaluates through the in-memory zone and through the real client on
// loopback: the two give the same result, and a name the zone does not
// hold is never turned into a temporary error.
func FuzzCheckHostSender(f *testing.F) {
	for _, s := range []string{"user", "known", "a.b", `a\`, `a\.b`, "a\x00b", "a b", `"q"`, "%", "", "..", "ä"} {
		f.Add(s)
	}
	z := dnstest.MustZone(`
root.fz.example.     IN TXT "v=spf1 exists:%{l}.e.fz.example include:%{l1r}.i.fz.example a:%{s}.a.fz.example -all"
known.e.fz.example.  IN A   127.0.0.2
user.i.fz.example.   IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
`)
	srv, err := dnstest.Serve(z)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { srv.Close() })
	client := srv.Client()
	ip := netip.MustParseAddr("192.0.2.7")
	f.Fuzz(func(t *testing.T, local string) {
		sender := local + "@root.fz.example"
		memory := (&spf.Checker{Resolver: z}).CheckMailFrom(context.Background(), ip, sender, "helo.fz.example")
		wire := (&spf.Checker{Resolver: client}).CheckMailFrom(context.Background(), ip, sender, "helo.fz.example")
		if memory.Status != wire.Status {
			t.Fatalf("sender %q: %s in memory, %s over the wire (%v / %v)", sender, memory.Status, wire.Status, memory.Err, wire.Err)
		}
		if wire.Status == spf.StatusTempError {
			t.Fatalf("sender %q: temperror: %v", sender, wire.Err)
		}
	})
}

// FuzzEdit: Insert and Merge on arbitrary records return a record that
// parses (and holds the inserted term, and every mechanism of the merged
// records), or an error; inserting twice changes nothing more.
func FuzzEdit(f *testing.F) {
	for _, s := range []string{"v=spf1 include:a.example -all", "v=spf1 mx redirect=r.example", "v=spf1", "v=spf1 a ~all exp=e.example", "v=spf1 –all", "x"} {
		f.Add(s, "v=spf1 ip4:192.0.2.0/24 ?all", "include:spf.vendor.example")
	}
	f.Fuzz(func(t *testing.T, a, b, term string) {
		if ins, err := spf.Insert(a, term); err == nil {
			rec, err := spf.Parse(ins.Proposed)
			if err != nil {
				t.Fatalf("Insert(%q, %q) = %q, which does not parse: %v", a, term, ins.Proposed, err)
			}
			if !strings.Contains(strings.ToLower(rec.String()), strings.ToLower(strings.TrimPrefix(term, "+"))) {
				t.Fatalf("Insert(%q, %q) = %q lacks the term", a, term, ins.Proposed)
			}
			again, err := spf.Insert(ins.Proposed, term)
			if err != nil || again.Changed || again.Proposed != ins.Proposed {
				t.Fatalf("a second Insert changed %q: %+v, %v", ins.Proposed, again, err)
			}
		}
		m, err := spf.Merge(a, b)
		if err != nil {
			return
		}
		if _, err := spf.Parse(m.Proposed); err != nil {
			t.Fatalf("Merge(%q, %q) = %q, which does not parse: %v", a, b, m.Proposed, err)
		}
		swapped, err := spf.Merge(b, a)
		if err != nil || swapped.Proposed != m.Proposed {
			t.Fatalf("Merge depends on the order: %q / %q (%v)", m.Proposed, swapped.Proposed, err)
		}
	})
}
