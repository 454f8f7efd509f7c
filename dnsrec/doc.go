// Package dnsrec holds what the rest of domainauth shares about DNS: record
// values, change instructions, findings, and the [Resolver] through which
// every package talks to DNS.
//
// # Records
//
// A [Record] is one resource record as a person publishes it: owner name,
// type, TTL and data. TXT data stays as its character-strings of at most 255
// bytes each (RFC 1035, Section 3.3.14); [SplitTXT] cuts a long value
// (a 2048-bit DKIM key, a long SPF record) into strings, and [JoinTXT] joins
// them with no separator, as SPF (RFC 7208, Section 3.3) and DKIM (RFC 6376,
// Section 3.6.2.2) read them. [Record.String] writes a zone-file line with
// RFC 1035, Section 5.1 quoting, and [ParseRecord] reads it back.
//
// # Change instructions
//
// A [Change] says to add a record, to update one from its exact current
// value to a new one, to remove one, or that nothing needs doing, each with
// its reason. [Changes] render as numbered steps for a customer, as zone-file
// lines, and as JSON. Update is its own action because customers told to
// change an SPF record often add a second one, and two SPF records make SPF
// fail (RFC 7208, Section 4.5).
//
// # Talking to DNS
//
// [Resolver] is a one-method interface, ctx first. Its answers tell apart
// the three outcomes that SPF, DKIM and DMARC treat differently:
//
//   - NXDOMAIN: [Answer.NXDomain] is true;
//   - NODATA: the name exists, [Answer.Records] is empty;
//   - a temporary failure (SERVFAIL, REFUSED, timeout): an error for which
//     errors.Is(err, [ErrTemporary]) holds.
//
// TXT answers keep each record's strings apart, and [Answer.CNAMEs] says
// which CNAME chain was followed (the DKIM check needs "you published a
// CNAME where a TXT was expected").
//
// [Client] asks recursive servers through github.com/miekg/dns: UDP with
// EDNS0, TCP when truncated, per-exchange timeouts, cancellation through
// ctx, internationalized names converted with golang.org/x/net/idna
// ([CanonicalName]). [Cache] sits in front of any Resolver, honours TTLs and
// collapses concurrent identical questions into one.
//
// The dnstest package holds an in-memory zone implementing Resolver and a
// loopback DNS server serving it, for the tests of this module and of the
// services that import it.
//
// # Requirements
//
// A [Requirement] is one thing a domain's DNS must satisfy; the spf, dkim
// and dmarc packages provide them, and [CheckAll] checks a list of them
// against a Resolver, returning a [Report] each with its [Finding] values and
// [Changes].
package dnsrec
