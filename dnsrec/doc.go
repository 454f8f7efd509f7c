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
// A [Change] is one instruction for one record set (the records of one type
// at one name): the set as it is ([Change.Current]) and as it should be
// ([Change.Proposed]), from which follow the records to delete and to add
// and the [Action]: add, update, remove, or nothing to do. Update is its own
// action because customers told to change an SPF record often add a second
// one, and two SPF records make SPF fail (RFC 7208, Section 4.5). Each change
// says which zone it is in, who makes it ([Party]: the customer, the vendor,
// or another party), its [Stage], and its owner name both absolute and
// relative to the zone ("@", "default._domainkey"), since most DNS
// providers' forms append the domain themselves; its [Reason] values carry
// a stable [Code] and parameters beside the English sentence.
//
// [Changes] render as numbered steps for a person ([Changes.Text]; render
// one party's changes, see [Changes.For]), as zone-file lines grouped by
// zone ([Changes.Zone]), as an nsupdate script for RFC 2136 dynamic updates
// ([Changes.NSUpdate]) whose prerequisites name each whole record set as it
// was read, so that a script applied after someone else edited the set
// changes nothing, and as JSON.
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
// # Requirements and plans
//
// A [Requirement] is one thing a domain's DNS must satisfy; the spf, dkim
// and dmarc packages provide them (the SPF record authorizes the vendor, the
// DKIM selector is delegated, the DMARC policy reaches a stage). Each
// returns a [Report]: whether it holds, its [Finding] values, and its
// [Edit] values, each a pure function from one record set's current records
// to the records it should hold.
//
// [CheckAll] checks a list of requirements through one [Cache], so that no
// question is asked twice, and combines their edits into one [Plan]: every
// record set is read once, its edits are applied in the order the
// requirements were given (two vendors' SPF includes become one update that
// holds both), the result is verified by the edits' own checks, and the
// difference becomes one [Change]. A set whose combined result would fail
// those checks (an SPF record over 10 lookups, say) gets no change and a
// finding that says why ([CodeWithheld]): a plan never publishes a record
// the library calls broken. Changes are ordered DKIM, then SPF, then DMARC,
// so that a customer who stops after any step is no worse off than before.
//
// # Names
//
// Names at the DNS boundary, in [Record], [Answer], [Edit], [Change] and
// [Finding], are canonical: ASCII (internationalized labels in punycode),
// lower case and absolute, with the trailing dot ([CanonicalName]). Fields
// named Domain in the other packages' results, which people read, hold the
// same canonical form without the trailing dot ([TrimDot]). A domain that a
// person typed is checked with [ParseDomain], which says what was probably
// meant ("info@customer.example" is an e-mail address; did you mean
// "customer.example"?).
package dnsrec
