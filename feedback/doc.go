// Package feedback reads what the mail world sends back about a vendor's
// mail: bounces, and the header fields receivers add to the messages they
// deliver or flag.
//
// # Bounces
//
// [ParseBounce] reads RFC 3464 delivery status notifications and the
// plain-text bounces of the MTAs and providers that send none (Postfix,
// Exim, Gmail, Microsoft 365, Yahoo), even pasted without their header
// fields. Each failed recipient is classified ([Class]): an authentication
// failure (SPF, DKIM or DMARC, with the receiver's own words), a
// reputation problem with the blocklist named ([Listing]: the zone the
// receiver queried, its operator, the listed address and the operator's
// lookup page), a mailbox problem, a message too large, a content or
// policy refusal, or a temporary failure. The most specific enhanced
// status code found wins (RFC 3463, Section 3; RFC 7372): a delivery-status
// part's generic 5.0.0 gives way to the receiver's 5.7.26 in its text. The
// mailbox providers' own codes (Gmail's 2024 bulk-sender codes, Outlook.com's
// 5.7.515, Yahoo's) name the provider's rule and its fix ([ProviderRule]).
// [Diagnose] turns an authentication failure into the DNS fix.
//
// # Header fields
//
// [ParseHeaders] and [HeaderParser.Parse] read Authentication-Results
// (RFC 8601) with comments and quoted strings parsed by the rules of RFC
// 5322, Section 3.2.2 (a comment may hold a ";"), ARC-Authentication-Results
// (RFC 8617), Received-SPF (RFC 7208, Section 9.1) and the spam filters'
// fields (SpamAssassin and amavis, rspamd, Microsoft's anti-spam report).
// Each result says whose it is ([Trust]): RFC 8601, Section 5 has a
// receiver trust only what its own administrative domain added, as a
// sender can forge the field. The caller names its receiving hosts
// ([HeaderParser.TrustedIDs]); by default the final receiver's: the
// authserv-id that the receiver's own Received field names, else that of
// the topmost Authentication-Results field. A receiving host adds its
// result above the Received field it writes on arrival, so a result below
// that field was in the message when it arrived: untrusted (a relay's, or
// forged), as are results of other hosts; ARC sets are what earlier hops
// saw. Only the receiver's results are the verdict ([Headers.Failures]).
//
// DMARC aggregate reports are read by the dmarc package
// (feedback.ParseAggregateReport).
//
// # Languages
//
// The sentences this package words (a status code in words, a provider's
// rule and its fix, what to do about a failed recipient, a header field's
// result, why a report's source is what it is and why a stricter policy
// is not yet safe) come from the message catalogue (package i18n), each
// by a code and the values it is filled from ([Codes]). The fields hold
// the English; [StatusTextIn], [Recipient.AdviceIn],
// [ProviderRule.RuleIn], [Reason.TextIn], [SourceSummary.WhyIn],
// [ReportSummary.NotSafeBecauseIn] and [Listing.StringIn] render the same
// sentence for a reader of German, French, Italian or Dutch. Values (codes
// such as 5.7.26, addresses, domain names, the receiver's own words) are
// never translated.
//
// # Limits and leniency
//
// Everything here reads untrusted input, never panics, and takes time and
// memory linear in its input: ParseBounce reads at most
// [mailbox.MaxMessageSize] bytes and a bounded number of MIME parts,
// nested one level at most, keeps [MaxRecipients] recipients and
// [MaxDiagnosticLength] bytes of each diagnostic, and searches
// [MaxLineLength] bytes of each line. Header blocks are read by
// [mailbox.ReadHeader], the one reader of a message's header in this
// module, within [mailbox.MaxHeaderSize] bytes and
// [mailbox.MaxHeaderFields] fields. Errors never quote the input (it may
// be binary); they wrap mailbox's sentinels, which say what it was:
// [mailbox.ErrEmpty], [mailbox.ErrBinary], [mailbox.ErrNoHeader],
// [mailbox.ErrMalformed], [mailbox.ErrTooLarge],
// [mailbox.ErrTooManyHeaders].
//
// Leniencies: an Authentication-Results field without an authserv-id
// (Microsoft 365 writes none) is read, its id taken as ""; free text
// between properties is skipped; an unreadable field is reported as a
// reason of its own ("unreadable"), never dropped. Received-SPF and the
// spam filters' fields carry no authserv-id: they are the receiver's when
// they stand above the line its Received fields draw, and Microsoft's own
// (X-Forefront-Antispam-Report, X-MS-Exchange-Organization-SCL), which
// Exchange Online writes below the Received fields, are the receiver's
// when Microsoft's hosts received the message.
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
// [StreamAggregateReport] and [StreamAggregateXML] read a report with the
// same decoder and limits but keep none of its records: each is given to an
// [AggregateHandler] as it is read, after the report's head, so that a
// store can insert rows as they come, its memory independent of the
// report's size. [StreamPlainAggregateXML] reads the plain XML nearly every
// receiver writes several times faster (no encoding/xml, next to no
// allocation), and gives up with [ErrNotPlainXML] at anything else (a
// comment, CDATA, a namespace prefix, an entity beyond the five predefined
// ones, another encoding, anything not well-formed): the caller reads the
// report again with StreamAggregateXML, whose answer holds.
//
// [Summarize] sums reports up per sending address, with its reverse DNS
// name, whether the vendor's SPF term authorizes it and what it is to the
// domain ([SourceKind]), and says whether it is safe to move the domain to
// a stricter policy, naming the legitimate sources whose mail would be
// hurt: sources whose other mail is aligned, the vendor, and services the
// domain's own SPF record declares. A source that passes SPF or DKIM only
// for an unrelated domain of its own, as a spoofer with its own domain or
// a forwarder does, is listed apart ([ReportSummary].Unaligned) and does
// not make tightening unsafe, unless a receiver delivered its failing mail
// only by overriding the policy ([OverrideType]: forwarded, mailing_list,
// local_policy with an ARC chain that passed): a stricter policy loses
// that mail, so its source is hurt.
package feedback
