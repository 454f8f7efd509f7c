package sender_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/domainauth/domainauth/sender"
)

// BenchmarkSelect selects against a policy of 10,000 allowed domains (the
// lookup is a map probe per label, not a scan), for an allowed address,
// one on an allowed parent's subdomain, and one that is rewritten.
func BenchmarkSelect(b *testing.B) {
	cfg := sender.Config{Default: "noreply@crm.example", Domains: []sender.Domain{{Domain: "crm.example"}}}
	for i := 0; i < 10_000; i++ {
		cfg.Domains = append(cfg.Domains, sender.Domain{Domain: fmt.Sprintf("customer%05d.example", i), Subdomains: i%2 == 0})
	}
	p, err := sender.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for name, from := range map[string]string{
		"allowed":   "Jane Doe <jane@customer09999.example>",
		"subdomain": "news@mail.customer04242.example",
		"rewritten": "Jane Doe <jane@not-a-customer.example>",
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if s := p.Select(ctx, sender.Request{From: from}); s.Address == "" {
					b.Fatal("no address")
				}
			}
		})
	}
}
