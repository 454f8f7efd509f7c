// Package store keeps what a vendor learns about its customers' domains
// over time: every DMARC aggregate report received (RFC 9990; RFC 7489,
// Appendix C), and every check of a domain; and computes from them the
// evidence that stages a domain's DMARC policy from p=none to p=reject.
//
// # Backends
//
// [Open] takes a data source name: a file path opens (or creates) a
// SQLite database, embedded and pure Go (modernc.org/sqlite), the default
// for one machine; a postgres:// URL opens PostgreSQL (pgx), for several
// machines sharing one store. Both run the same SQL, the same tests, and
// the same schema, versioned: its migrations are embedded in the program
// and applied when the store is opened, one transaction each, and a store
// written by a newer program is refused with [ErrSchemaNewer].
//
// # What is kept
//
//   - Each report as received, gzip-compressed (in pieces of 1 MB as
//     received when it is larger: migration 3), so it can be read again,
//     byte for byte, when the parser improves ([Store.Report] whole,
//     [Store.OpenReport] a piece at a time, as [Ingester.Reread] does); its rows
//     (the first feedback.MaxReportRows records; the records past them
//     are counted in the sums and the report's reason); and per domain,
//     UTC day (of the
//     report's begin) and source address the sums: messages, DMARC pass,
//     SPF and DKIM aligned, SPF and DKIM passing at all, the receivers'
//     dispositions and override reasons (RFC 7489, Section 7.2; an
//     "arc=pass" comment counted apart), and the source's kind and reverse
//     name.
//   - The organizations reporting per domain and day.
//   - Each check of a domain: its status, the records read, the plan as
//     JSON, and when.
//   - The list of the vendor's customer domains: with one, reports for
//     other domains are counted as skipped and not kept.
//
// [Retention] deletes by age per kind of data; a report's raw bytes go with
// its rows.
//
// # Idempotence and crashes
//
// A report is stored with its rows and sums, whole or not at all. The
// [Ingester] stores several in one transaction (group commit: a [Batch] of
// up to 256 reports, 16 MB or 1 s, [BatchLimits]), each in a savepoint of
// its own, and acknowledges them (counts them, tells Progress) only once
// the transaction committed: one fsync for many reports, with SQLite's
// full sync kept. The same report again (the same reporting organization
// and report ID, or the same bytes, by SHA-256), in the same batch or
// another, is refused by the database's UNIQUE constraints (INSERT ... ON
// CONFLICT DO NOTHING), not by a look-up before it: two ingesters on one
// store never count a report twice, and a process killed mid-ingest leaves
// no report half written and loses none it acknowledged. Batches take
// turns at writing (SQLite's immediate transactions, PostgreSQL's advisory
// lock), and write a batch's daily sums in key order at its commit.
//
// # Ingestion and leniency
//
// An [Ingester] reads report files (XML, gzip, zip), messages, mbox files
// (mboxrd ">From " unquoted), Maildirs (cur/ and new/; tmp/ is not
// delivered yet) and directories of them, and one message from a reader
// (an MTA piping the vendor's report address to the program). In a message
// it finds reports the way receivers send them: attached or inline, as
// text/xml, application/xml, application/zip, application/gzip,
// application/x-zip-compressed, application/octet-stream, or any part
// whose name ends in .xml, .zip or .gz or whose bytes start like XML, zip
// or gzip; in base64 or quoted-printable.
//
// Reports are read strictly first (feedback's readers, with the bounds of
// feedback.ParseAggregateReport). One that fails is read again leniently, mending what real
// receivers get wrong, and stored as [StatusRecovered] with what was
// mended:
//
//   - an element wrapped around <feedback>;
//   - an address in angle brackets inside <email>;
//   - invalid UTF-8 (replaced by U+FFFD), a byte-order mark, a Latin-1
//     declared encoding (converted);
//   - a bare "&" (escaped).
//
// What no reader can read is kept raw with the reason ([StatusUnreadable])
// and listed in the result: never dropped. Ingestion streams, its memory
// independent of a report's size ([Batch.ReadReport]): a report is read in
// pieces of 1 MB, each compressed and stored as it comes, then read back
// piece by piece by the strict reader (feedback.StreamPlainAggregateXML,
// or feedback.StreamAggregateXML for what that one does not read), its
// rows inserted as they are read and its sums kept per source. A report
// is read up to [MaxRawReport] bytes as received (a zip file up to
// feedback.MaxReportSize), the lenient reader mends at most 8 MB of XML
// (it holds the text), a message is read up to [MaxMessageSize], its parts
// at most [MaxMessageParts] nested [MaxMessageDepth] deep, each report in
// it read as the walk meets it.
//
// # Reading again
//
// The raw bytes are kept so that a report no reader could read is read
// again once the readers improve. [Ingester.Reread], run after upgrading
// the program, walks the reports kept as unreadable (by ID, a page at a
// time, one report's bytes held at a time), reads each with the readers
// above (XML, gzip, zip, strictly then leniently), and stores those it
// can read now by group commit, as an ingest does: each through
// [Batch.Reread], which, in a savepoint of its own and inside the batch's
// transaction, checks that the report is still unreadable with the same
// bytes, and stores the report read in its place, under a new (higher)
// ID, with its rows and sums, its source and time of receipt kept. A
// report the store already holds in a readable copy (the same
// organization and report ID) or for a domain it does not keep is
// deleted and counted as present or skipped; one still unreadable stays
// as it was (same ID, bytes and reason). As the check is in the
// transaction and batches take turns, two processes reading again at
// once never store a report twice: the second finds it gone ([Gone]).
// What was kept without a report's bytes (a report too large, a message
// part whose encoding is broken, a message in which no report was found)
// is not read again, and stays listed.
//
// # Reverse names
//
// The reverse name of each source address is kept in a table of its own,
// one row per address, with when it was looked up and the outcome, named
// as RFC 8601, Section 2.7.3 names the results of its "iprev" method:
// pass (the name), fail (PTR names, none resolving back), permerror (no
// PTR record: NXDOMAIN, or none at the name) or temperror (DNS failed for
// now: looked up again later, and a name confirmed before is kept
// meanwhile). As receivers do, the store keeps only the
// forward-confirmed name (RFC 8601, Section 3): a PTR name whose A records
// (AAAA for IPv6) hold the address; a PTR anyone can publish for an
// address they hold names nothing until the name's owner agrees.
//
// Ingestion asks no DNS: [ResolveNames], called after ingesting and by the
// monitor on each pass, reads the reports stored since its last call for
// new addresses and looks up those with no name yet, those whose look-up
// failed temporarily, and those whose look-up grew old, through the
// caller's resolver: a bounded number per call, a bounded number at
// once, each within its own deadline; one that fails never fails the
// others. Several processes on one store share the work by leases, as
// the monitor's schedule does. The evidence and its hurt sources show the
// name where the store has one ([Source.Host], [Hurt.Host]), and
// [Retention].Days deletes the names of sources no longer seen.
//
// # Evidence and stages
//
// [ComputeEvidence] sums a domain's days over a window: days covered,
// receivers, reports, messages, DMARC passes, the pass rate of the
// legitimate sources (those with aligned mail, the vendor's and, with a
// [Classifier] such as [SPFClassifier], the services the domain's SPF
// record declares), unaligned and
// unauthenticated volume, the sources a stricter policy would hurt (a
// legitimate source whose mail fails, or mail delivered only because the
// receiver overrode the policy: forwarded, local_policy, mailing_list,
// arc=pass), and the stage in force and since when, from the stored
// checks. The next stage (domaincheck.Stage: none, quarantine with t=y,
// quarantine, reject) is proposed only when every condition of the
// profile's domaincheck.Staging holds, and otherwise Missing says what is
// lacking ("9 of 14 days of reports"). [EvidenceFunc] backs
// domaincheck.Checker.Evidence with it.
//
// # The monitor's schedule
//
// [Store.Schedule], [Store.Claim] and [Store.Done] let several monitoring
// processes share the domains of one store: each domain is leased to one
// process at a time, checked at most once per interval, and the domains of
// a process that dies go to the others when its lease ends.
package store
