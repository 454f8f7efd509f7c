package feedback_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/feedback"
)

func readReport(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "aggregate", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gzipped(t testing.TB, b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func zipped(t testing.TB, name string, b []byte) []byte {
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	f, err := w.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(b)
	w.Close()
	return out.Bytes()
}

// Reports arrive as XML, gzip (RFC 7489, Section 7.2.1.1) or zip, and read
// the same; RFC 9990's namespace reads like RFC 7489's none.
func TestParseAggregateReport(t *testing.T) {
	clean := readReport(t, "clean.xml")
	for name, data := range map[string][]byte{
		"xml":  clean,
		"gzip": gzipped(t, clean),
		"zip":  zipped(t, "receiver.example!customer.example!1763596800!1763683199.xml", clean),
	} {
		rep, err := feedback.ParseAggregateReport(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if rep.Org != "receiver.example" || rep.ReportID != "clean-2026-11-20" || rep.Domain != "customer.example" || rep.Policy != dmarc.PolicyNone ||
			len(rep.Rows) != 3 || rep.Begin.Unix() != 1763596800 {
			t.Errorf("%s: %+v", name, rep)
		}
		r := rep.Rows[1]
		if r.SourceIP != netip.MustParseAddr("198.51.100.7") || r.Count != 40 || !r.Passed() || r.DKIMAligned || len(r.SPF) != 1 {
			t.Errorf("%s: row %+v", name, r)
		}
	}
	rep, err := feedback.ParseAggregateReport(bytes.NewReader(readReport(t, "newsletter.xml")))
	if err != nil || len(rep.Rows) != 2 || rep.Rows[1].SPF[0].Domain != "bounce.newsletter.example" {
		t.Errorf("RFC 9990 report: %+v, %v", rep, err)
	}
}

// A report that expands past the limit is refused with a clear error,
// gzip or zip, without holding more than the limit.
func TestAggregateReportBombs(t *testing.T) {
	big := append([]byte("<feedback><report_metadata><!--"), bytes.Repeat([]byte("A"), feedback.MaxReportSize+1)...)
	big = append(big, []byte("--></report_metadata></feedback>")...)
	for name, data := range map[string][]byte{"gzip": gzipped(t, big), "zip": zipped(t, "r.xml", big)} {
		if len(data) > 1<<20 {
			t.Fatalf("%s: the bomb is %d bytes compressed", name, len(data))
		}
		_, err := feedback.ParseAggregateReport(bytes.NewReader(data))
		if !errors.Is(err, feedback.ErrReportTooLarge) || !strings.Contains(err.Error(), "too large") {
			t.Errorf("%s bomb: err = %v", name, err)
		}
	}
	for name, data := range map[string]string{
		"not XML":       "this is a bounce, not a report",
		"other XML":     "<html><body>hi</body></html>",
		"bad source_ip": strings.Replace(string(readReport(t, "clean.xml")), "5.255.64.53", "5.255.64", 1),
		"zip, no XML":   string(zipped(t, "a.txt", []byte("x"))) + "", // one member: read as the report, not XML
	} {
		if _, err := feedback.ParseAggregateReport(strings.NewReader(data)); !errors.Is(err, feedback.ErrReport) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

const reportZone = `
spf.vendor.example.       IN TXT "v=spf1 ip4:5.255.64.53 -all"
53.64.255.5.in-addr.arpa. IN PTR smtp1.vendor.example.
150.2.0.192.in-addr.arpa. IN PTR mta1.newsletter.example.
`

// Is it safe to move the domain to the next DMARC stage? The answer names
// the legitimate sources whose mail would be hurt; a source that passes
// only for an unrelated domain of its own (a spoofer, or a forwarder) is
// reported apart and does not make tightening unsafe, while a service the
// domain's SPF record declares does.
func TestSummarize(t *testing.T) {
	plain := dnstest.MustZone(reportZone)
	// The customer declares the newsletter service in its SPF record.
	declared := dnstest.MustZone(reportZone + `
customer.example.          IN TXT "v=spf1 ip4:198.51.100.7 include:spf.newsletter.example -all"
spf.newsletter.example.    IN TXT "v=spf1 ip4:192.0.2.128/25 -all"
`)
	parse := func(name string) *feedback.AggregateReport {
		rep, err := feedback.ParseAggregateReport(bytes.NewReader(readReport(t, name)))
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	clean, news, vendor, spoof, other, spoofer := parse("clean.xml"), parse("newsletter.xml"), parse("vendor-failing.xml"), parse("spoofing-only.xml"), parse("other-domain.xml"), parse("spoofer-own-domain.xml")
	for _, tc := range []struct {
		name      string
		zone      *dnstest.Zone
		domain    string
		reports   []*feedback.AggregateReport
		safe      bool
		hurt      []string // addresses
		unaligned []string
		why       string
	}{
		{"only unauthenticated strangers fail", plain, "customer.example", []*feedback.AggregateReport{clean, other}, true, nil, nil, ""},
		{"an undeclared newsletter service passes for its own domain", plain, "customer.example", []*feedback.AggregateReport{clean, news}, true, nil, []string{"192.0.2.150"}, ""},
		{"a newsletter service the customer's SPF record declares", declared, "customer.example", []*feedback.AggregateReport{clean, news}, false, []string{"192.0.2.150"}, nil,
			"192.0.2.150 (mta1.newsletter.example): 50 of 50 messages fail, customer.example's SPF record authorizes it, but its mail is not aligned: SPF passes for bounce.newsletter.example"},
		{"a spoofer passing SPF and DKIM for its own domain", plain, "customer.example", []*feedback.AggregateReport{spoofer}, true, nil, []string{"203.0.113.200"}, ""},
		{"a spoofer beside a declared service", declared, "customer.example", []*feedback.AggregateReport{spoofer, news}, false, []string{"192.0.2.150"}, []string{"203.0.113.200"}, "192.0.2.150"},
		{"the vendor's own mail fails alignment", plain, "klant.example", []*feedback.AggregateReport{vendor}, false, []string{"5.255.64.53"}, nil, "the vendor's own server"},
		{"unauthenticated spoofing only", plain, "ready.example", []*feedback.AggregateReport{spoof}, true, nil, nil, ""},
		{"nothing to judge by", plain, "new.example", []*feedback.AggregateReport{clean}, false, nil, nil, "no mail from new.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sum, err := feedback.Summarize(context.Background(), tc.zone, tc.domain, "include:spf.vendor.example", tc.reports...)
			if err != nil {
				t.Fatal(err)
			}
			ips := func(ss []feedback.SourceSummary) string {
				var out []string
				for _, s := range ss {
					out = append(out, s.IP.String())
				}
				return strings.Join(out, ",")
			}
			if sum.SafeToTighten != tc.safe || ips(sum.Hurt) != strings.Join(tc.hurt, ",") || ips(sum.Unaligned) != strings.Join(tc.unaligned, ",") || !strings.Contains(sum.NotSafeBecause, tc.why) {
				t.Errorf("safe %v, hurt %v, unaligned %v, because %q", sum.SafeToTighten, ips(sum.Hurt), ips(sum.Unaligned), sum.NotSafeBecause)
			}
			for _, s := range sum.Sources {
				if s.Kind == "" || s.Kind == feedback.SourceUnaligned && (s.Legitimate || !strings.Contains(s.Why, "not aligned")) {
					t.Errorf("source %+v", s)
				}
			}
		})
	}
	sum, _ := feedback.Summarize(context.Background(), plain, "customer.example", "include:spf.vendor.example", clean, news)
	if sum.Reports != 2 || sum.Messages != 288 || sum.Passed != 235 || sum.Sources[0].IP.String() != "5.255.64.53" || sum.Sources[0].Host != "smtp1.vendor.example" || !sum.Sources[0].Vendor ||
		sum.Sources[0].Kind != feedback.SourceVendor || sum.Sources[len(sum.Sources)-1].Kind != feedback.SourceUnauthenticated {
		t.Errorf("summary %+v", sum)
	}
}

// FuzzParseAggregateReport: any input gives a report or an error wrapping
// ErrReport or ErrReportTooLarge, never a panic; a report stays within the
// documented limits and reads the same gzipped.
func FuzzParseAggregateReport(f *testing.F) {
	for _, name := range []string{"clean.xml", "newsletter.xml", "spoofing-only.xml", "forwarded-override.xml"} {
		f.Add(readReport(f, name))
	}
	// Records alike, summed into one row.
	f.Add([]byte(reportHead + recordXML + recordXML + "</feedback>"))
	f.Add([]byte("<feedback><policy_published><domain>x.example</domain></policy_published><record><row><source_ip>::1</source_ip><count>1</count></row></record></feedback>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := feedback.ParseAggregateReport(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, feedback.ErrReport) && !errors.Is(err, feedback.ErrReportTooLarge) {
				t.Fatalf("error %v wraps neither ErrReport nor ErrReportTooLarge", err)
			}
			return
		}
		if o := rep.Overflow; len(rep.Rows) > feedback.MaxReportRows || o.Records < 0 || o.Failed < 0 || o.Failed > o.Messages || o.Records > 0 && len(rep.Rows) == 0 {
			t.Fatalf("%d rows, overflow %+v", len(rep.Rows), o)
		}
		for _, row := range rep.Rows {
			if len(row.DKIM) > feedback.MaxReportAuthResults || len(row.SPF) > feedback.MaxReportAuthResults || len(row.Reasons) > 16 || !row.SourceIP.IsValid() || row.Count < 0 {
				t.Fatalf("row %+v", row)
			}
		}
		if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) || bytes.HasPrefix(data, []byte("PK\x03\x04")) {
			return // already compressed: gzipping it again wraps the archive, not the XML
		}
		again, err := feedback.ParseAggregateReport(bytes.NewReader(gzipped(t, data)))
		if err != nil || again.Domain != rep.Domain || len(again.Rows) != len(rep.Rows) {
			t.Fatalf("gzipped, the report reads differently: %v", err)
		}
	})
}

// A report naming thousands of sources costs a bounded number of DNS
// questions, even when the vendor's record asks one per address
// (exists:%{i}): PTR names for the 200 most active, SPF for the 1,000 most
// active.
func TestSummarizeBounded(t *testing.T) {
	z := dnstest.MustZone(`
spf.vendor.example. IN TXT "v=spf1 exists:%{i}.ip.vendor.example -all"
customer.example.   IN TXT "v=spf1 exists:%{i}.ip.customer.example -all"
`)
	rep := &feedback.AggregateReport{Domain: "customer.example"}
	for i := range 3000 {
		rep.Rows = append(rep.Rows, feedback.ReportRow{SourceIP: netip.AddrFrom4([4]byte{198, 18, byte(i >> 8), byte(i)}), Count: 3000 - i, HeaderFrom: "customer.example",
			SPF: []feedback.AuthResult{{Domain: "own.example", Result: "pass"}}})
	}
	sum, err := feedback.Summarize(context.Background(), z, "customer.example", "include:spf.vendor.example", rep)
	if err != nil {
		t.Fatal(err)
	}
	if q := len(z.Queries()); q > 200+2*1000+10 || len(sum.Sources) != 3000 || len(sum.Unaligned) != 3000 || !sum.SafeToTighten {
		t.Errorf("%d questions, %d sources, %d unaligned, safe %v", q, len(sum.Sources), len(sum.Unaligned), sum.SafeToTighten)
	}
}
