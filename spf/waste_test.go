package spf_test

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/spf"
)

// bigProviderZone has the shape of a large mailbox provider's SPF tree: a
// and mx, then four includes of ten ranges each, the first including two
// more blocks and the second one more (9 DNS-querying terms when the whole
// tree is read).
func bigProviderZone() string {
	var z strings.Builder
	z.WriteString(`big.example. IN TXT "v=spf1 a mx include:_spf1.big.example include:_spf2.big.example include:_spf3.big.example include:_spf4.big.example -all"
big.example. IN A 192.0.2.10
big.example. IN MX 10 mx1.big.example.
big.example. IN MX 20 mx2.big.example.
mx1.big.example. IN A 192.0.2.20
mx2.big.example. IN A 192.0.2.21
`)
	block := func(name string, n int, includes ...string) {
		terms := []string{"v=spf1"}
		for i := range 10 {
			terms = append(terms, fmt.Sprintf("ip4:10.%d.%d.0/24", n, i))
		}
		for _, inc := range includes {
			terms = append(terms, "include:"+inc+".big.example")
		}
		terms = append(terms, "~all")
		fmt.Fprintf(&z, "%s.big.example. IN TXT %q\n", name, strings.Join(terms, " "))
	}
	block("_spf1", 1, "_nb1a", "_nb1b")
	block("_nb1a", 11)
	block("_nb1b", 12)
	block("_spf2", 2, "_nb2a")
	block("_nb2a", 21)
	block("_spf3", 3)
	block("_spf4", 4)
	return z.String()
}

// TestNoQuestionWasted: with answers that take a round trip, the default
// (concurrent) check asks every question the sequential check asks, each
// once, and beyond those only questions it could not know were unneeded
// when it asked them: the records of the includes that follow the one
// that matches, sent in the same round trip as it, and what their
// answers name (MX hosts, nested includes) when they are read before the
// answer that decides: the scheduler orders answers that arrive together,
// so each case's bound allows every order. It asks nothing after a range that holds the sender in
// a record it has read (the blocks after the ranges of _spf1 when the
// sender is in those ranges), nor anything of a record whose earlier
// term is known to match. Result.Queries is the number of questions
// the resolver saw. Counted, not timed.
func TestNoQuestionWasted(t *testing.T) {
	z := dnstest.MustZone(bigProviderZone())
	for _, tc := range []struct {
		ip       string
		status   spf.Status
		maxExtra int
	}{
		{"203.0.113.9", spf.StatusFail, 0}, // the whole tree read: nothing to waste
		{"10.4.3.1", spf.StatusPass, 0},    // in the last include
		{"10.3.3.1", spf.StatusPass, 1},    // in _spf3: _spf4's record
		{"10.21.5.1", spf.StatusPass, 2},   // in _spf2's nested block: _spf3, _spf4
		{"10.2.5.1", spf.StatusPass, 2},    // in _spf2's ranges: _spf3, _spf4 (not _nb2a)
		{"10.12.0.9", spf.StatusPass, 4},   // in _spf1's second nested block: _spf2 to _spf4, and maybe _nb2a
		{"10.1.0.9", spf.StatusPass, 4},    // in _spf1's ranges: not _nb1a nor _nb1b
		{"192.0.2.10", spf.StatusPass, 10}, // the a term: asked with the MX and the four includes, and what their answers name when they are read before the a term's (the MX hosts, the nested includes: the scheduler decides, so up to all of it)
		{"192.0.2.21", spf.StatusPass, 7},  // the second MX host: asked with the three nested includes
		{"2001:db8::1", spf.StatusFail, 0}, // IPv6: the whole tree
	} {
		t.Run(tc.ip, func(t *testing.T) {
			ip := netip.MustParseAddr(tc.ip)
			ctx := context.Background()
			asked := func(sequential bool) (map[string]bool, *spf.Result) {
				r := &recorder{r: z, delay: 2 * time.Millisecond}
				res := (&spf.Checker{Resolver: r, Sequential: sequential}).CheckMailFrom(ctx, ip, "info@big.example", "h.example")
				if len(r.twice) > 0 {
					t.Errorf("sequential=%v: asked more than once: %v", sequential, r.twice)
				}
				if res.Queries != len(r.seen) {
					t.Errorf("sequential=%v: Result.Queries %d, the resolver saw %d", sequential, res.Queries, len(r.seen))
				}
				return r.seen, res
			}
			need, seq := asked(true)
			got, con := asked(false)
			if seq.Status != tc.status || con.Status != tc.status {
				t.Fatalf("status %s sequential, %s concurrent, want %s", seq.Status, con.Status, tc.status)
			}
			for q := range need {
				if !got[q] {
					t.Errorf("the concurrent check did not ask %s, which the sequential one needed", q)
				}
			}
			var extra []string
			for q := range got {
				if !need[q] {
					extra = append(extra, q)
				}
			}
			sort.Strings(extra)
			t.Logf("%d questions needed, %d asked; extra: %v", len(need), len(got), extra)
			if len(extra) > tc.maxExtra {
				t.Errorf("%d questions asked beyond the %d needed, want at most %d: %v", len(extra), len(need), tc.maxExtra, extra)
			}
			if con.QueriesNeeded != len(need) {
				t.Errorf("QueriesNeeded %d, the sequential check asked %d", con.QueriesNeeded, len(need))
			}
		})
	}
}
