package dkim

import (
	"github.com/domainauth/domainauth/i18n"
)

// sentence is the English sentence id of the message catalogue (package
// i18n) fills from params: the one source of the package's wording, which
// a program renders in its reader's language from the same code and
// params (see [plan.Finding.In]).
func sentence(id string, params map[string]string) string {
	return i18n.Default().Text(i18n.English, id, params)
}
