package dmarc

import (
	"strconv"

	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/plan"
)

// sentence is the English sentence id of the message catalogue (package
// i18n) fills from params: the one source of the package's wording, which
// a program renders in its reader's language from the same code and
// params (see [plan.Finding.In]).
func sentence(id string, params map[string]string) string {
	return i18n.Default().Text(i18n.English, id, params)
}

// worded returns f with Message and Fix the catalogue's sentences for its
// code and Params: variant msg of the message and fix of the fix (1 for
// "message", 2 for "message_2"…; 0 for none).
func worded(f plan.Finding, msg, fix int) plan.Finding {
	f.Message, f.Fix = part(string(f.Code), "message", msg, f.Params), part(string(f.Code), "fix", fix, f.Params)
	return f
}

// part is variant n of one part of a code's sentences ("" for n == 0).
func part(code, name string, n int, params map[string]string) string {
	switch {
	case n == 0:
		return ""
	case n > 1:
		name += "_" + strconv.Itoa(n)
	}
	return sentence(code+"."+name, params)
}
