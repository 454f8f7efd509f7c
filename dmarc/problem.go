package dmarc

import (
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/taglist"
)

// Problem is what is wrong with a DMARC record, or with an entry of one
// that receivers discard, as a stable code: the kind of a [ParseError].
// [ParseError.Reason] is its English; a program words it in its reader's
// language from the message catalogue's clause "text.dmarc-problem.<code>"
// (package i18n) and [ParseError.Params], whose names each constant lists.
type Problem string

// Problems of [ParseError.Problem], and of the entries receivers discard.
const (
	ProblemNotDMARC      Problem = "not-dmarc"      // the text does not start with v=DMARC1
	ProblemDuplicateTag  Problem = "duplicate-tag"  // a tag twice: tag
	ProblemNoPolicy      Problem = "no-policy"      // no p= and no valid rua=: section (the RFC's)
	ProblemInvalidPolicy Problem = "invalid-policy" // an invalid p=, sp= or np= and no valid rua=: tag, value, section

	ProblemTagName      Problem = taglist.ProblemName      // an entry without a tag name, ignored: found
	ProblemTagEquals    Problem = taglist.ProblemEquals    // an entry without "=", ignored: name
	ProblemTagCharacter Problem = taglist.ProblemCharacter // a character a value may not hold, ignored: name, char
	ProblemEmptyEntry   Problem = "empty-entry"            // an empty entry (";;")
	ProblemPolicyValue  Problem = "policy-value"           // p=, sp= or np= not none, quarantine or reject: tag, value
	ProblemMissingP     Problem = "missing-p"              // no p=, read as p=none with a valid rua=
	ProblemReplaced     Problem = "replaced"               // a valid policy replaced by none: bytag, byvalue (the invalid one)
	ProblemPSDValue     Problem = "psd-value"              // psd= not y, n or u: value
	ProblemTValue       Problem = "t-value"                // t= not y or n: value
	ProblemAlignValue   Problem = "align-value"            // adkim= or aspf= not r or s: tag, value
	ProblemFOValue      Problem = "fo-value"               // fo= with an unknown option: value
	ProblemPctValue     Problem = "pct-value"              // pct= not 0 to 100: value
	ProblemRFValue      Problem = "rf-value"               // rf= not format names: value
	ProblemRIValue      Problem = "ri-value"               // ri= not a number of seconds: value
	ProblemURIEmpty     Problem = "uri-empty"              // an empty entry in rua= or ruf=: tag
	ProblemURISize      Problem = "uri-size"               // a report URI's "!size" not a size: tag, value
	ProblemURIScheme    Problem = "uri-scheme"             // a report address without a scheme: tag, value
	ProblemURIAddress   Problem = "uri-address"            // a mailto: URI without a valid address: tag, value
)

// problemSet is the catalogue set of the problems' clauses.
const problemSet = "dmarc-problem"

// clause is the catalogue's English for a problem, filled from params.
func clause(p Problem, params map[string]string) string {
	return i18n.Default().Clause(i18n.English, problemSet, string(p), params)
}

// pairs returns kv (names and values in turn) as a map.
func pairs(kv ...string) map[string]string {
	params := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		params[kv[i]] = kv[i+1]
	}
	return params
}
