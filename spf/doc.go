// Package spf implements the Sender Policy Framework (RFC 7208): parsing,
// printing, linting and editing SPF records, a static analysis of their DNS
// lookup budget, and the check_host() evaluation with a trace that explains
// its result in words.
//
// # Records
//
// [Parse] reads a record into a [Record] of [Term] values (RFC 7208,
// Section 12): mechanisms with their [Qualifier], domain-spec (macros kept
// as written) and dual CIDR lengths; ip4 and ip6 networks as
// [net/netip.Prefix]; redirect=, exp= and unknown modifiers, kept.
// [Record.String] prints the canonical form, and Parse of it gives an equal
// record. Text that is not SPF at all ("v=spf10", a verification token)
// gives an error wrapping [ErrNotSPF]; a broken SPF record one wrapping
// [ErrSyntax]. Both are [*ParseError] values with the offset, and with a
// hint and a corrected suggestion when a person pasted an en dash for a
// hyphen, curly quotes, a non-breaking space, a line break, or the quotes
// themselves.
//
// # Lint, edit, analyze
//
// [Lint] and [LintTXT] return [plan.Finding] values with stable codes
// (CodePlusAll, CodeNoAll, CodeMultiple, ...), each saying what is wrong,
// why it matters and how to fix it.
//
// [Insert] adds a term before "all" keeping the rest as written; [Merge]
// combines several records published at one name, in an order that does
// not depend on DNS's, and says which all it kept. [Authorize] is the
// [plan.Requirement] "the domain's SPF record authorizes this term":
// [Authorize.Check] says whether it does (the same term, an include that
// reaches it, or addresses that already pass) and proposes the edit of
// the domain's TXT records (create, insert, repair, merge). The edit is
// safe for the domain's other mail: an existing record keeps every term,
// a record with no all gets ~all, and a new record on a domain that
// receives mail also authorizes its mail provider, recognized from its MX
// hosts ([ProviderForMX]), and ends in ~all until the customer confirms
// their other senders. An edit whose record would pass the 10-lookup
// limit, loop, or fail lint is withheld by [plan.Check], with a
// finding that names the costliest includes and the options that work.
//
// [Analyze] walks the include tree and counts, per term and per include,
// the DNS-querying terms (include, a, mx, ptr, exists, redirect) against the
// limit of 10, and the void lookups against the limit of 2 (RFC 7208,
// Section 4.6.4). The A lookups for MX hosts do not count toward the 10;
// exp= does not count; redirect= does.
//
// # Evaluate
//
// [Checker] evaluates check_host() (RFC 7208, Sections 4 to 8): all seven
// results, macros (Section 7), exp= (Section 6.2), the lookup, void-lookup,
// MX and PTR limits, temperror for DNS failures and permerror for broken
// records. Every recursion is bounded: a redirect= to itself ends in
// permerror, not a crash. A sender longer than SMTP allows (RFC 5321,
// Section 4.5.3.1: 64 octets of local part, 255 of domain) is malformed and
// gives none before any lookup, which also bounds every macro expansion.
// No DNS question is asked twice in one check.
// The [Result] carries a [Trace], recorded as small events (which record,
// which term, what happened) whose words are made only when it is read
// ([Trace.Steps]); [Result.Explain] renders it, and
// [Result.ReceivedSPF] and [Result.AuthenticationResults] give header
// fields.
//
// check_host() is sequential: each include is evaluated before the next
// term. When answers are slow, a [Checker] also asks, as soon as a record
// arrives from DNS, the questions its macro-free terms will need (the
// records of include and redirect=, the addresses of a, the MX hosts of mx
// and their addresses, the A record of exists), so that a cold check waits
// about D + 1 round trips for includes nested D deep instead of one per
// term. The evaluation still asks in its own order and counts only its own
// lookups: results, explanations, traces and limits are those of the
// sequential algorithm ([Checker.Sequential] turns the fetching ahead off).
// The fetching ahead is bounded by the lookup limit (at most 10 terms, 10
// hosts per mx, 10 questions in flight), and a check waits for the
// questions it fetched ahead and no longer needs to be cancelled: no
// goroutine outlives it.
//
// Fetching ahead only pays when answers take a round trip. A check asks
// its first questions itself, and starts fetching ahead only once answers
// take 20 µs or more (a round trip to a DNS server on the same machine
// takes some 50): the first answer, or two later ones, since one slow
// answer among fast ones may be the machine's doing. Answers a resolver holds in memory
// ([dnsrec.InMemory]: a [dnsrec.Cache] that holds them, the dnstest zone)
// are taken at once and never fetched ahead: with such a resolver a check
// starts no goroutine and costs what a sequential one costs.
// [Result.Queries] counts every question the check asked its resolver,
// those fetched ahead included; [Result.QueriesNeeded] those whose answers
// the evaluation used.
//
// A check parses every record it reads, unless the answer is shared by a
// [dnsrec.Cache], which keeps the parsed record with the answer
// ([dnsrec.Answer.Derive]). A check that keeps its trace allocates about a
// sixth more memory than one that does not ([Checker.NoTrace]).
//
// The implementation passes all 203 cases of the RFC 7208 test suite
// (testdata/rfc7208-tests.yml), against the in-memory zone and against a
// DNS server on loopback.
//
// # Leniency
//
// The parser is strict, as check_host() requires: a syntax error anywhere
// makes the record a permerror. The deliberate leniencies are:
//
//   - the version and mechanism names are matched without regard to case,
//     as RFC 7208, Section 4.5 and Section 12 allow;
//   - %{i} of an IPv6 address expands to upper-case nibbles, as the test
//     suite expects (the RFC's example uses lower case; DNS does not care);
//   - a sender without a local part is completed with "postmaster"
//     (Section 4.3).
package spf
