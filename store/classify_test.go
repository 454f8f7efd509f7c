package store

import (
	"context"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/feedback"
)

// A newsletter service the domain's SPF record declares, sending with its
// own bounce domain and no aligned signature, fails DMARC on every message:
// the reports alone call it unaligned; the domain's SPF record shows it is
// the domain's own, which a stricter policy would hurt.
func TestEvidenceClassifiesDeclaredServices(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		z := dnstest.MustZone(`
customer.example.              IN TXT "v=spf1 ip4:198.51.100.0/24 -all"
7.100.51.198.in-addr.arpa.     IN PTR mta.newsletter.example.
mta.newsletter.example.        IN A   198.51.100.7
`)
		ctx := context.Background()
		fill(t, s, 1, []string{"Google"},
			row{ip: "192.0.2.1", count: 90, dkim: true},
			row{ip: "198.51.100.7", count: 10, spfRaw: "bounce.newsletter.example=pass"},
			row{ip: "203.0.113.5", count: 4})
		plain, err := ComputeEvidence(ctx, s, "customer.example", EvidenceOptions{Now: day0})
		if err != nil {
			t.Fatal(err)
		}
		if len(plain.Hurt) != 0 || plain.Unaligned != 10 || plain.PassRate != 100 {
			t.Fatalf("by the reports alone: hurt %v, unaligned %d, rate %v", plain.Hurt, plain.Unaligned, plain.PassRate)
		}
		e, err := ComputeEvidence(ctx, s, "customer.example", EvidenceOptions{Now: day0, Classify: SPFClassifier(z)})
		if err != nil {
			t.Fatal(err)
		}
		want := "198.51.100.7, mta.newsletter.example, a service the domain's SPF record authorizes, neither SPF nor DKIM aligned (10 of 10 messages fail DMARC)"
		if len(e.Hurt) != 1 || e.Hurt[0].Why != want {
			t.Errorf("Hurt = %+v\nwant %s", e.Hurt, want)
		}
		if e.Unaligned != 0 || e.Unauthenticated != 4 || e.Legitimate != 100 || e.PassRate != 90 {
			t.Errorf("unaligned %d, unauthenticated %d, legitimate %d, rate %v", e.Unaligned, e.Unauthenticated, e.Legitimate, e.PassRate)
		}
		var svc *Source
		for i := range e.Sources {
			if e.Sources[i].IP.String() == "198.51.100.7" {
				svc = &e.Sources[i]
			}
		}
		if svc == nil || svc.Kind != feedback.SourceService || !svc.Legitimate {
			t.Errorf("the service: %+v", svc)
		}
		if !strings.Contains(strings.Join(e.Missing, "\n"), "1 legitimate source fails: 198.51.100.7") {
			t.Errorf("Missing = %q", e.Missing)
		}
		// DNS that fails for now: the evidence is unknown, not better.
		z.Fail("customer.example.", dnsrec.TypeTXT, dnsrec.ErrServFail)
		if _, err := ComputeEvidence(ctx, s, "customer.example", EvidenceOptions{Now: day0, Classify: SPFClassifier(z)}); err == nil {
			t.Error("a SERVFAIL for the SPF record gave evidence")
		}
	})
}
