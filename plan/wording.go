package plan

import (
	"strconv"

	"github.com/domainauth/domainauth/i18n"
)

// Sentence is the message catalogue's English sentence id (package i18n),
// filled from params: the one source of every producer's wording, which a
// program renders in its reader's language from the same id and params
// (see [Finding.In]).
func Sentence(id string, params map[string]string) string {
	return i18n.Default().Text(i18n.English, id, params)
}

// SentenceOf is variant n of one part ("message", "fix", "reason") of a
// code's sentences: 1 for "message", 2 for "message_2", and so on; ""
// for n == 0.
func SentenceOf(code, part string, n int, params map[string]string) string {
	switch {
	case n == 0:
		return ""
	case n > 1:
		part += "_" + strconv.Itoa(n)
	}
	return Sentence(code+"."+part, params)
}

// Worded returns f with Message and Fix the catalogue's English for its
// Code and Params: variant msg of the message and fix of the fix (see
// [SentenceOf]; 0 for none).
func Worded(f Finding, msg, fix int) Finding {
	f.Message, f.Fix = SentenceOf(string(f.Code), "message", msg, f.Params), SentenceOf(string(f.Code), "fix", fix, f.Params)
	return f
}
