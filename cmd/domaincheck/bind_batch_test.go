package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
)

// TestBINDBatchAsksSharedTargetsOnce: 60 customers whose DKIM selector is
// a CNAME to the vendor's key and whose _dmarc is a CNAME to a hosted DMARC
// service's policy, checked as a batch against a real BIND, authoritative
// and without recursion: BIND answers each CNAME alone (the targets are in
// other zones), and the batch's cache asks each target once, where it used
// to ask once per customer. Each report equals that of the domain checked
// alone.
func TestBINDBatchAsksSharedTargetsOnce(t *testing.T) {
	const n = 60
	zones := map[string]string{"dmarc-host.example.": `$TTL 3600
dmarc-host.example. IN SOA ns.dmarc-host.example. hostmaster.dmarc-host.example. 1 7200 3600 1209600 300
dmarc-host.example. IN NS ns.nameserver.test.
policy.dmarc-host.example. IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@vendor.example"
`}
	domains := make([]string, n)
	for i := range domains {
		d := fmt.Sprintf("bulk%02d.example", i)
		domains[i] = d
		zones[d+"."] = fmt.Sprintf(`$TTL 3600
%[1]s. IN SOA ns.%[1]s. hostmaster.%[1]s. 1 7200 3600 1209600 300
%[1]s. IN NS ns.nameserver.test.
%[1]s. IN TXT "v=spf1 include:spf.vendor.example -all"
default._domainkey.%[1]s. IN CNAME default._domainkey.vendor.example.
_dmarc.%[1]s. IN CNAME policy.dmarc-host.example.
`, d)
	}
	b := startBINDWith(t, zones)
	c := &domaincheck.Checker{Profile: demoProfile(t), Resolver: b.client()}
	ctx := context.Background()
	before := b.asked(t)
	batch := map[string]string{}
	err := c.CheckBatch(ctx, domains, domaincheck.BatchOptions{Concurrency: 8}, func(r *domaincheck.DomainReport) {
		batch[r.Domain] = r.Text()
	})
	if err != nil {
		t.Fatal(err)
	}
	asked := b.asked(t)
	for _, target := range []string{"default._domainkey.vendor.example IN TXT", "policy.dmarc-host.example IN TXT"} {
		if k := asked[target] - before[target]; k != 1 {
			t.Errorf("the batch asked %q %d times, want once", target, k)
		}
	}
	total := 0
	for q, k := range asked {
		total += k - before[q]
	}
	t.Logf("%d domains: %d questions to BIND (%.2f per domain)", n, total, float64(total)/n)
	for _, d := range domains {
		if alone := c.Check(ctx, d).Text(); batch[d] != alone {
			t.Errorf("%s: the batch's report differs from the domain checked alone:\n%s\n---\n%s", d, batch[d], alone)
		}
	}
}

// asked counts the questions in named's log (querylog), per "name class
// type", once named has logged a question asked last.
func (b *bind) asked(t *testing.T) map[string]int {
	t.Helper()
	mark := fmt.Sprintf("mark%d.example", time.Now().UnixNano())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b.client().Lookup(ctx, mark, dnsrec.TypeTXT) // REFUSED or NXDOMAIN: logged all the same
	waitUntil := time.Now().Add(10 * time.Second)
	for !strings.Contains(b.log.String(), "query: "+mark) {
		if time.Now().After(waitUntil) {
			t.Fatal("named did not log the last question")
		}
		time.Sleep(10 * time.Millisecond)
	}
	out := map[string]int{}
	for _, line := range strings.Split(b.log.String(), "\n") {
		_, q, ok := strings.Cut(line, "query: ")
		if !ok {
			continue
		}
		f := strings.Fields(q)
		if len(f) >= 3 && !strings.HasPrefix(f[0], "mark") {
			out[strings.ToLower(f[0])+" "+f[1]+" "+f[2]]++
		}
	}
	return out
}

// syncBuffer is a bytes.Buffer that named's output may be written to while
// a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
