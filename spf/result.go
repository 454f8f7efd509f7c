package spf

import "net/netip"

// Status is the result of check_host() (RFC 7208, Section 2.6).
type Status string

// Results.
const (
	StatusNone      Status = "none"      // no SPF record, or no valid domain to check
	StatusNeutral   Status = "neutral"   // the domain makes no assertion about the address
	StatusPass      Status = "pass"      // the address is authorized
	StatusFail      Status = "fail"      // the address is not authorized
	StatusSoftFail  Status = "softfail"  // the address is probably not authorized
	StatusTempError Status = "temperror" // a transient (DNS) error; try again later
	StatusPermError Status = "permerror" // the records are broken and need a person to fix them
)

// Identity is which identity a check authorizes (RFC 7208, Section 2).
type Identity string

// Identities.
const (
	IdentityMailFrom Identity = "mailfrom" // the envelope sender (MAIL FROM), Section 2.4
	IdentityHELO     Identity = "helo"     // the HELO/EHLO name, Section 2.3
)

// Result is the outcome of one check_host() evaluation.
type Result struct {
	Status Status
	// Identity is what was checked: CheckHELO sets IdentityHELO, the
	// others IdentityMailFrom.
	Identity Identity
	// Domain is the domain checked (the sender's, or the HELO name).
	Domain string
	// IP, Sender and HELO are the inputs the check used.
	IP     netip.Addr
	Sender string
	HELO   string
	// Record is the text of Domain's SPF record, "" when there is none.
	Record string
	// Term is the mechanism that decided the result, as written, and
	// TermDomain the domain whose record holds it (Domain, or a domain
	// reached through redirect=). Both are "" when no mechanism matched.
	Term       string
	TermDomain string
	// Via lists the include: domains through which Term matched, outermost
	// first, when it matched inside an include.
	Via []string
	// Explanation is the text for a fail: the domain's exp= text when it
	// has one, else a default sentence.
	Explanation string
	// Err says what went wrong for temperror and permerror (and why a
	// result is none); it wraps this package's sentinels.
	Err error
	// Lookups and VoidLookups count the DNS-querying terms and the lookups
	// that found nothing, against the limits of 10 and 2.
	Lookups, VoidLookups int
	// Queries is the number of questions the check asked its resolver,
	// each name and type at most once: those the evaluation needed and
	// those fetched ahead (see [Checker.Sequential]), answered from memory
	// or not.
	Queries int
	// QueriesNeeded is the number of those questions whose answers the
	// evaluation used: the same in both modes, and Queries in sequential
	// mode. Queries minus QueriesNeeded were fetched ahead in vain.
	QueriesNeeded int
	// Trace holds every step of the evaluation (read them with
	// [Trace.Steps]); see [Result.Explain].
	Trace Trace
}

// Step is one step of an evaluation, for the trace.
type Step struct {
	Depth  int    // nesting: 0 for Domain's record, 1 inside an include or redirect, ...
	Domain string // the domain whose record is being evaluated
	Term   string // the term evaluated, as written; "" for a step about the record
	Note   string // what happened, in words
	Match  bool   // the term matched
}
