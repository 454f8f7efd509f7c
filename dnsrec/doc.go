// Package dnsrec holds what the rest of domainauth shares about DNS: record
// values, names and domains, and the [Resolver] through which every package
// talks to DNS, with its real [Client] and its [Cache]. What to change in
// DNS (requirements, findings, plans) is package plan's.
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
// EDNS0 (RFC 6891), TCP when truncated (RFC 1035, Section 4.2.1) or when a
// reply is longer than the size advertised, per-exchange timeouts,
// cancellation through ctx, internationalized names converted with
// golang.org/x/net/idna ([CanonicalName]). It takes an answer only for the
// question asked: records of a name off the question's CNAME chain make a
// temporary failure, not "no records". Every question carries a random ID
// and leaves from a random source port (RFC 5452, Sections 4.5 and 9.2; see
// [SocketReuse] and "Forged answers" below). At most
// [Client.MaxInFlight] exchanges are in flight at once, so that questions
// nobody answers cannot take every socket of a server.
//
// [Cache] sits in front of any Resolver, honours TTLs and collapses
// concurrent identical questions into one. A caller whose ctx is done
// starts nothing, and a question nobody waits for any more is cancelled.
//
// # CNAME chains in the cache
//
// The cache keeps each RRset of an answer under its own owner name, for
// its own TTL ([Answer.TTLs]), as a recursive resolver does (RFC 2181,
// Section 5.2; Unbound's RRset cache): each CNAME under its alias, the
// records at the end of the chain under the target, and a negative answer
// there for the smaller of the SOA's TTL and MINIMUM (RFC 2308, Section
// 5). A lookup that meets a CNAME it holds goes on from the target without
// asking again (RFC 1034, Section 3.6.2; RFC 2181, Section 10.1), and
// asks only for the links it lacks, so a batch of customers whose DKIM
// selectors all point to the vendor's key asks for that key once per TTL.
// Over a [Stepper] (the [Client]; an authoritative server answers a CNAME
// into another zone alone) the cache follows chains itself, a server's
// answer at a time. The answer to the question asked is kept too, no
// longer than the shortest TTL along its chain. A caller that counts its
// questions (the spf package's Result.Queries) counts one per Lookup: the
// links the cache follows for it are not questions the caller asked.
//
// The dnstest package holds an in-memory zone implementing Resolver and a
// loopback DNS server serving it, for the tests of this module and of the
// services that import it.
//
// # Forged answers
//
// A [Client] takes a UDP reply only from the server's address and port,
// arriving at the question's source port, with the question's ID and the
// question itself in it. An attacker off the path who wants a forged answer
// taken must therefore guess, for one question, its 16-bit ID (from
// crypto/rand, never repeated on one socket: 16 bits) and its source port.
// By default ([SocketReuseDefault]) a question to a server not on loopback
// leaves from one of 64 sockets of the server's port pool, drawn at random,
// each bound by the kernel to a random port of its ephemeral range and
// replaced after 8 to 24 questions or 10 seconds. The bits per question:
//
//   - an attacker who has not seen the pool's ports: 16 bits of ID and
//     log2 of the ephemeral range for the port, 14.8 bits with Linux's
//     default 28,232 ports: 30.8 bits, one chance in about 1.9 billion per
//     forged datagram, the same as a new socket per question;
//   - an attacker who has seen every port of the pool (who made the client
//     ask his own server, for instance): 16 bits of ID and 6 bits of
//     the choice of socket: 22 bits, one chance in about 4 million, for
//     at most the 24 questions or 10 seconds before each socket he saw is
//     replaced by one on a port he has not seen.
//
// [SocketReuseNever] keeps 30.8 bits in both cases, at the cost of a socket
// per question; [SocketReuseAlways], the socket used last, gives the second
// attacker 16 bits. Towards a server on loopback no one off the host can
// send the client a datagram, and the default reuses sockets.
//
// # Answers shared between packages
//
// An answer held by a [Cache] is shared by every check that asks the same
// question. A package that interprets answers (the spf package parses the
// SPF record out of a TXT answer) keeps what it derived with the answer
// ([Answer.Derive]), so that a shared answer is interpreted once, not once
// per check. A resolver that can answer from memory, at once and without
// I/O, implements the optional [InMemory] interface ([Cache] does for the
// answers it holds, and so does the dnstest zone), so that a caller skips
// work that only pays when answers are slow: the spf package fetches the
// records a check will need concurrently only for questions that are not
// in memory, and starts no goroutine when all are. Both are for packages
// that interpret answers and for resolvers that wrap a cache, inside this
// module or outside it.
//
// # Errors
//
// Every temporary DNS failure, from this package or from the packages
// built on it, answers errors.Is(err, [ErrTemporary]); the failed question
// is an [*Error] in the chain (errors.As), which is also a net.Error whose
// Temporary method says so, for libraries that ask that. A missing resolver
// is [ErrNoResolver], which is not temporary.
//
// # Names
//
// Names at the DNS boundary, in [Record] and [Answer] (and in package
// plan's edits, changes and findings), are canonical: ASCII
// (internationalized labels in punycode), lower case and absolute, with the
// trailing dot ([CanonicalName]). Fields
// named Domain in the other packages' results, which people read, hold the
// same canonical form without the trailing dot ([TrimDot]). A domain that a
// person typed is checked with [ParseDomain], which says what was probably
// meant ("info@customer.example" is an e-mail address; did you mean
// "customer.example"?).
package dnsrec
