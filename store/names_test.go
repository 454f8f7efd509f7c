package store

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/feedback"
)

// namesZone holds a source of each kind: a name that resolves back (IPv4
// and IPv6), a PTR whose name resolves elsewhere, no PTR at all, and a
// reverse zone that fails for now.
const namesZone = `
1.2.0.192.in-addr.arpa.        IN PTR mail.customer.example.
mail.customer.example.         IN A   192.0.2.1
7.100.51.198.in-addr.arpa.     IN PTR mta.elsewhere.example.
mta.elsewhere.example.         IN A   198.51.100.99
5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. IN PTR v6.customer.example.
v6.customer.example.           IN AAAA 2001:db8::25
`

// addSources stores one report for day0+d listing the addresses given.
func addSources(t *testing.T, s Store, id string, d int, ips ...string) {
	t.Helper()
	var rows []row
	for _, ip := range ips {
		rows = append(rows, row{ip: ip, count: 3, dkim: true})
	}
	if _, err := s.AddReport(context.Background(), received(t, reportXML("Google", id, "customer.example", day0.AddDate(0, 0, d), rows...))); err != nil {
		t.Fatal(err)
	}
}

// namesOf returns the store's names of ips, by address.
func namesOf(t *testing.T, s Store, ips ...string) map[string]SourceName {
	t.Helper()
	var as []netip.Addr
	for _, ip := range ips {
		as = append(as, netip.MustParseAddr(ip))
	}
	ns, err := s.Names(context.Background(), as)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]SourceName{}
	for _, n := range ns {
		out[n.IP.String()] = n
	}
	return out
}

func TestResolveNames(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		z := dnstest.MustZone(namesZone)
		z.Fail("99.113.0.203.in-addr.arpa.", dnsrec.TypePTR, dnsrec.ErrServFail)
		addSources(t, s, "1", 0, "192.0.2.1", "198.51.100.7", "203.0.113.5", "203.0.113.99", "2001:db8::25")
		t0 := day0.Add(12 * time.Hour)
		res, err := ResolveNames(ctx, s, z, NameOptions{Now: t0})
		if err != nil {
			t.Fatal(err)
		}
		if want := (NamesResult{Looked: 5, Pass: 2, Fail: 1, PermError: 1, TempError: 1}); res != want {
			t.Errorf("first call: %+v, want %+v", res, want)
		}
		got := namesOf(t, s, "192.0.2.1", "198.51.100.7", "203.0.113.5", "203.0.113.99", "2001:db8::25", "192.0.2.200")
		for ip, want := range map[string]SourceName{
			"192.0.2.1":    {Result: NamePass, Name: "mail.customer.example"},
			"2001:db8::25": {Result: NamePass, Name: "v6.customer.example"},
			"198.51.100.7": {Result: NameFail, Reason: "the PTR record names mta.elsewhere.example, which does not resolve back to 198.51.100.7"},
			"203.0.113.5":  {Result: NamePermError, Reason: "5.113.0.203.in-addr.arpa. does not exist (NXDOMAIN)"},
		} {
			n := got[ip]
			if n.Result != want.Result || n.Name != want.Name || n.Reason != want.Reason || !n.At.Equal(t0) {
				t.Errorf("%s: %+v, want %+v at %s", ip, n, want, t0)
			}
		}
		if n := got["203.0.113.99"]; n.Result != NameTempError || n.Name != "" || !strings.Contains(n.Reason, "SERVFAIL") {
			t.Errorf("203.0.113.99: %+v, want a temporary failure", n)
		}
		if _, ok := got["192.0.2.200"]; ok || len(got) != 5 {
			t.Errorf("Names: %d names, one for an address never seen: %v", len(got), got)
		}

		// The evidence names the sources whose name resolves back, and
		// only them.
		e, err := ComputeEvidence(ctx, s, "customer.example", EvidenceOptions{Now: t0})
		if err != nil {
			t.Fatal(err)
		}
		hosts := map[string]string{}
		for _, src := range e.Sources {
			hosts[src.IP.String()] = src.Host
		}
		if hosts["192.0.2.1"] != "mail.customer.example" || hosts["2001:db8::25"] != "v6.customer.example" || hosts["198.51.100.7"] != "" || len(hosts) != 5 {
			t.Errorf("the evidence's hosts: %v", hosts)
		}

		// Nothing is due at once; the temporary failure is due after an
		// hour, and only it.
		z.Fail("99.113.0.203.in-addr.arpa.", dnsrec.TypePTR, nil)
		if err := z.Add("99.113.0.203.in-addr.arpa. IN PTR out.customer.example.\nout.customer.example. IN A 203.0.113.99"); err != nil {
			t.Fatal(err)
		}
		if res, err := ResolveNames(ctx, s, z, NameOptions{Now: t0.Add(30 * time.Minute)}); err != nil || res != (NamesResult{}) {
			t.Errorf("half an hour later: %+v, %v; want nothing looked up", res, err)
		}
		z.ResetQueries()
		if res, err := ResolveNames(ctx, s, z, NameOptions{Now: t0.Add(2 * time.Hour)}); err != nil || res != (NamesResult{Looked: 1, Pass: 1}) {
			t.Errorf("two hours later: %+v, %v; want the temporary failure looked up again", res, err)
		}
		if q := z.Queries(); len(q) != 2 || q[0].Name != "99.113.0.203.in-addr.arpa." {
			t.Errorf("asked %v", q)
		}
		if n := namesOf(t, s, "203.0.113.99")["203.0.113.99"]; n.Result != NamePass || n.Name != "out.customer.example" || n.Reason != "" {
			t.Errorf("203.0.113.99 after the retry: %+v", n)
		}

		// A day later, with names that hold a day, the first four are
		// looked up again: the PTR of 198.51.100.7 now names a host that
		// resolves back.
		if err := z.Add("mta.elsewhere.example. IN A 198.51.100.7"); err != nil {
			t.Fatal(err)
		}
		res, err = ResolveNames(ctx, s, z, NameOptions{Now: t0.Add(25 * time.Hour), MaxAge: 24 * time.Hour})
		if want := (NamesResult{Looked: 4, Pass: 3, PermError: 1}); err != nil || res != want {
			t.Errorf("a day later: %+v, %v; want %+v", res, err, want)
		}
		if n := namesOf(t, s, "198.51.100.7")["198.51.100.7"]; n.Result != NamePass || n.Name != "mta.elsewhere.example" {
			t.Errorf("198.51.100.7 a day later: %+v", n)
		}
		// Sources no report showed within MaxAge are not looked up again.
		if res, err := ResolveNames(ctx, s, z, NameOptions{Now: t0.AddDate(0, 0, 10), MaxAge: 24 * time.Hour}); err != nil || res != (NamesResult{}) {
			t.Errorf("ten days later, with no report since: %+v, %v", res, err)
		}
	})
}

// A source whose PTR fails to resolve back is a hurt source named by its
// address alone; one that resolves back is named, in the text and in the
// field.
func TestEvidenceHurtNamed(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		z := dnstest.MustZone(namesZone)
		fill(t, s, 1, []string{"Google"},
			row{ip: "192.0.2.1", count: 8, spf: true},
			row{ip: "192.0.2.1", count: 2, spfRaw: "customer.example=pass"},
			row{ip: "198.51.100.7", count: 8, dkim: true},
			row{ip: "198.51.100.7", count: 2})
		if _, err := ResolveNames(ctx, s, z, NameOptions{Now: day0}); err != nil {
			t.Fatal(err)
		}
		e, err := ComputeEvidence(ctx, s, "customer.example", EvidenceOptions{Now: day0})
		if err != nil {
			t.Fatal(err)
		}
		want := []Hurt{
			{IP: netip.MustParseAddr("192.0.2.1"), Host: "mail.customer.example", Why: "192.0.2.1, mail.customer.example, SPF not aligned (2 of 10 messages fail DMARC)", Legitimate: true},
			{IP: netip.MustParseAddr("198.51.100.7"), Why: "198.51.100.7, DKIM not aligned (2 of 10 messages fail DMARC)", Legitimate: true},
		}
		if fmt.Sprint(e.Hurt) != fmt.Sprint(want) {
			t.Errorf("Hurt:\n%+v\nwant\n%+v", e.Hurt, want)
		}
	})
}

func TestLookupName(t *testing.T) {
	z := dnstest.MustZone(namesZone + `
; two names, the second resolves back
9.2.0.192.in-addr.arpa.        IN PTR old.customer.example.
9.2.0.192.in-addr.arpa.        IN PTR new.customer.example.
old.customer.example.          IN A   192.0.2.200
new.customer.example.          IN A   192.0.2.9
; classless delegation (RFC 2317): the PTR behind a CNAME
10.2.0.192.in-addr.arpa.       IN CNAME 10.0-25.2.0.192.in-addr.arpa.
10.0-25.2.0.192.in-addr.arpa.  IN PTR cl.customer.example.
cl.customer.example.           IN A   192.0.2.10
; a reverse name that exists without a PTR record
11.2.0.192.in-addr.arpa.       IN TXT "no ptr here"
; a name whose forward look-up fails for now
12.2.0.192.in-addr.arpa.       IN PTR flaky.customer.example.
`)
	z.Fail("flaky.customer.example.", dnsrec.TypeA, dnsrec.ErrServFail)
	var many strings.Builder
	for i := range 11 {
		fmt.Fprintf(&many, "13.2.0.192.in-addr.arpa. IN PTR n%02d.customer.example.\n", i)
	}
	many.WriteString("n10.customer.example. IN A 192.0.2.13\n")
	if err := z.Add(many.String()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ip     string
		result NameResult
		name   string
	}{
		{"192.0.2.1", NamePass, "mail.customer.example"},
		{"::ffff:192.0.2.1", NamePass, "mail.customer.example"},
		{"2001:db8::25", NamePass, "v6.customer.example"},
		{"192.0.2.9", NamePass, "new.customer.example"},
		{"192.0.2.10", NamePass, "cl.customer.example"},
		{"198.51.100.7", NameFail, ""},
		{"203.0.113.5", NamePermError, ""},
		{"192.0.2.11", NamePermError, ""},
		{"192.0.2.12", NameTempError, ""},
		// Only the first ten names are asked about.
		{"192.0.2.13", NameFail, ""},
	} {
		t.Run(tc.ip, func(t *testing.T) {
			n := LookupName(context.Background(), z, netip.MustParseAddr(tc.ip))
			if n.Result != tc.result || n.Name != tc.name {
				t.Errorf("%+v, want %s %q", n, tc.result, tc.name)
			}
			if (n.Reason == "") != (tc.result == NamePass) {
				t.Errorf("reason %q with %s", n.Reason, n.Result)
			}
		})
	}
	if n := LookupName(context.Background(), z, netip.Addr{}); n.Result != NamePermError {
		t.Errorf("the zero address: %+v", n)
	}
	// SPFClassifier's name is the forward-confirmed one too, and its
	// temporary failure an error that says so.
	if _, host, err := SPFClassifier(z)(context.Background(), "customer.example", netip.MustParseAddr("198.51.100.7")); err != nil || host != "" {
		t.Errorf("SPFClassifier of a PTR that does not resolve back: %q, %v", host, err)
	}
	if _, _, err := SPFClassifier(z)(context.Background(), "customer.example", netip.MustParseAddr("192.0.2.12")); !errors.Is(err, dnsrec.ErrTemporary) {
		t.Errorf("SPFClassifier of a SERVFAIL: %v, want ErrTemporary", err)
	}
}

// gate is a resolver that counts the PTR questions in flight and holds
// each until Concurrency of them are, or a moment has passed; one address
// never answers.
type gate struct {
	z       *dnstest.Zone
	hang    string // a reverse name whose question waits for its ctx
	mu      sync.Mutex
	in, max int
	ptrs    []string
	release chan struct{}
	n       int
}

func (g *gate) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	if t == dnsrec.TypePTR {
		if name == g.hang {
			<-ctx.Done()
			return nil, &dnsrec.Error{Name: name, Type: t, Err: fmt.Errorf("%w: %w", dnsrec.ErrTimeout, ctx.Err())}
		}
		g.mu.Lock()
		g.in++
		g.max = max(g.max, g.in)
		g.ptrs = append(g.ptrs, name)
		if g.in == g.n {
			close(g.release)
			g.release = make(chan struct{})
		}
		release := g.release
		g.mu.Unlock()
		select {
		case <-release:
		case <-time.After(20 * time.Millisecond):
		}
		defer func() {
			g.mu.Lock()
			g.in--
			g.mu.Unlock()
		}()
	}
	return g.z.Lookup(ctx, name, t)
}

// Each call looks up at most Max sources, the newest first, at most
// Concurrency at once; one that never answers runs out of its own time
// and fails alone.
func TestResolveNamesBounded(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		var old, recent []string
		for i := range 25 {
			old = append(old, fmt.Sprintf("198.51.100.%d", i+1))
			recent = append(recent, fmt.Sprintf("203.0.113.%d", i+1))
		}
		addSources(t, s, "old", 0, old...)
		addSources(t, s, "recent", 1, recent...)
		g := &gate{z: dnstest.MustZone(namesZone), hang: "1.113.0.203.in-addr.arpa.", release: make(chan struct{}), n: 3}
		o := NameOptions{Now: day0.AddDate(0, 0, 2), Max: 20, Concurrency: 3, Timeout: time.Second}
		res, err := ResolveNames(ctx, s, g, o)
		if err != nil {
			t.Fatal(err)
		}
		if res.Looked != 20 || res.TempError != 1 || res.PermError != 19 {
			t.Errorf("first call: %+v", res)
		}
		if g.max > 3 || g.max < 1 {
			t.Errorf("%d look-ups at once, bound 3", g.max)
		}
		for _, name := range g.ptrs {
			if !strings.HasSuffix(name, ".113.0.203.in-addr.arpa.") {
				t.Errorf("%s asked before the recent sources were done", name)
			}
		}
		if n := namesOf(t, s, "203.0.113.1")["203.0.113.1"]; n.Result != NameTempError || !strings.Contains(n.Reason, "timeout") {
			t.Errorf("the source that never answers: %+v", n)
		}
		total := res.Looked
		for range 3 {
			res, err := ResolveNames(ctx, s, g, o)
			if err != nil {
				t.Fatal(err)
			}
			if res.Looked > 20 {
				t.Errorf("a call looked up %d sources, bound 20", res.Looked)
			}
			total += res.Looked
		}
		if total != 50 {
			t.Errorf("%d sources looked up in four calls, want 50, each once", total)
		}
	})
}

// Two processes resolving at once never claim one source twice; the
// sources of one that dies are due again when its lease ends.
func TestClaimNamesLeases(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		var ips []string
		for i := range 40 {
			ips = append(ips, fmt.Sprintf("192.0.2.%d", i+1))
		}
		addSources(t, s, "1", 0, ips...)
		other, err := Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		o := NameOptions{Now: day0, Max: 15}
		var mu sync.Mutex
		seen := map[netip.Addr]int{}
		var wg sync.WaitGroup
		for _, st := range []Store{s, other, s, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := st.ClaimNames(ctx, o)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				for _, ip := range got {
					seen[ip]++
				}
			}()
		}
		wg.Wait()
		if len(seen) != 40 {
			t.Errorf("%d sources claimed, want 40", len(seen))
		}
		for ip, n := range seen {
			if n != 1 {
				t.Errorf("%s claimed %d times", ip, n)
			}
		}
		// Nobody set them: leased, they are not due; after the lease,
		// they are.
		if got, err := s.ClaimNames(ctx, NameOptions{Now: day0.Add(time.Minute)}); err != nil || len(got) != 0 {
			t.Errorf("under lease: claimed %d, %v", len(got), err)
		}
		if got, err := s.ClaimNames(ctx, NameOptions{Now: day0.Add(o.defaults().lease() + time.Second)}); err != nil || len(got) != 40 {
			t.Errorf("after the lease: claimed %d, %v; want 40", len(got), err)
		}
	})
}

// Over a real DNS exchange: the client, its cache and the loopback
// server, with a SERVFAIL on the wire.
func TestResolveNamesLoopback(t *testing.T) {
	z := dnstest.MustZone(namesZone)
	z.Fail("5.113.0.203.in-addr.arpa.", dnsrec.TypePTR, dnsrec.ErrServFail)
	srv, err := dnstest.Serve(z)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := srv.Client()
	c.Timeout, c.Attempts = 5*time.Second, 2 // a loaded machine answers late, never wrongly
	defer c.Close()
	r := &dnsrec.Cache{Resolver: c}
	each(t, func(t *testing.T, dsn string, s Store) {
		addSources(t, s, "1", 0, "192.0.2.1", "198.51.100.7", "203.0.113.5", "2001:db8::25")
		res, err := ResolveNames(context.Background(), s, r, NameOptions{Now: day0})
		if want := (NamesResult{Looked: 4, Pass: 2, Fail: 1, TempError: 1}); err != nil || res != want {
			t.Errorf("%+v, %v; want %+v", res, err, want)
		}
		if n := namesOf(t, s, "192.0.2.1")["192.0.2.1"]; n.Name != "mail.customer.example" {
			t.Errorf("192.0.2.1: %+v", n)
		}
	})
}

// A store written before reverse names were kept gets its sources listed
// when opened, due to be looked up; retention deletes the names of
// sources no longer seen with their days; a cancelled call records
// nothing.
func TestNamesUpgradePruneCancel(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		addSources(t, s, "1", 0, "192.0.2.1")
		addSources(t, s, "2", 40, "198.51.100.7")
		// The store as it was before the migration of reverse names,
		// which is then applied.
		db := s.(*sqlStore)
		ms, err := loadMigrations(db.dialect)
		if err != nil {
			t.Fatal(err)
		}
		var m *migration
		for i := range ms {
			if strings.HasSuffix(ms[i].name, "_names.sql") {
				m = &ms[i]
			}
		}
		if m == nil {
			t.Fatal("no migration *_names.sql")
		}
		for _, q := range []string{`DROP TABLE source_names`, `DROP TABLE source_names_scan`, m.sql} {
			if _, err := db.db.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		s2 := openAgain(t, dsn) // another process's pool of connections
		got := namesOf(t, s2, "192.0.2.1", "198.51.100.7")
		if len(got) != 2 || got["192.0.2.1"].Result != "" || !got["192.0.2.1"].At.IsZero() {
			t.Errorf("after the upgrade: %+v", got)
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := ResolveNames(cancelled, s2, dnstest.MustZone(namesZone), NameOptions{Now: day0}); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled: %v", err)
		}
		if res, err := ResolveNames(ctx, s2, dnstest.MustZone(namesZone), NameOptions{Now: day0.AddDate(0, 0, 41)}); err != nil || res.Looked != 2 {
			t.Errorf("after the upgrade: %+v, %v; want both looked up", res, err)
		}
		if _, err := s2.Prune(ctx, day0.AddDate(0, 0, 41), Retention{Days: 10 * 24 * time.Hour}); err != nil {
			t.Fatal(err)
		}
		if got := namesOf(t, s2, "192.0.2.1", "198.51.100.7"); len(got) != 1 || got["198.51.100.7"].Result != NameFail {
			t.Errorf("after pruning the days before day 31: %+v", got)
		}
		// The same address twice in one call: the last holds.
		ip := netip.MustParseAddr("198.51.100.7")
		if err := s2.SetNames(ctx, []SourceName{{IP: ip, Result: NameTempError, Reason: "x"}, {IP: ip, Result: NamePass, Name: "b.example"}}); err != nil {
			t.Fatal(err)
		}
		if n := namesOf(t, s2, "198.51.100.7")["198.51.100.7"]; n.Result != NamePass || n.Name != "b.example" || n.Reason != "" {
			t.Errorf("after setting it twice: %+v", n)
		}
		if _, err := ResolveNames(ctx, s2, nil, NameOptions{}); !errors.Is(err, dnsrec.ErrNoResolver) {
			t.Errorf("no resolver: %v", err)
		}
	})
}

// ingestDuring is a resolver that stores a report while it is asked its
// first question.
type ingestDuring struct {
	z    *dnstest.Zone
	add  func() (Outcome, error)
	once sync.Once
	out  Outcome
	err  error
}

func (d *ingestDuring) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	d.once.Do(func() { d.out, d.err = d.add() })
	return d.z.Lookup(ctx, name, t)
}

// DNS is asked outside of any transaction: a report is stored while a
// look-up waits.
func TestResolveNamesIngestsMeanwhile(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		addSources(t, s, "1", 0, "192.0.2.1")
		d := &ingestDuring{z: dnstest.MustZone(namesZone), add: func() (Outcome, error) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return s.AddReport(ctx, received(t, reportXML("Yahoo", "2", "customer.example", day0, row{ip: "198.51.100.7", count: 1})))
		}}
		res, err := ResolveNames(context.Background(), s, d, NameOptions{Now: day0})
		if err != nil || res.Pass != 1 {
			t.Fatalf("%+v, %v", res, err)
		}
		if d.out != Stored || d.err != nil {
			t.Errorf("a report stored during a look-up: %q, %v", d.out, d.err)
		}
		// The report stored meanwhile has its source looked up next.
		if res, err := ResolveNames(context.Background(), s, d, NameOptions{Now: day0}); err != nil || res != (NamesResult{Looked: 1, Fail: 1}) {
			t.Errorf("next call: %+v, %v", res, err)
		}
	})
}

// A temporary failure when a name is looked up again takes no name away.
func TestNamesKeptOnTempError(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		z := dnstest.MustZone(namesZone)
		addSources(t, s, "1", 0, "192.0.2.1", "203.0.113.5")
		o := NameOptions{Now: day0, MaxAge: time.Hour}
		if res, err := ResolveNames(ctx, s, z, o); err != nil || res != (NamesResult{Looked: 2, Pass: 1, PermError: 1}) {
			t.Fatalf("%+v, %v", res, err)
		}
		z.Fail("1.2.0.192.in-addr.arpa.", dnsrec.TypePTR, dnsrec.ErrServFail)
		z.Fail("5.113.0.203.in-addr.arpa.", dnsrec.TypePTR, dnsrec.ErrServFail)
		o.Now = day0.Add(2 * time.Hour)
		if res, err := ResolveNames(ctx, s, z, o); err != nil || res != (NamesResult{Looked: 2, TempError: 2}) {
			t.Fatalf("with SERVFAIL: %+v, %v", res, err)
		}
		got := namesOf(t, s, "192.0.2.1", "203.0.113.5")
		if n := got["192.0.2.1"]; n.Result != NameTempError || n.Name != "mail.customer.example" {
			t.Errorf("192.0.2.1 after a SERVFAIL: %+v, want its name kept", n)
		}
		if n := got["203.0.113.5"]; n.Result != NameTempError || n.Name != "" {
			t.Errorf("203.0.113.5 after a SERVFAIL: %+v", n)
		}
		e, err := ComputeEvidence(ctx, s, "customer.example", EvidenceOptions{Now: o.Now})
		if err != nil {
			t.Fatal(err)
		}
		for _, src := range e.Sources {
			if want := map[string]string{"192.0.2.1": "mail.customer.example"}[src.IP.String()]; src.Host != want {
				t.Errorf("the evidence's host of %s: %q, want %q", src.IP, src.Host, want)
			}
		}
		// DNS is back: an hour later, both are asked again.
		z.Fail("1.2.0.192.in-addr.arpa.", dnsrec.TypePTR, nil)
		z.Fail("5.113.0.203.in-addr.arpa.", dnsrec.TypePTR, nil)
		o.Now = o.Now.Add(time.Hour)
		if res, err := ResolveNames(ctx, s, z, o); err != nil || res != (NamesResult{Looked: 2, Pass: 1, PermError: 1}) {
			t.Errorf("DNS back: %+v, %v", res, err)
		}
	})
}

// The daily sums name each source by its forward-confirmed reverse name
// once the store has one, and by the name given at ingest until then, or
// when the look-up confirmed none; a temporary failure keeps the name.
func TestSumsCarryNames(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		rc := received(t, reportXML("Google", "n1", "customer.example", day0,
			row{ip: "192.0.2.1", count: 3, dkim: true}, row{ip: "192.0.2.2", count: 2}, row{ip: "192.0.2.3", count: 1}))
		rc.Sources = func(domain string, r feedback.ReportRow) (feedback.SourceKind, string) {
			return feedback.SourceVendor, "helo-" + r.SourceIP.String() + ".vendor.example"
		}
		if _, err := s.AddReport(ctx, rc); err != nil {
			t.Fatal(err)
		}
		hosts := func() map[string][2]string {
			t.Helper()
			days, err := s.Days(ctx, "customer.example", day0, day0)
			if err != nil {
				t.Fatal(err)
			}
			totals, err := s.Totals(ctx, "customer.example", day0, day0)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string][2]string{}
			for i := range days {
				out[days[i].IP.String()] = [2]string{days[i].Host, totals[i].Host}
			}
			return out
		}
		want := map[string][2]string{}
		for _, ip := range []string{"192.0.2.1", "192.0.2.2", "192.0.2.3"} {
			h := "helo-" + ip + ".vendor.example"
			want[ip] = [2]string{h, h}
		}
		if got := hosts(); !reflect.DeepEqual(got, want) {
			t.Fatalf("before any look-up: %v, want %v", got, want)
		}
		at := day0.Add(time.Hour)
		if err := s.SetNames(ctx, []SourceName{
			{IP: netip.MustParseAddr("192.0.2.1"), Result: NamePass, Name: "smtp1.vendor.example", At: at},
			{IP: netip.MustParseAddr("192.0.2.2"), Result: NameFail, Reason: "does not resolve back", At: at},
			{IP: netip.MustParseAddr("192.0.2.3"), Result: NamePass, Name: "smtp3.vendor.example", At: at},
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetNames(ctx, []SourceName{{IP: netip.MustParseAddr("192.0.2.3"), Result: NameTempError, Reason: "timeout", At: at.Add(time.Hour)}}); err != nil {
			t.Fatal(err)
		}
		want["192.0.2.1"] = [2]string{"smtp1.vendor.example", "smtp1.vendor.example"}
		want["192.0.2.3"] = [2]string{"smtp3.vendor.example", "smtp3.vendor.example"}
		if got := hosts(); !reflect.DeepEqual(got, want) {
			t.Errorf("after the look-ups: %v, want %v", got, want)
		}
	})
}
