package spf

import (
	"github.com/domainauth/domainauth/i18n"
)

// Problem is what is wrong with a text that does not parse, as a stable
// code: the kind of a [ParseError]. [ParseError.Reason] is its English; a
// program that words it in its reader's language renders the message
// catalogue's clause "text.spf-problem.<code>" (package i18n) from
// [ParseError.Params], whose names each constant lists.
type Problem string

// Problems of [ParseError.Problem].
const (
	ProblemNotSPF               Problem = "not-spf"                // the text does not start with "v=spf1"
	ProblemNoSpace              Problem = "no-space"               // "v=spf1" is followed by something other than a space
	ProblemModifierNeedsDomain  Problem = "modifier-needs-domain"  // redirect= or exp= without a domain: mechanism
	ProblemMechanismNeedsDomain Problem = "mechanism-needs-domain" // include or exists without a domain: mechanism
	ProblemAllArgument          Problem = "all-argument"           // "all" with a domain or a prefix length
	ProblemPTRArgument          Problem = "ptr-argument"           // "ptr" with a prefix length or an empty domain
	ProblemExpectedDomain       Problem = "expected-domain"        // a or mx followed by something other than ":" and a domain: mechanism
	ProblemPrefix4              Problem = "prefix4"                // an a or mx IPv4 prefix length out of range: value
	ProblemPrefix6              Problem = "prefix6"                // an a or mx IPv6 prefix length out of range: value
	ProblemNeedsAddress         Problem = "needs-address"          // ip4 or ip6 without an address: mechanism, example
	ProblemNotAddress           Problem = "not-address"            // ip4 or ip6 with something that is not an address: value
	ProblemNotIPv4              Problem = "not-ipv4"               // ip4 with an IPv6 address: value
	ProblemNotIPv6              Problem = "not-ipv6"               // ip6 with an IPv4 address: value
	ProblemPrefix               Problem = "prefix"                 // an ip4 or ip6 prefix length out of range: value, max
	ProblemQualifierAlone       Problem = "qualifier-alone"        // a qualifier without a mechanism
	ProblemUnknownMechanism     Problem = "unknown-mechanism"      // a mechanism RFC 7208 does not define: value
	ProblemDuplicateModifier    Problem = "duplicate-modifier"     // redirect= or exp= twice: mechanism
	ProblemTermSpaces           Problem = "term-spaces"            // a term to insert that holds a space
	ProblemNotFQDN              Problem = "not-fqdn"               // a domain without a dot: value
	ProblemTopLabel             Problem = "top-label"              // a domain whose last label is not a top-level label: value
	ProblemMacroCharacter       Problem = "macro-character"        // a character a domain or modifier may not hold: char, and modifier for a modifier's value
	ProblemMacroPercentEnd      Problem = "macro-percent-end"      // a "%" at the end: modifier
	ProblemMacroUnclosed        Problem = "macro-unclosed"         // "%{" without "}": modifier
	ProblemMacroEmpty           Problem = "macro-empty"            // "%{}": modifier
	ProblemMacroExplanation     Problem = "macro-explanation"      // a macro letter only explanations may use: char, modifier
	ProblemMacroUnknownLetter   Problem = "macro-unknown-letter"   // a macro letter RFC 7208 does not define: char, modifier
	ProblemMacroParts           Problem = "macro-parts"            // a macro keeping 0 parts: macro, modifier
	ProblemMacroDelimiter       Problem = "macro-delimiter"        // a macro delimiter that is not one: macro, char, modifier
	ProblemNotMacro             Problem = "not-macro"              // "%" followed by a character that starts no macro: macro, modifier
)

// Advice is what a text that does not parse was probably meant to be, as
// a stable code: the kind of [ParseError.Hint], "" without one. A program
// words it from the catalogue's clause "text.spf-advice.<code>" and
// [ParseError.Params], whose names each constant lists.
type Advice string

// Advice of [ParseError.Advice].
const (
	AdviceVersionLookalike  Advice = "version-lookalike"   // "v=spf1" followed by a pasted character, not a space: lookalike
	AdviceSpaceAfterVersion Advice = "space-after-version" // "v=spf1" followed by a letter
	AdviceSenderID          Advice = "sender-id"           // a Sender ID record (RFC 4406)
	AdviceLeadingSpace      Advice = "leading-space"       // a space before "v=spf1"
	AdviceQuoted            Advice = "quoted"              // quotes typed as part of the value
	AdviceTextBefore        Advice = "text-before"         // other text before "v=spf1": before
	AdviceVersionMisspelt   Advice = "version-misspelt"    // "spf1" or "v=spf" for "v=spf1"
	AdviceLookalike         Advice = "lookalike"           // a pasted character where an ASCII one was meant: lookalike, at, meant ("" for nothing)
	AdviceLineBreak         Advice = "line-break"          // a record split across lines: at
	AdviceNonASCII          Advice = "non-ascii"           // a character that is not ASCII: character, codepoint, at
	AdviceDidYouMean        Advice = "did-you-mean"        // a misspelt mechanism: meant
	AdviceModifierEquals    Advice = "modifier-equals"     // a modifier written with ":" for "="
)

// Catalogue sets of the clauses that word problems, advice and the names
// of pasted characters (package i18n, "text.<set>.<code>"); a character's
// code is its "U+XXXX".
const (
	problemSet   = "spf-problem"
	adviceSet    = "spf-advice"
	lookalikeSet = "spf-char"
)

// clause is the catalogue's English for a code of a set, filled from
// params.
func clause(set, code string, params map[string]string) string {
	return i18n.Default().Clause(i18n.English, set, code, params)
}

// problemError is a problem found inside a term, with its offset there
// and its values: what parseTerm and the macro checker return.
type problemError struct {
	offset  int
	problem Problem
	params  map[string]string
}

func (e *problemError) Error() string { return clause(problemSet, string(e.problem), e.params) }

// problemAt returns a problemError; kv are the values' names and values in
// turn.
func problemAt(offset int, p Problem, kv ...string) *problemError {
	params := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		params[kv[i]] = kv[i+1]
	}
	return &problemError{offset: offset, problem: p, params: params}
}

// newParseError returns the error of input with the problem pe found at
// offset; kind is ErrNotSPF or ErrSyntax.
func newParseError(input string, offset int, term string, pe *problemError, kind error) *ParseError {
	e := &ParseError{Input: input, Offset: offset, Term: term, Problem: pe.problem, Params: pe.params, kind: kind}
	if e.Params == nil {
		e.Params = map[string]string{}
	}
	e.Reason = clause(problemSet, string(pe.problem), e.Params)
	return e
}

// advise sets the error's advice and its values (kv names and values in
// turn), and Hint to its English.
func (e *ParseError) advise(a Advice, kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		e.Params[kv[i]] = kv[i+1]
	}
	e.Advice = a
	e.Hint = clause(adviceSet, string(a), e.Params)
}
