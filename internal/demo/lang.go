package demo

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
)

// ParseLang reads a program's -lang: a language tag ("de", "fr-CH") or an
// Accept-Language value, matched to the catalogue's languages (de-CH reads
// de, nl-BE nl; others read English). Empty is English.
func ParseLang(s string) (language.Tag, error) {
	if strings.TrimSpace(s) == "" {
		return i18n.English, nil
	}
	if _, _, err := language.ParseAcceptLanguage(s); err != nil {
		return language.Und, fmt.Errorf("-lang %q: not a language tag (en, de, fr, it, nl, de-CH…)", s)
	}
	return i18n.Default().MatchString(s), nil
}
