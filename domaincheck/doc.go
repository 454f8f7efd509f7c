// Package domaincheck checks a customer's domain for a vendor that sends
// mail as it: whether the vendor may send as the domain today, what blocks
// it, and the customer's DNS changes that make it ready, in a safe order.
//
// # The vendor profile
//
// A [Profile] says how a vendor sends and what it needs of a customer
// domain: its SPF authorization, its servers (each address with the HELO
// name it greets with), the envelope its mail carries in MAIL FROM (the
// customer's address, the vendor's own bounce domain, or a return-path
// subdomain of the customer delegated to the vendor: [EnvelopeMode]), its
// DKIM selectors, the least DMARC policy it sends under and the stage it
// recommends next. [ParseProfile] validates every field and names the one
// that is wrong.
//
// [Checker.Check] checks one domain end to end and returns a
// [DomainReport] with a [DomainStatus] a program can act on. The domain is
// ready ([DomainReady]) when the vendor may send as it today with the
// outcome the profile requires: for each of the vendor's servers and the
// envelope it uses, DMARC passes through aligned SPF (check_host(),
// RFC 7208, for that server and envelope domain; a record that passes
// anyone does not count) or aligned DKIM (the vendor's selectors published
// or delegated as expected), no server gets SPF fail with the envelope on
// the customer's domain or a return-path name under it (receivers reject
// on it before DMARC is evaluated, RFC 7208, Section 8.4; softfail is
// advice), and the published DMARC policy meets the profile's minimum
// (RFC 9989, Section 4.4 for alignment). In the customer's areas a finding
// that blocks is an error and every error blocks. Everything else is
// advice: a warning or info, never blocking (the SOA timers
// RFC 1912 recommends, a missing MX, the next DMARC stage and its
// condition). The report's sentence says what blocks and, apart, what is
// advice; its plan (plan.Check) holds the safe changes, and every
// finding's fix names the step that makes it, or says why none is
// proposed. A domain that does not exist, or is not delegated, gets its
// own status and no plan.
//
// Whether a domain's aggregate reports show its legitimate mail passing is
// a fact about that domain ([Evidence], per domain through
// Checker.Evidence); until it is known the policy stays at p=none.
//
// The vendor's own set-up (reverse DNS and HELO name of each server, the
// blocklists the caller names, the vendor's own SPF records and key
// records) is the vendor's: [Checker.CheckVendor] checks it once (a batch
// does it once for all its domains), it is reported in a [VendorReport]
// apart from every customer's, and it never makes a customer's domain
// unready; when it affects every customer's mail, each report says so in
// one line. [Checker.CheckBatch] checks many domains with bounded
// concurrency and one shared, bounded cache.
//
// # Verifying a domain for the sender address
//
// A [Verifier] answers package sender's question, whether a domain's DNS
// really authorizes the vendor (sender.Config.DNS), with the same verdict
// as [Checker.Check]'s: Verifier.Checker holds the profile. It keeps DNS
// answers, not verdicts, in one bounded cache for their TTL.
//
// # The mailbox providers' rules
//
// Each [DomainReport] has a [ProviderSection] for every provider the
// profile names (Profile.Providers; all of Gmail, Yahoo and Outlook.com
// by default), with that provider's rules from the catalogue of package
// mailbox that DNS can check: SPF or DKIM, both for bulk senders
// (Profile.BulkSender), the DKIM key size at the vendor's selectors, a
// DMARC policy and alignment, each met, not met, could not check or not
// applicable, and a rule not met names the finding that explains it and
// the step of the report's own plan that fixes it (never a second plan).
// The rules about the vendor's servers (forward-confirmed reverse DNS of
// every sending address, the blocklists the Checker names) are worked out
// once, in [VendorReport].Mailbox, and each domain's section refers to
// them: a vendor rule not met never makes the customer's DNS
// non-compliant (ProviderSection.CustomerCompliant), nor affects Ready.
// The rules in the message itself are checked by
// mailbox.MessageChecker.
package domaincheck
