package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
)

func demoChecker(t testing.TB) *domaincheck.Checker {
	return &domaincheck.Checker{Profile: demoProfile(t), Resolver: demo.Zone()}
}

// TestGolden compares every output format for every demo domain with the
// files in testdata/ (go test -update rewrites them).
func TestGolden(t *testing.T) {
	for _, format := range []string{"text", "zone", "nsupdate", "json"} {
		var out, errs bytes.Buffer
		err := run(context.Background(), &out, &errs, demoChecker(t), options{format: format, domains: demoDomains, concurrency: 4})
		if err != errChanges {
			t.Fatalf("-format %s: err = %v, want changes needed\n%s", format, err, errs.String())
		}
		golden.Check(t, "demo."+format, out.String())
	}
	// -summary: the same run's closing summary alone, one screen.
	var out bytes.Buffer
	if err := run(context.Background(), &out, io.Discard, demoChecker(t), options{format: "text", summary: true, domains: demoDomains, concurrency: 4}); err != errChanges {
		t.Fatalf("-summary: err = %v, want changes needed", err)
	}
	golden.Check(t, "demo.summary", out.String())
	if full, err := os.ReadFile(filepath.Join("testdata", "demo.text")); err != nil || !strings.HasSuffix(string(full), out.String()) {
		t.Error("the summary alone differs from the summary that ends the full text")
	}
}

// vendorFinding is the vendor's finding about its server's reverse name
// (not a rule result that names it as its cause).
var vendorFinding = regexp.MustCompile(`"code": "sending-ptr-unconfirmed",\s*"severity"`)

func TestJSONIsOneDocument(t *testing.T) {
	var out bytes.Buffer
	run(context.Background(), &out, io.Discard, demoChecker(t), options{format: "json", domains: []string{"customer.example", "ready.example"}, concurrency: 2})
	var doc struct {
		Domains []struct {
			Domain  string
			Ready   bool
			Summary string
			Areas   []struct{ Name, Status string }
			Plan    struct {
				Changes []struct{ Party, Zone, Relative string }
			}
		}
		Vendor struct {
			Vendor   string
			Blocks   bool
			Findings []struct{ Code string }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || len(doc.Domains) != 2 || len(doc.Domains[0].Areas) != 4 {
		t.Fatalf("JSON: %v\n%s", err, out.String())
	}
	res := doc.Domains
	// The vendor's own set-up is in the document once, not in each report.
	if doc.Vendor.Vendor != "Example CRM" || !doc.Vendor.Blocks || len(doc.Vendor.Findings) == 0 || len(vendorFinding.FindAllString(out.String(), -1)) != 1 {
		t.Errorf("vendor section: %+v", doc.Vendor)
	}
	if res[0].Domain != "customer.example" || res[1].Domain != "ready.example" {
		t.Errorf("the reports are not in the order given: %s, %s", res[0].Domain, res[1].Domain)
	}
	if c := res[0].Plan.Changes[0]; c.Party != "customer" || c.Zone != "customer.example." || c.Relative != "default._domainkey" {
		t.Errorf("change %+v", c)
	}
}

// TestExitStatus runs the program as a user would: offline, through the
// real DNS client against the demo zone on a loopback server.
func TestExitStatus(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "domains.txt")
	os.WriteFile(list, []byte("# customers\nready.example\n\ncustomer.example  # the seed 000 one\n"), 0o644)
	badList := filepath.Join(dir, "bad.txt")
	os.WriteFile(badList, []byte("ready.example\ninfo@customer.example\n"), 0o644)
	badProfile := filepath.Join(dir, "profile.json")
	os.WriteFile(badProfile, []byte(`{"name": "x", "spf": "include:spf.vendor.example", "servers": [{"address": "192.0.2.1", "helo": "h.example"}], "dkim": []}`), 0o644)
	// The demo vendor with its one server whose reverse DNS confirms: its
	// own set-up is fine.
	fineVendor := filepath.Join(dir, "fine.json")
	os.WriteFile(fineVendor, []byte(`{"name": "Example CRM", "spf": "include:spf.vendor.example", "servers": [{"address": "5.255.64.53", "helo": "smtp1.vendor.example"}],
  "dkim": [{"selector": "default", "target": "default._domainkey.vendor.example"}], "dmarc": {"minimum": "none", "goal": "quarantine", "reports": ["dmarc@vendor.example"]}}`), 0o644)
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, []byte("# nothing yet\n\n"), 0o644)
	for _, tc := range []struct {
		args   []string
		stdin  string
		status int
		stdout string
		stderr string
	}{
		// ready, but the vendor's second server's PTR does not confirm: the vendor's problem, told apart
		{[]string{"ready.example"}, "", exitVendor, "Example CRM may send as ready.example: SPF and DKIM pass and align", ""},
		{[]string{"-f", empty}, "", 2, "", "the list holds no domain"},
		{[]string{"-live"}, "", 2, "", "-live needs the domains to check"},
		{[]string{"-server", "192.0.2.53", "ready.example"}, "", 2, "", "-server needs -live"},
		{[]string{"-h"}, "", 0, "usage: domaincheck", ""},
		{[]string{"-format", "json", "--help"}, "", 0, "-format string", ""},
		{[]string{"customer.example"}, "", 1, "may not send as customer.example yet", ""},
		{[]string{"-f", list}, "", 1, "==== customer.example", ""},
		{[]string{"-f", "-"}, "new.example\n", 1, "==== new.example", ""},
		{[]string{"-f", badList}, "", 2, "", `line 2 "info@customer.example" is not a domain`},
		{[]string{"-f", list, "ready.example"}, "", 2, "", "not both"},
		{[]string{"-format", "xml", "ready.example"}, "", 2, "", `-format "xml"`},
		{[]string{"ready.example", "-format", "json"}, "", 2, "", "put flags first"},
		{[]string{"-profile", badProfile}, "", 2, "", "dkim: give at least one selector"},
		{[]string{"-concurrency", "0"}, "", 2, "", "-concurrency"},
		{[]string{"192.0.2.1"}, "", 2, "", "IP address"},
		// Correct SPF, DKIM and DMARC on a zone with the SOA values a common
		// DNS host publishes: ready, exit 0, with its advice printed.
		{[]string{"-profile", fineVendor, "ready.example"}, "", 0, "Advice, none of it blocking: 1 finding and 1 recommended change.", ""},
	} {
		var stdout, stderr bytes.Buffer
		got := realMain(tc.args, strings.NewReader(tc.stdin), &stdout, &stderr)
		if got != tc.status || !strings.Contains(stdout.String(), tc.stdout) || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("domaincheck %v: status %d, stderr %q; want %d, %q, %q in\n%s", tc.args, got, stderr.String(), tc.status, tc.stderr, tc.stdout, stdout.String())
		}
	}
}

func TestWeb(t *testing.T) {
	srv := httptest.NewServer(handler(demoChecker(t), nil))
	defer srv.Close()
	get := func(path string) (int, string, http.Header) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	status, body, _ := get("/")
	if status != 200 || !strings.Contains(body, `<form action="/check"`) {
		t.Errorf("form: %d\n%s", status, body)
	}
	status, body, hdr := get("/check?domain=new.example")
	for _, want := range []string{"Example CRM may not send as new.example yet", "v=spf1 mx include:spf.vendor.example ~all", `data-copy="v=spf1 mx include:spf.vendor.example ~all"`,
		`data-copy="default._domainkey"`, "default._domainkey.vendor.example</code>", "dmarc-staged",
		"Gmail: your DNS does not meet them all yet", "<code>gmail-dmarc-policy</code>", "make step 3 of the customer&#39;s changes (add TXT at _dmarc)"} {
		if !strings.Contains(body, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	// The vendor's own problems are not the customer's: not on the page.
	for _, never := range []string{"sending-ptr-unconfirmed", "mail-out.vendor.example", "vendor.example.</code>", "fcrdns"} {
		if strings.Contains(body, never) {
			t.Errorf("report page shows %q", never)
		}
	}
	// An update reads as "edit from / to" (a row of the step's table
	// each), and the DNS host is named.
	_, body, _ = get("/check?domain=customer.example")
	for _, want := range []string{"Edit the TXT record at <code>@</code>", `<th scope="row">From</th><td><code>v=spf1 include:spf.protection.outlook.example -all</code>`,
		`<th scope="row">To</th><td><code>v=spf1 include:spf.protection.outlook.example include:spf.vendor.example -all</code>`, "Your DNS is hosted at Example CRM"} {
		if !strings.Contains(body, want) {
			t.Errorf("customer.example page lacks %q", want)
		}
	}
	if status != 200 || !strings.Contains(hdr.Get("Content-Security-Policy"), "script-src 'sha256-") {
		t.Errorf("report page: %d, CSP %q", status, hdr.Get("Content-Security-Policy"))
	}
	// Hostile input is refused before any DNS question, and escaped.
	hostile := `<script>alert(1)</script>.example`
	status, body, _ = get("/check?domain=" + url.QueryEscape(hostile))
	if status != 400 || strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;") {
		t.Errorf("hostile domain: %d\n%s", status, body)
	}
	status, body, _ = get("/check?domain=" + strings.Repeat("a", 5000))
	if status != 400 || !strings.Contains(body, "too long") {
		t.Errorf("a 5000-byte domain: %d", status)
	}
	status, body, hdr = get("/api/check?domain=ready.example")
	var rep struct {
		Domain  string
		MaySend bool `json:"may_send"`
		Areas   []struct{ Name, Status string }
	}
	if err := json.Unmarshal([]byte(body), &rep); err != nil || status != 200 || rep.Domain != "ready.example" || !rep.MaySend || len(rep.Areas) != 4 ||
		!strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Errorf("JSON endpoint: %d %v\n%s", status, err, body)
	}
	status, body, _ = get("/api/check?domain=" + url.QueryEscape("info@ready.example"))
	if status != 400 || !strings.Contains(body, `did you mean \"ready.example\"`) {
		t.Errorf("JSON endpoint, an address: %d %s", status, body)
	}
}

// TestBatch10000 checks 10,000 generated customer domains on the loopback
// server through the real client, with a small cache: each distinct
// question is sent once, and memory stays bounded.
func TestBatch10000(t *testing.T) {
	if testing.Short() {
		t.Skip("the 10,000-domain batch takes a few seconds; run without -short")
	}
	const n = 10000
	var zone strings.Builder
	zone.WriteString(demo.ZoneText())
	domains := make([]string, n)
	for i := range n {
		d := fmt.Sprintf("c%05d.example", i)
		domains[i] = d
		switch i % 4 {
		case 0: // ready
			fmt.Fprintf(&zone, "%s. IN TXT \"v=spf1 include:spf.vendor.example -all\"\ndefault._domainkey.%s. IN CNAME default._domainkey.vendor.example.\n_dmarc.%s. IN TXT \"v=DMARC1; p=quarantine; rua=mailto:dmarc@vendor.example\"\n", d, d, d)
		case 1: // hosted at a provider, nothing else
			fmt.Fprintf(&zone, "%s. IN MX 0 x.mail.protection.outlook.example.\n", d)
		case 2: // an existing record without the vendor
			fmt.Fprintf(&zone, "%s. IN TXT \"v=spf1 include:spf.protection.outlook.example -all\"\n", d)
		}
	}
	z := dnstest.MustZone(zone.String())
	// The server answers as authoritative servers do: the customers'
	// CNAMEs into the vendor's zone are answered alone, and the client
	// asks for the vendor's key itself, through the batch's cache.
	srv, err := dnstest.ServeAuthoritative(z)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// A loaded machine may take long to answer: no question times out here
	// (the client's timeouts are dnsrec's tests), so the counts hold.
	client := srv.Client()
	client.Timeout = 10 * time.Second
	counted := &questionCounter{Stepper: client, zone: "vendor.example."}
	c := &domaincheck.Checker{Profile: demoProfile(t), Resolver: counted}
	runtime.GC()
	var before, peak runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	var ready, reports int
	err = c.CheckBatch(context.Background(), domains, domaincheck.BatchOptions{Concurrency: 16, CacheSize: 2000}, func(r *domaincheck.DomainReport) {
		reports++
		if r.Ready {
			ready++
		}
		if reports%1000 == 0 {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak.HeapInuse = max(peak.HeapInuse, m.HeapInuse)
		}
	})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if reports != n {
		t.Fatalf("%d reports, want %d", reports, n)
	}
	if rep := z.Repeated(); len(rep) > 0 {
		t.Errorf("%d questions were sent more than once, such as %v", len(rep), rep[:min(5, len(rep))])
	}
	grown := int64(peak.HeapInuse) - int64(before.HeapInuse)
	// Every question the server answered was counted on its way out.
	if asked, all := counted.counts(); asked != z.Asked() {
		t.Errorf("%d questions counted, the server answered %d", asked, z.Asked())
	} else {
		t.Logf("%.2f questions per domain; %d (%.1f%%) of them for names in the vendor's zone",
			float64(asked)/n, all, 100*float64(all)/float64(asked))
	}
	t.Logf("10,000 domains in %s (%.0f domains/s), %d queries, %d ready; heap in use grew by at most %.1f MB",
		elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), z.Asked(), ready, float64(grown)/1e6)
	// Every fourth domain is ready: the demo vendor's own problem (its
	// second server's PTR) is the vendor's, not theirs.
	if ready != n/4 {
		t.Errorf("%d domains ready, want %d", ready, n/4)
	}
	// The cache holds at most 2,000 answers; what a finished report held
	// is not kept. 64 MB leaves room for the zone's own copies of 10,000
	// domains and 16 checks in flight.
	if grown > 64<<20 {
		t.Errorf("heap grew by %d MB during the batch", grown>>20)
	}
}
