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
// Section 7.4); it is a [plan.Requirement] too. [Recommend] is the
// requirement "the domain publishes at least this policy, with these report
// addresses": it never loosens a policy, keeps the customer's own report
// addresses, replaces a record meant as DMARC that receivers ignore (or an
// SPF record at _dmarc) instead of adding a second one, and reaches the
// policy in stages: p=none with aggregate reports first, and quarantine or
// reject only once the vendor's DKIM keys are published and the reports
// show the domain's legitimate mail passing ([Recommend.ReportsPass]).
//
// # Aggregate reports
//
// [ParseAggregateReport] reads a report as receivers send it (XML, gzip or
// zip; RFC 9990 and the format of RFC 7489, Appendix C), decoding the XML
// as it is decompressed, and sums its records as it reads them: records
// alike make one row, and the records past [MaxReportRows] distinct rows
// are counted, not kept, so a report of any number of records is read
// within [MaxReportHeap]. It refuses, with [ErrReportTooLarge], a zip file
// past [MaxReportSize], XML past [MaxReportXML], and anything past the
// limits on elements, nesting and token size, so that a small file
// holding millions of elements is refused within the same bound.
//
// [Summarize] sums reports up per sending address, with its reverse DNS
// name, whether the vendor's SPF term authorizes it and what it is to the
// domain ([SourceKind]), and says whether it is safe to move the domain to
// a stricter policy, naming the legitimate sources whose mail would be
// hurt: sources whose other mail is aligned, the vendor, and services the
// domain's own SPF record declares. A source that passes SPF or DKIM only
// for an unrelated domain of its own, as a spoofer with its own domain or
// a forwarder does, is listed apart ([ReportSummary.Unaligned]) and does
// not make tightening unsafe, unless a receiver delivered its failing mail
// only by overriding the policy ([OverrideType]: forwarded, mailing_list,
// local_policy with an ARC chain that passed): a stricter policy loses
// that mail, so its source is hurt.
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
// Parse is strict: repeated tags (an error: receivers differ on which copy
// wins), malformed entries and invalid values of known tags are errors.
// Discovery reads records as receivers must (RFC 9989, Section 4.7): an
// entry that is not tag=value, or an unknown tag, is ignored, not the
// record; an invalid value of an optional tag falls back to its default and
// is reported; an invalid p= (or sp=, or np= under RFC 9989) is applied as
// none when the record has a valid rua=, and without one the record is not
// used; repeated tags stay fatal. Tag names and keyword values are matched
// without regard to case; empty entries (";;", a trailing ";") are skipped.
// [Build] builds for RFC 9989 unless told otherwise, and so refuses pct.
package dmarc
