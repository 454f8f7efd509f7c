// Package dmarc builds, parses, lints and discovers DMARC policies under
// RFC 9989 (DMARCbis, which obsoletes RFC 7489 and RFC 9091; aggregate and
// failure reports are RFC 9990 and RFC 9991) and under RFC 7489, decides
// alignment and the disposition of a message, and checks the authorization
// of external report destinations.
//
// # Rule sets
//
// [Rules] selects the specification: [RFC9989] (the default, and what the
// package-level functions use) or [RFC7489]. Parsing is the same for both,
// so a record reads the same whatever the caller picks (but for an
// invalid np=, which reads as p=none under RFC 9989 and is an unknown tag
// under RFC 7489); what differs is
// what the tags mean and what [Rules.Lint] says: under RFC 9989 pct, rf and
// ri are removed (pct becomes t=y) and the "!size" suffix of report URIs is
// obsolete; under RFC 7489 np, psd and t are unknown and pct samples.
//
// # Records
//
// A [Record] holds every tag of both RFCs as published; methods apply the
// defaults (EffectivePolicy, EffectiveSubdomainPolicy, AlignDKIM, ...).
// [Build] makes the common records in one call: the monitoring record
// (p=none with reports) a domain starts with, and the quarantine and
// reject records it moves to. [Rules.Parse] and
// [Record.String] round-trip.
//
// # Discovery and alignment
//
// [Rules.Discover] finds the policy for an author domain: under RFC 9989
// by the DNS tree walk (at most 8 queries: the domain, then its last seven
// labels at most, then one label fewer each time; the first valid record
// found applies), under RFC 7489 at the domain and then at its
// organizational domain from the Public Suffix List
// (golang.org/x/net/publicsuffix). It selects p, sp or np (np when the
// author domain does not exist, RFC 9989), and lists every query made.
// [Rules.OrgDomain] gives the organizational domain: psd=n stops the walk
// at that domain, psd=y makes the domain one label below it the
// organizational domain, otherwise the record with the fewest labels, or
// the domain itself.
//
// [Rules.Evaluate] decides pass or fail from the SPF and DKIM identifiers
// under relaxed or strict alignment, and the disposition: the policy, one
// step more lenient when t=y (RFC 9989).
//
// # Checks and changes
//
// [Inspect] checks a domain through DNS: records at the apex instead of
// _dmarc, an SPF record or several records at _dmarc, report destinations
// on another organizational domain without the
// <policy-domain>._report._dmarc.<destination> record
// ([Rules.AuthorizeReports]), and p=reject without DKIM (RFC 9989,
// Section 7.4); it is a [plan.Requirement] too. [Recommend] is the
// requirement "the domain publishes at least this policy, with these report
// addresses": it never loosens a policy, keeps the customer's own report
// addresses, replaces a record meant as DMARC that receivers ignore (or an
// SPF record at _dmarc) instead of adding a second one, and reaches the
// policy in stages: p=none with aggregate reports first, and quarantine or
// reject only once the vendor's DKIM keys are published and the reports
// show the domain's legitimate mail passing ([Recommend.ReportsPass]; package feedback reads the aggregate reports that tell).
//
// # Strictness and leniency
//
// What is a DMARC record is decided one way everywhere (Parse, Lint,
// discovery), by the grammar's dmarc-version: the record starts with the
// version tag, nothing before it; the tag name "v" in any case, spaces
// allowed around "=", the value exactly "DMARC1". Lint warns when the tag is
// written in one of the allowed forms that receivers matching the text
// "v=DMARC1" miss, and says when leading whitespace makes the record
// ignored.
//
// Parse, Lint and discovery read a record the same way, as receivers must
// (RFC 9989, Sections 4.7 and 4.10.1; RFC 7489, Sections 6.3 and 6.6.3):
// Parse fails exactly when receivers do not use the record, and Lint is
// where strictness lives. The leniencies, each reported by Lint with its
// offset:
//
//   - An invalid value of an optional tag (pct=150, pct=50.5, ri=-5,
//     adkim=x, psd=x, t=x, fo=2, rf=a b) is discarded and the tag's
//     default applies. Under RFC 9989 pct, rf and ri are not tags at all,
//     so their values do not matter; under RFC 7489 np, psd and t are not.
//   - An entry that is not tag=value, and a report URI receivers cannot
//     use (not a URI, no valid address, a bad "!size"), are discarded.
//   - No p=, an invalid p=, or an invalid sp= (or np=, under RFC 9989) with
//     a valid rua= reads as p=none for the domain and its subdomains
//     alike: the record acts as if it said p=none, and the published p=,
//     sp= and np= are discarded. Without a valid rua= the record is not
//     used (a parse error).
//   - Empty entries (";;", "; ;"), which the grammar's dmarc-sep does not
//     allow, are skipped; a single trailing ";" is allowed.
//   - Tag names and keyword values are matched without regard to case.
//
// What is discarded is listed in [Record.Ignored], with its offset and
// reason, and left out of [Record.String], which prints the record
// receivers apply: Parse(r.String()) is Equal to r and has nothing
// ignored. An rf= naming formats other than afrf is kept (it is
// well-formed) and reported: only afrf is registered. Repeated tags stay
// fatal: receivers differ on which copy wins.
//
// [Build] builds for RFC 9989 unless told otherwise, and so refuses pct.
package dmarc
