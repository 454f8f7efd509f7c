package spf_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/spf"
)

// outcome is everything a caller can see of a result, errors as text.
type outcome struct {
	Status                              spf.Status
	Err                                 string
	Explanation, Record                 string
	Term, TermDomain                    string
	Via                                 []string
	Lookups, VoidLookups, QueriesNeeded int
	Trace                               []spf.Step
}

func outcomeOf(r *spf.Result) outcome {
	o := outcome{Status: r.Status, Explanation: r.Explanation, Record: r.Record, Term: r.Term, TermDomain: r.TermDomain,
		Via: r.Via, Lookups: r.Lookups, VoidLookups: r.VoidLookups, QueriesNeeded: r.QueriesNeeded, Trace: r.Trace.Steps()}
	if r.Err != nil {
		o.Err = r.Err.Error()
	}
	return o
}

// compareModes checks one question in both modes and reports a difference.
func compareModes(t *testing.T, r dnsrec.Resolver, ip netip.Addr, mailFrom, helo string) {
	t.Helper()
	now := func() time.Time { return time.Unix(1_700_000_000, 0) }
	seq := &spf.Checker{Resolver: r, Sequential: true, Now: now}
	con := &spf.Checker{Resolver: r, Now: now}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	want := outcomeOf(seq.CheckMailFrom(ctx, ip, mailFrom, helo))
	got := outcomeOf(con.CheckMailFrom(ctx, ip, mailFrom, helo))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s from %s: concurrent differs from sequential\nconcurrent: %+v\nsequential: %+v", mailFrom, ip, got, want)
	}
	// Without a trace, everything else is the same.
	quiet := outcomeOf((&spf.Checker{Resolver: r, NoTrace: true, Now: now}).CheckMailFrom(ctx, ip, mailFrom, helo))
	if len(quiet.Trace) != 0 {
		t.Errorf("NoTrace kept %d steps", len(quiet.Trace))
	}
	quiet.Trace = want.Trace
	if !reflect.DeepEqual(quiet, want) {
		t.Errorf("%s from %s: NoTrace changed the result\nno trace: %+v\nsequential: %+v", mailFrom, ip, quiet, want)
	}
}

// TestConcurrentMatchesSequentialSuite runs every case of the RFC 7208
// suite in both modes, in memory, behind a slow resolver and over loopback
// DNS, and requires identical results, explanations, traces, lookup counts
// and errors. In memory the default check fetches nothing ahead; the other
// two fetch ahead from the first record on.
func TestConcurrentMatchesSequentialSuite(t *testing.T) {
	docs := loadSuite(t)
	for _, via := range []string{"zone", "slow", "loopback"} {
		t.Run(via, func(t *testing.T) {
			n := 0
			eachSuiteCase(t, docs, via, func(r dnsrec.Resolver, full string, tc suiteTest) {
				n++
				if via == "slow" {
					r = &jitter{z: r.(*dnstest.Zone), rnd: rand.New(rand.NewPCG(1, uint64(n)))}
				}
				t.Run(full, func(t *testing.T) {
					compareModes(t, r, netip.MustParseAddr(tc.Host), tc.MailFrom, tc.Helo)
				})
			})
			if n != 203 {
				t.Errorf("compared %d cases, want 203", n)
			}
		})
	}
}

// jitter answers from a zone after a random pause of 50 to 250 µs, so that
// prefetched answers arrive in varying orders. The pause is longer than the
// check's threshold for fetching ahead, so that a check through it always
// fetches ahead from its first record on, and it does not say it answers
// from memory.
type jitter struct {
	z   *dnstest.Zone
	mu  sync.Mutex
	rnd *rand.Rand
}

func (j *jitter) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	j.mu.Lock()
	d := time.Duration(50+j.rnd.IntN(200)) * time.Microsecond
	j.mu.Unlock()
	time.Sleep(d)
	return j.z.Lookup(ctx, name, t)
}

// randomZone builds a zone of up to eight domains d0..d7.example whose SPF
// records use every kind of term, pointing at one another (loops
// included), with addresses, mail exchanges, explanations, missing records,
// duplicate records and timeouts, all chosen by data.
func randomZone(data []byte) string {
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := int(data[0])
		data = data[1:]
		return b
	}
	dom := func() string { return fmt.Sprintf("d%d.example", next()%8) }
	var z strings.Builder
	for i := 0; i < 8; i++ {
		name := fmt.Sprintf("d%d.example.", i)
		switch next() % 8 {
		case 0: // no record
		case 1:
			fmt.Fprintf(&z, "%s IN TXT \"v=spf1 -all\"\n%s IN TXT \"v=spf1 +all\"\n", name, name)
		default:
			var terms []string
			for n := next() % 7; n >= 0; n-- {
				q := []string{"", "-", "~", "?", "+"}[next()%5]
				switch next() % 12 {
				case 0:
					terms = append(terms, q+"include:"+dom())
				case 1:
					terms = append(terms, q+"a")
				case 2:
					terms = append(terms, q+"a:"+dom()+"/24")
				case 3:
					terms = append(terms, q+"mx")
				case 4:
					terms = append(terms, q+"mx:"+dom())
				case 5:
					terms = append(terms, q+"exists:"+dom())
				case 6:
					terms = append(terms, fmt.Sprintf("%sip4:192.0.2.%d/30", q, next()%8*4))
				case 7:
					terms = append(terms, q+"ip6:2001:db8::/64")
				case 8:
					terms = append(terms, "exists:%{i}."+dom())
				case 9:
					terms = append(terms, q+"include:%{d1r}."+dom())
				case 10:
					terms = append(terms, q+"ptr")
				case 11:
					terms = append(terms, "include:nx.example")
				}
			}
			switch next() % 4 {
			case 0:
				terms = append(terms, "redirect="+dom())
			case 1:
				terms = append(terms, []string{"-all", "~all", "?all"}[next()%3])
			case 2:
				terms = append(terms, "exp=exp."+dom())
			}
			fmt.Fprintf(&z, "%s IN TXT \"v=spf1 %s\"\n", name, strings.Join(terms, " "))
		}
		switch next() % 4 {
		case 0:
			fmt.Fprintf(&z, "%s IN A 192.0.2.%d\n%s IN AAAA 2001:db8::%d\n", name, next()%8, name, next()%8)
		case 1:
			fmt.Fprintf(&z, "%s IN MX 10 mx.%s\nmx.%s IN A 192.0.2.%d\n", name, name, name, next()%8)
		case 2:
			fmt.Fprintf(&z, "exp.%s IN TXT \"%%{i} is not welcome at %%{d}\"\n", name)
		}
	}
	return z.String()
}

// randomTimeouts makes some questions of the zone time out, chosen by data.
func randomTimeouts(z *dnstest.Zone, data []byte) {
	for i, b := range data {
		if i >= 4 {
			break
		}
		if b%5 == 0 {
			z.Fail(fmt.Sprintf("d%d.example", b%8), []dnsrec.Type{dnsrec.TypeTXT, dnsrec.TypeA, dnsrec.TypeMX}[int(b)%3], dnsrec.ErrTimeout)
		}
	}
}

var senders = []string{"192.0.2.1", "192.0.2.5", "198.51.100.7", "2001:db8::1", "2001:db8::7"}

func checkRandomZone(t *testing.T, data []byte, seed uint64) {
	z, err := dnstest.NewZone(randomZone(data))
	if err != nil {
		t.Skip("generated zone does not load:", err) // cannot happen with the generator above
	}
	randomTimeouts(z, data)
	r := &jitter{z: z, rnd: rand.New(rand.NewPCG(seed, seed))}
	for i, ip := range senders {
		compareModes(t, r, netip.MustParseAddr(ip), fmt.Sprintf("user@d%d.example", i%8), "helo.example")
	}
}

// TestConcurrentMatchesSequentialRandom compares both modes on 300
// generated zones.
func TestConcurrentMatchesSequentialRandom(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 9))
	for i := 0; i < 300; i++ {
		data := make([]byte, 96)
		for j := range data {
			data[j] = byte(rnd.UintN(256))
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) { checkRandomZone(t, data, uint64(i)) })
	}
}

func FuzzConcurrentMatchesSequential(f *testing.F) {
	f.Add([]byte{2, 0, 3, 1, 0, 2, 4, 3, 5, 1, 9, 8, 7})
	f.Add([]byte{7, 6, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRandomZone(t, data, uint64(len(data)))
	})
}

// counting is a resolver that records how many questions it was asked and
// how many were in flight at once, answering each after delay.
type counting struct {
	r         dnsrec.Resolver
	delay     time.Duration
	total     atomic.Int64
	inFlight  atomic.Int64
	maxFlight atomic.Int64
}

func (c *counting) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	c.total.Add(1)
	n := c.inFlight.Add(1)
	defer c.inFlight.Add(-1)
	for {
		m := c.maxFlight.Load()
		if n <= m || c.maxFlight.CompareAndSwap(m, n) {
			break
		}
	}
	select {
	case <-time.After(c.delay):
	case <-ctx.Done():
		return nil, &dnsrec.Error{Name: name, Type: t, Err: dnsrec.ErrTimeout}
	}
	return c.r.Lookup(ctx, name, t)
}

// TestPrefetchBoundedOnHostileZone: a record with 300 includes, each of
// which includes 300 more and loops back, with mx terms whose hosts number
// in the hundreds, behind a slow server. The concurrent check may not ask
// more questions than the 10-lookup budget allows (10 terms, each an mx
// with at most 10 hosts: 1 + 10 × 11), nor have more than 11 in flight
// (10 prefetched plus the evaluation's own), and gives the sequential
// result.
func TestPrefetchBoundedOnHostileZone(t *testing.T) {
	var z strings.Builder
	var root []string
	for i := 0; i < 300; i++ {
		root = append(root, fmt.Sprintf("include:i%d.hostile.example", i))
		var inner []string
		for j := 0; j < 300; j++ {
			inner = append(inner, fmt.Sprintf("include:i%d.hostile.example", j), fmt.Sprintf("mx:m%d.hostile.example", j))
		}
		fmt.Fprintf(&z, "i%d.hostile.example. IN TXT \"v=spf1 mx:m%d.hostile.example %s -all\"\n", i, i, strings.Join(inner[:40], " "))
		for h := 0; h < 10; h++ {
			fmt.Fprintf(&z, "m%d.hostile.example. IN MX %d h%d.m%d.hostile.example.\n", i, h, h, i)
		}
	}
	fmt.Fprintf(&z, "hostile.example. IN TXT \"v=spf1 %s -all\"\n", strings.Join(root, " "))
	zone := dnstest.MustZone(z.String())
	ip := netip.MustParseAddr("203.0.113.1")

	seqR := &counting{r: zone, delay: 2 * time.Millisecond}
	seq := (&spf.Checker{Resolver: seqR, Sequential: true}).CheckMailFrom(context.Background(), ip, "a@hostile.example", "h")
	conR := &counting{r: zone, delay: 2 * time.Millisecond}
	con := (&spf.Checker{Resolver: conR}).CheckMailFrom(context.Background(), ip, "a@hostile.example", "h")
	if !reflect.DeepEqual(outcomeOf(con), outcomeOf(seq)) {
		t.Errorf("results differ:\nconcurrent %+v\nsequential %+v", outcomeOf(con), outcomeOf(seq))
	}
	if seq.Status != spf.StatusPermError {
		t.Errorf("status %s, want permerror (too many lookups)", seq.Status)
	}
	// The check waited for the prefetches it abandoned: the count is final.
	if n := conR.total.Load(); int(n) != con.Queries {
		t.Errorf("the resolver saw %d questions, the result says %d", n, con.Queries)
	}
	const maxTotal = 1 + 10*(1+10)
	if n := conR.total.Load(); n > maxTotal {
		t.Errorf("the concurrent check asked %d questions, more than the budget's %d", n, maxTotal)
	}
	if n := conR.maxFlight.Load(); n > 11 {
		t.Errorf("%d questions in flight at once, more than 11", n)
	}
	t.Logf("sequential: %d questions; concurrent: %d questions, at most %d in flight", seqR.total.Load(), conR.total.Load(), conR.maxFlight.Load())
}
