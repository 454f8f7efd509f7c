package dkim

import (
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/taglist"
)

// Problem is what is wrong with a key record that does not parse, as a
// stable code: the kind of a [ParseError]. [ParseError.Reason] is its
// English; a program words it in its reader's language from the message
// catalogue's clause "text.dkim-problem.<code>" (package i18n) and
// [ParseError.Params], whose names each constant lists.
type Problem string

// Problems of [ParseError.Problem].
const (
	ProblemTagName         Problem = taglist.ProblemName      // no tag name where one must start: found
	ProblemTagEquals       Problem = taglist.ProblemEquals    // a tag name without "=": name
	ProblemTagCharacter    Problem = taglist.ProblemCharacter // a character a value may not hold: name, char
	ProblemDuplicateTag    Problem = "duplicate-tag"          // a tag twice: name
	ProblemVersion         Problem = "version"                // v= other than DKIM1: value
	ProblemNoKey           Problem = "no-key"                 // neither p= nor v=DKIM1: not a key record
	ProblemNoP             Problem = "no-p"                   // v=DKIM1 without p=
	ProblemBase64          Problem = "base64"                 // p= is not base64: byte (the offset base64 gives)
	ProblemKeyTypeMismatch Problem = "key-type-mismatch"      // k= names one key type and p= holds the other: keytype, holds, other
	ProblemNotRSA          Problem = "not-rsa"                // an RSA key that is not one
	ProblemRSAHoldsOther   Problem = "rsa-holds-other"        // k=rsa with another kind of public key: type
	ProblemEd25519Size     Problem = "ed25519-size"           // an Ed25519 key of the wrong length: bytes
	ProblemKeyType         Problem = "key-type"               // a key type this package does not know: keytype
)

// problemSet is the catalogue set of the problems' clauses.
const problemSet = "dkim-problem"

// clause is the catalogue's English for a problem, filled from params.
func clause(p Problem, params map[string]string) string {
	return i18n.Default().Clause(i18n.English, problemSet, string(p), params)
}

// keyError is an error reading the public key in p=, with its problem as
// a code; its text is that of the error it wraps.
type keyError struct {
	problem Problem
	params  map[string]string
	err     error
}

func (e *keyError) Error() string { return e.err.Error() }
func (e *keyError) Unwrap() error { return e.err }
