// Package dnstest provides an in-memory DNS zone and a loopback DNS server
// for tests, in this module and in services that import it.
//
// A [Zone] is built from zone-file text (RFC 1035, Section 5, parsed by
// github.com/miekg/dns) and implements dnsrec.Resolver: it follows CNAME
// chains, distinguishes NXDOMAIN from NODATA (RFC 8020), expands wildcards
// (RFC 4592), logs the most recent questions (a bounded log of
// [DefaultQueryLog] unless set with [Zone.KeepQueries]) and counts them all,
// and can be told to fail for a name and type with a timeout, SERVFAIL or
// REFUSED. It says it answers from memory (dnsrec.InMemory), so that code
// which fetches ahead only when answers are slow runs in a test as it does
// over a warm cache.
//
// [Serve] starts a [Server] on 127.0.0.1 (UDP and TCP, one free port) that
// answers from the same zone as a recursive resolver would, so that a test
// can run dnsrec.Client, or any other DNS client, against it.
// [ServeAuthoritative] answers as the authoritative servers of the zone's
// zones would (a CNAME into another zone answered alone, as BIND does), and
// [Authoritative] gives the same answers in memory, as a dnsrec.Stepper. [Resolvers] gives both, for a table test to
// run against each; [Zone.Repeated] lists questions asked more than once,
// for tests of code that promises to ask each question once.
package dnstest
