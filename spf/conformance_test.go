package spf_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/spf"
	"go.yaml.in/yaml/v3"
)

// The RFC 7208 test suite (testdata/rfc7208-tests.yml, from the openspf
// project, with its licence beside it), run in full against the in-memory
// zone and against the loopback DNS server through the real client.
//
// knownFailures lists, by "section/test" name, the cases this
// implementation is known to fail, each with the reason. It is empty: every
// case passes. A case listed here that passes fails the test, so the list
// stays true.
var knownFailures = map[string]string{}

type suiteDoc struct {
	Description string                    `yaml:"description"`
	Tests       map[string]suiteTest      `yaml:"tests"`
	ZoneData    map[string][]suiteZoneRec `yaml:"zonedata"`
}

type suiteTest struct {
	Description string    `yaml:"description"`
	Spec        yaml.Node `yaml:"spec"`
	Helo        string    `yaml:"helo"`
	Host        string    `yaml:"host"`
	MailFrom    string    `yaml:"mailfrom"`
	Result      yaml.Node `yaml:"result"`
	Explanation *string   `yaml:"explanation"`
}

// suiteZoneRec is "TIMEOUT" or a one-entry map from a type to its value.
type suiteZoneRec struct {
	timeout bool
	typ     string
	value   yaml.Node
}

func (r *suiteZoneRec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Value == "TIMEOUT" {
		r.timeout = true
		return nil
	}
	if n.Kind != yaml.MappingNode || len(n.Content) != 2 {
		return fmt.Errorf("line %d: unexpected zone entry", n.Line)
	}
	r.typ, r.value = n.Content[0].Value, *n.Content[1]
	return nil
}

func loadSuite(t *testing.T) []suiteDoc {
	t.Helper()
	f, err := os.Open("testdata/rfc7208-tests.yml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	var docs []suiteDoc
	for {
		var d suiteDoc
		if err := dec.Decode(&d); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	return docs
}

// buildZone turns a document's zonedata into a zone. As the suite asks of
// its drivers, a name with SPF-type records but no TXT records gets the SPF
// records as TXT too. A name marked TIMEOUT fails with timeout for the
// types it has no records of.
func buildZone(t *testing.T, data map[string][]suiteZoneRec, timeout error) *dnstest.Zone {
	t.Helper()
	z := dnstest.MustZone("")
	for name, recs := range data {
		owner := strings.ToLower(name) + "."
		hasTXT, timesOut := false, false
		present := map[string]bool{}
		for _, r := range recs {
			hasTXT = hasTXT || r.typ == "TXT"
			timesOut = timesOut || r.timeout
		}
		var out []dnsrec.Record
		for _, r := range recs {
			if r.timeout {
				continue
			}
			if r.typ == "TXT" && r.value.Value == "NONE" { // "no TXT record here"
				continue
			}
			rec := dnsrec.Record{Name: owner, Type: dnsrec.Type(r.typ), TTL: 300}
			switch r.typ {
			case "TXT", "SPF":
				if r.value.Kind == yaml.SequenceNode {
					for _, s := range r.value.Content {
						rec.Txt = append(rec.Txt, s.Value)
					}
				} else {
					rec.Txt = []string{r.value.Value}
				}
			case "MX":
				rec.Data = r.value.Content[0].Value + " " + dnsrec.TrimDot(r.value.Content[1].Value) + "."
			case "PTR", "CNAME":
				rec.Data = dnsrec.TrimDot(r.value.Value) + "."
			case "A", "AAAA":
				rec.Data = r.value.Value
			default:
				t.Fatalf("%s: unknown type %s", name, r.typ)
			}
			out = append(out, rec)
			present[r.typ] = true
			if r.typ == "SPF" && !hasTXT {
				present["TXT"] = true
				txt := rec
				txt.Type = dnsrec.TypeTXT
				out = append(out, txt)
			}
		}
		// TIMEOUT: questions for the types the name has no records of time
		// out (the suite's "spftimeout" has TXT data and a TIMEOUT).
		if timesOut {
			for _, ty := range []dnsrec.Type{"A", "AAAA", "MX", "PTR", "TXT", "CNAME", "SPF"} {
				if !present[string(ty)] {
					z.Fail(owner, ty, timeout)
				}
			}
		}
		if err := z.AddRecords(out...); err != nil {
			t.Fatalf("zone data for %s: %v", name, err)
		}
	}
	return z
}

// eachSuiteCase calls f for every case of the suite, documents and cases
// in a fixed order, with a resolver answering from the case's zone in
// memory (via "zone") or over loopback DNS through the real client (via
// "loopback"); any other via gets the zone, for the caller to wrap.
func eachSuiteCase(t *testing.T, docs []suiteDoc, via string, f func(r dnsrec.Resolver, full string, tc suiteTest)) {
	t.Helper()
	for _, d := range docs {
		// Over loopback, a question the suite makes time out is answered
		// SERVFAIL at once: the outcome is the same temperror, and the
		// client's timeout can be long enough (10 s) that no legitimate
		// answer on a loaded machine ever races it. The client's own
		// timeouts are tested in dnsrec.
		timeout := dnsrec.ErrTimeout
		if via == "loopback" {
			timeout = dnsrec.ErrServFail
		}
		z := buildZone(t, d.ZoneData, timeout)
		var r dnsrec.Resolver = z
		if via == "loopback" {
			srv, err := dnstest.Serve(z)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			c := srv.Client()
			c.Timeout = 10 * time.Second
			r = c
		}
		names := make([]string, 0, len(d.Tests))
		for name := range d.Tests {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			f(r, d.Description+"/"+name, d.Tests[name])
		}
	}
}

func TestRFC7208Suite(t *testing.T) {
	docs := loadSuite(t)
	for _, via := range []string{"zone", "loopback"} {
		t.Run(via, func(t *testing.T) {
			total, passed := 0, 0
			var failed []string
			eachSuiteCase(t, docs, via, func(r dnsrec.Resolver, full string, tc suiteTest) {
				checker := &spf.Checker{Resolver: r, Receiver: "", Now: func() time.Time { return time.Unix(1_700_000_000, 0) }}
				total++
				if t.Run(full, func(t *testing.T) { runSuiteCase(t, checker, tc, full) }) {
					passed++
				} else {
					failed = append(failed, full)
				}
			})
			t.Logf("rfc7208 via %s: %d passed, %d failed of %d %v", via, passed, total-passed, total, failed)
			fmt.Printf("rfc7208 (%s): %d passed, %d failed\n", via, passed, total-passed)
			if total != 203 {
				t.Errorf("the suite has %d tests; expected 203", total)
			}
		})
	}
}

func runSuiteCase(t *testing.T, c *spf.Checker, tc suiteTest, full string) {
	ip, err := netip.ParseAddr(tc.Host)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	if tc.Result.Kind == yaml.SequenceNode {
		for _, n := range tc.Result.Content {
			want = append(want, n.Value)
		}
	} else {
		want = []string{tc.Result.Value}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res := c.CheckMailFrom(ctx, ip, tc.MailFrom, tc.Helo)
	ok := false
	for _, w := range want {
		ok = ok || string(res.Status) == w
	}
	if reason, known := knownFailures[full]; known {
		if ok {
			t.Errorf("listed as a known failure (%s) but passes: remove it from knownFailures", reason)
		}
		return
	}
	if !ok {
		t.Errorf("result %s, want %v (err: %v)\n%s", res.Status, want, res.Err, res.Explain())
		return
	}
	if tc.Explanation != nil && res.Status == spf.StatusFail {
		want := *tc.Explanation
		if want == "DEFAULT" {
			want = spf.DefaultExplanation(strings.ToLower(res.Domain), res.IP)
		}
		if res.Explanation != want {
			t.Errorf("explanation %q, want %q", res.Explanation, want)
		}
	}
}
