package spf

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, grouped by phase. Errors returned by this package wrap
// them (test with errors.Is); DNS failures also wrap the dnsrec error, so
// errors.As reaches a *dnsrec.Error.
var (
	// Parsing.

	// ErrNotSPF: the text is not an SPF record (it does not start with
	// "v=spf1" followed by a space or the end). A verification TXT, a
	// "v=spf10" or a record in quotes is not SPF.
	ErrNotSPF = errors.New("spf: not an SPF record")
	// ErrSyntax: the text is an SPF record, but a broken one.
	ErrSyntax = errors.New("spf: syntax error")

	// Record selection (RFC 7208, Section 4.5).

	// ErrNoRecord: the domain publishes no SPF record.
	ErrNoRecord = errors.New("spf: no SPF record")
	// ErrMultipleRecords: the domain publishes more than one SPF record.
	ErrMultipleRecords = errors.New("spf: more than one SPF record")

	// Evaluation (RFC 7208, Section 4.6.4 and 5).

	// ErrTooManyLookups: more than 10 terms that query DNS.
	ErrTooManyLookups = errors.New("spf: too many DNS lookups")
	// ErrTooManyVoidLookups: more than 2 lookups found nothing.
	ErrTooManyVoidLookups = errors.New("spf: too many void DNS lookups")
	// ErrTooManyMX: an mx mechanism's domain has more than 10 MX records.
	ErrTooManyMX = errors.New("spf: too many MX records")
	// ErrIncludeNone: an include or redirect names a domain without an SPF record.
	ErrIncludeNone = errors.New("spf: included domain has no SPF record")
	// ErrDomainSpec: a domain-spec, after macro expansion, is not a valid
	// name (RFC 7208, Section 4.8).
	ErrDomainSpec = errors.New("spf: invalid domain")
)

// ParseError reports where and why a record does not parse. It wraps
// ErrNotSPF or ErrSyntax.
type ParseError struct {
	Input  string // the text given to Parse
	Offset int    // byte offset in Input of the problem
	Term   string // the term concerned, "" for the record as a whole
	Reason string // what is wrong, in English: the catalogue's wording of Problem
	// Hint says what was probably meant, when the text has characters a
	// person pasted by mistake (an en dash for a hyphen, curly quotes, a
	// non-breaking space, a line break) or a misspelt mechanism: the
	// catalogue's English wording of Advice.
	Hint string
	// Suggestion is the record with those characters corrected, when that
	// gives a record that parses; "" otherwise.
	Suggestion string

	// Problem is what is wrong as a code, and Advice what was probably
	// meant ("" without a hint), so that a program words them in its
	// reader's language: the message catalogue's clauses
	// "text.spf-problem.<Problem>" and "text.spf-advice.<Advice>" (package
	// i18n, [i18n.Catalog.Clause]) filled from Params.
	Problem Problem
	Advice  Advice
	// Params are the values Reason and Hint are made of, by the names the
	// [Problem] and [Advice] constants list (a value, an offset, the
	// character pasted); never nil.
	Params map[string]string

	kind error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "spf: parse %q: %s (at offset %d)", e.Input, e.Reason, e.Offset)
	if e.Hint != "" {
		b.WriteString("; " + e.Hint)
	}
	return b.String()
}

// Unwrap returns ErrNotSPF or ErrSyntax.
func (e *ParseError) Unwrap() error { return e.kind }

// domainSpecError is a domain that is not a valid domain name: its text
// says what is wrong with it, once ("spf: invalid name "a..b": empty
// label"), and errors.Is finds [ErrDomainSpec] and errors.As the name's
// own error.
type domainSpecError struct{ err error }

func (e *domainSpecError) Error() string   { return "spf: " + e.err.Error() }
func (e *domainSpecError) Unwrap() []error { return []error{ErrDomainSpec, e.err} }
