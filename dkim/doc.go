// Package dkim generates, publishes and checks DKIM keys (RFC 6376, with
// RFC 8301's key and hash rules and RFC 8463's Ed25519 keys), and signs and
// verifies messages through github.com/emersion/go-msgauth/dkim.
//
// # Keys and records
//
// [GenerateKey] makes RSA keys (2048 bits by default; 1024 allowed but
// flagged, 3072 and 4096 allowed) and Ed25519 keys. PEM goes both ways:
// PKCS#8 and PKCS#1 private keys, SPKI and PKCS#1 public keys.
//
// A [Record] is the key record published at
// <selector>._domainkey.<domain> (RFC 6376, Section 3.6.1): v, h, k, n, p,
// s, t and unknown tags. [NewRecord] derives every field from the key
// itself (k=ed25519 for an Ed25519 key, never a flag). [Parse] and
// [Record.String] round-trip. [TXT] builds the TXT record split
// into 255-byte strings; [Delegation] builds the CNAME by which a customer
// delegates a selector to the vendor.
//
// # Checking a published key
//
// [KeyCheck] is a [plan.Requirement]: [KeyCheck.Check] looks a selector
// up through a dnsrec.Resolver and says exactly what is wrong, with the fix
// as edits of the selector's record sets: not published
// (or "not visible yet"), a CNAME where a TXT belongs or the reverse, a
// wrong CNAME target, a TXT that is not DKIM, several records, one key
// split into two records, a different key, a key cut short or with extra
// or changed characters (saying where it stops matching), whitespace or
// line breaks pasted into p=, quotes kept as text, a revoked key, t=y,
// h= without sha256, k= not matching the key, keys under 1024 bits
// (RFC 8301, Section 3.2) and 1024-bit keys. [Lint] checks a record's text
// alone. Every finding has a stable code (CodeKeyTruncated, ...).
//
// # Signing and verifying
//
// [Signer] and [Verify] are thin wrappers over go-msgauth, which does the
// canonicalization and cryptography; Verify looks keys up through a
// dnsrec.Resolver, so a service's unit test can sign with a generated key
// and verify against an in-memory zone. Signing over-signs the identity
// header fields by default ([DefaultHeaderKeys], RFC 6376, Section 8.15),
// so that a From: or Subject: added in front of a signed message breaks
// the signature. Verify reports a key that DNS could not serve (SERVFAIL, a
// timeout) as a temporary failure (RFC 6376, Section 6.1.2) and refuses RSA
// keys over [MaxRSABits] (RFC 8301, Section 3.2).
//
// Tag values are case-sensitive (RFC 6376, Section 3.2): Parse keeps them
// as written, and Lint and [KeyCheck] report k=RSA, h=SHA256 or s=Email as
// errors, since verifiers reject them.
//
// # Leniency
//
// Parse accepts what verifiers accept, and Lint reports it: whitespace
// inside p= (RFC 6376 allows folding whitespace there), a missing v=, v= not
// first, an RSA key as PKCS#1 RSAPublicKey instead of SPKI (RFC 6376
// erratum 3017), and empty entries in the tag-list (";;", a trailing ";").
package dkim
