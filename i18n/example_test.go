package i18n_test

import (
	"fmt"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
)

// A CRM stored a finding's code and parameters and shows it to a Swiss
// customer whose browser asks for de-CH, then to a reader in Brussels.
func ExampleCatalog_Finding() {
	c := i18n.Default()
	params := i18n.Params{"domain": "example.ch", "records": "2"}
	english := "example.ch publishes 2 SPF records: receivers give permerror"
	for _, accept := range []string{"de-CH", "nl-BE, fr;q=0.8"} {
		tag := c.MatchString(accept)
		fmt.Println(tag, c.Finding(tag, "spf-multiple-records", i18n.PartMessage, params, english))
	}
	// Output:
	// de example.ch veröffentlicht 2 SPF-Einträge: Empfänger melden permerror
	// nl example.ch publiceert 2 SPF-records: ontvangers geven permerror
}

// Plural forms follow the language's CLDR rules; numbers are written as
// its readers write them.
func ExampleCatalog_Render() {
	c := i18n.Default()
	for _, n := range []string{"1", "3"} {
		s, _ := c.Render(language.German, "text.report.recommended-changes", i18n.Params{"count": n})
		fmt.Println(s)
	}
	fmt.Println(c.Number(language.German, "10000"), c.Number(language.French, "10000") == "10\u00a0000")
	// Output:
	// 1 empfohlene Änderung
	// 3 empfohlene Änderungen
	// 10’000 true
}
