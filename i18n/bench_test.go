package i18n_test

import (
	"testing"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
)

// BenchmarkRender is one finding's message, as every producer renders its
// sentences: a parsed, cached template filled from the params.
func BenchmarkRender(b *testing.B) {
	c := i18n.Default()
	params := i18n.Params{"domain": "customer.example", "records": "2"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Render(language.English, "spf-multiple-records.message_2", params); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindingIn is a CRM rendering a stored finding in German: the
// variant chosen from the English, then filled.
func BenchmarkFindingIn(b *testing.B) {
	c := i18n.Default()
	params := i18n.Params{"domain": "customer.example", "records": "2"}
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Finding(language.German, "spf-multiple-records", i18n.PartMessage, params, "customer.example publishes 2 SPF records: receivers give permerror")
	}
}
