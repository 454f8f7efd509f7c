// Package received reads the trace fields a message collects on its way
// (Received, RFC 5321 Section 4.4): which host added a field ("by"), where
// the message came from ("from"), and whether a field records the message
// arriving from outside the receiver's own hosts or one of their internal
// hops. The feedback package draws the receiver's trust line with it (RFC
// 8601 Section 5); the mailbox package finds the hop whose connection the
// providers' TLS rule judges.
//
// Received fields are free text in practice: every function here reads
// the words receivers write, reads at most the first 4096 bytes of a
// field, and never fails.
package received
