package feedback_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/feedback"
)

func BenchmarkParseBounce(b *testing.B) {
	for name, msg := range map[string]string{
		"dsn":     dsn("smtp1.vendor.example", [4]string{"anna@gmail.example", "failed", "5.0.0", "550-5.7.26 Unauthenticated email from customer.example is not accepted due to domain's DMARC policy."}),
		"postfix": postfixText("rae@corp.example", "mx.corp.example", "554 5.7.1 Service unavailable; Client host [5.255.64.53] blocked using zen.spamhaus.org"),
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := feedback.ParseBounce(strings.NewReader(msg)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseHeaders(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "headers", "forged-inside.eml"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := feedback.ParseHeaders(strings.NewReader(string(data))); err != nil {
			b.Fatal(err)
		}
	}
}
