// Package plan works out what must change in a domain's DNS so that a
// vendor may send mail as it, and says so for a person and for a program.
//
// # Requirements and reports
//
// A [Requirement] is one thing a domain's DNS must satisfy for the vendor:
// the spf, dkim and dmarc packages provide them (spf.Authorize: the SPF
// record authorizes the vendor; dkim.KeyCheck: the DKIM selector is
// delegated or publishes the key; dmarc.Recommend: the DMARC policy
// reaches a stage). Its [About] says what it asks, its [Stage] and its
// [Party] without asking DNS; checking it through a resolver gives a
// [Report]: which requirement it is about, whether it holds, its [Finding]
// values, its [Edit] values (each a pure function from one record set's
// current records to the records it should hold), and the error when it
// could not be checked.
//
// A [Finding] says what is wrong, where (the record's name, the term or
// tag, its offset in the text), why it matters and the exact fix, with a
// stable [Code] and the parameters its sentences are made of, so that a
// program can word it in its own language.
//
// # Plans
//
// [Check] checks a list of requirements through one cache, so that no
// question is asked twice, and combines their edits into one [Plan]: every
// record set is read once, its edits are applied in the order the
// requirements were given (two vendors' SPF includes become one update that
// holds both), the result is verified by the edits' own checks, and the
// difference becomes one [Change]. A set whose combined result would fail
// those checks (an SPF record over 10 lookups, say) gets no change and a
// finding that says why ([CodeWithheld]): a plan never publishes a record
// the library calls broken. Changes are ordered DKIM, then SPF, then DMARC,
// so that a customer who stops after any step is no worse off than before.
// [Plan.Stage] gives a stage's reports and the planner's findings about it.
//
// # Where a change is made
//
// A record set is read where it lives: when its name is a CNAME (a DMARC
// record hosted by a service), at the end of the chain (dnsrec.ReadSet and
// Answer.Owner), and its change is made there by whoever operates it
// ([Change.Via], [Change.Operator]), never as a record beside the CNAME
// (RFC 1034, Section 3.6.2). A change's zone is the one DNS says holds the
// name: the nearest name with an SOA record of its own, so that a
// delegated _dmarc or subdomain is its own zone, with its own nsupdate
// zone line. The zone's name servers name its DNS host ([HostForNS]), and
// the step writes the Name field the way that host's form wants it. A
// removal that empties a record set and the addition of a record of
// another type at the same name, one of them a CNAME, are one change
// ([ActionReplace]): made apart, the name would hold nothing between them.
//
// # Changes
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
package plan
