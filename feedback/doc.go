// Package feedback reads what the mail world sends back about a vendor's
// mail: bounces (RFC 3464 delivery status notifications, and the plain-text
// bounces of the MTAs and providers that send none), each failed recipient
// classified as an authentication failure (SPF, DKIM or DMARC, with the
// receiver's own words), a reputation problem (a blocklist, named where the
// text says), a mailbox problem, a policy or content refusal, or a
// temporary failure, with its enhanced status code (RFC 3463, RFC 7372) in
// words.
//
// DMARC aggregate reports are read by the dmarc package
// (dmarc.ParseAggregateReport).
//
// Everything here reads untrusted input: ParseBounce reads at most
// [MaxMessageSize] bytes and a bounded number of MIME parts, nested one
// level at most, and never panics.
package feedback
