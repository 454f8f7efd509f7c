// Package domainconnect applies a vendor's plan for a customer domain in
// one click where the customer's DNS host supports Domain Connect (the
// Domain Connect specification, version 2.3, as the IETF dconn working
// group's draft-ietf-dconn-domainconnect carries it; sections are named
// as the specification names them).
//
// # The vendor's template
//
// [FromProfile] generates the vendor's template from its profile
// (domaincheck.Profile) (Section "Template Definition" and "Template Record"):
// the DKIM selectors (a CNAME where the profile delegates the key, else
// the key as a TXT record with txtConflictMatchingMode All), the SPF
// authorization as an SPFM record whose spfRules the DNS host merges into
// the existing SPF record (Section "SPF Record Merging"), the
// return-path CNAME when the envelope uses one, and the DMARC record for
// a domain without one (Prefix mode "v=DMARC1", essential OnApply), each
// in its own group. [Template.JSON] writes it as the public template
// repository holds it (Section "Public Template Repository"; the tests
// validate it against that repository's published schema), and
// [Template.Validate] checks the rules of the specification that the
// schema does not. A profile's values are the same for every customer,
// so the template holds no variables but the built-in %domain%, %host%
// and %fqdn%. Its apply links are always signed: [GenerateKey] makes the
// key and [KeyRecords] the TXT records that publish it at
// syncPubKeyDomain, split as "p=1,a=RS256,d=…" (Section "Digitally Sign
// Requests").
//
// # Discovery
//
// [Config.Discover] finds the zone that holds a domain (the nearest name
// with its own SOA record), reads the _domainconnect TXT record at its
// apex through the project's resolver, and fetches the DNS host's
// settings document from https://{record}/v2/{zone}/settings (Section
// "DNS Provider Discovery"); [Config.Supports] asks whether the host has
// the vendor's template (Section "Query Supported Template"). The record
// is written by whoever controls the domain, so every URL is treated as
// hostile: https only; no redirect followed; the host resolved once
// through the resolver, every address checked ([PublicAddress] refuses
// loopback, private, link-local, shared CGNAT, documentation and other
// special ranges, and a host with any such address) and the checked
// address dialled, so that a second resolution cannot swap in another
// (DNS rebinding); no proxy; a size limit and a deadline per request,
// body included. The zero Config is that strict policy; a test serving
// on loopback sets Config.AllowAddress.
//
// # The apply link, offered only when it gives what the plan promises
//
// [Offerer.Offer] takes a domain's report from domaincheck.Checker and decides:
//
//  1. each of the customer's changes in the plan must be one a group of
//     the template makes exactly as the plan proposes it, in the zone the
//     DNS host serves; otherwise a [Reason] (a [ReasonCode] and a
//     sentence) says why, and the plan's steps stay the way to go: a
//     record hosted elsewhere, a broken record to replace, an existing
//     DMARC record to edit (the template never overwrites a policy), an
//     SPF record the host's merge would write differently;
//  2. the DNS host is discovered and must have the template;
//  3. the template, with only the groups the changes need, is applied to
//     the zone as read, in memory ([Template.Apply], the specification's
//     conflict and merge rules, Section "Record Types and Conflicts"), and
//     the domain checked again through an [Overlay]; so is the plan. The
//     link is offered only when both give the same outcome.
//
// The link ([Link]) is the synchronous flow's apply URL with domain,
// host, groupId, redirect_uri and state, signed with RS256 over the query
// (sig= and key=, Section "Apply Template URL" and "Digitally Sign
// Requests"). The return to redirect_uri proves nothing (Section
// "Verification of Changes"): check the domain again.
//
// # Deliberate choices where the specification leaves room
//
//   - SPF merge: a careful host keeps the existing record's "all" and its
//     qualifier, and writes "~all" (the specification's advice) only where
//     there was no record or no "all"; where no merge is possible it
//     replaces the record. A host that rewrites "-all" to "~all" would
//     publish a weaker record than the plan; the simulation cannot know
//     which host does which.
//   - Prefix matching of txtConflictMatchingPrefix is exact (Section
//     "Case Sensitivity"); the DMARC group is only applied where the
//     domain has no TXT record at _dmarc at all.
//   - A _domainconnect record that starts with https:// is read as the
//     URL prefix; any other scheme is refused.
//   - A signed link does not expire (the specification gives it no
//     time), and the DMARC group's Prefix mode replaces any record
//     starting with "v=DMARC1": a link made for a domain without a DMARC
//     record, kept and followed after the owner published a stricter one,
//     would replace it. Make links when they are shown, never store them,
//     and put a time in state so that the return can tell an old one.
package domainconnect
