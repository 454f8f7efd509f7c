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
// so a record reads the same whatever the caller picks; what differs is
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
// Section 7.4); it is a [dnsrec.Requirement] too. [Recommend] is the
// requirement "the domain publishes at least this policy, with these report
// addresses": it never loosens a policy, keeps the customer's own report
// addresses, replaces a record meant as DMARC that receivers ignore (or an
// SPF record at _dmarc) instead of adding a second one, and reaches the
// policy in stages: p=none with aggregate reports first, and quarantine or
// reject only once the vendor's DKIM keys are published and the reports
// show the domain's legitimate mail passing ([Recommend.ReportsPass]).
//
// # Strictness and leniency
//
// Parse is strict about the version (exactly "v=DMARC1", first), repeated
// tags (an error: receivers differ on which copy wins) and invalid values
// of known tags. Discovery reads records as receivers must: an invalid
// value of an optional tag falls back to its default and is reported, and
// a record without a valid p= but with a valid rua= is applied as p=none
// (both RFCs). Tag names and keyword values are matched without regard to
// case; empty entries in the tag-list (";;", a trailing ";") are skipped.
package dmarc
