// Package sender decides which From address a message may carry when an
// application sends mail on behalf of its users' domains: an
// address on an allowed domain is used as typed; anything else is rewritten
// to a fallback, the business unit's default sender if it has one, else the
// application-wide default. This is a security boundary: a wrong "allowed"
// is the vendor spoofing someone's domain.
//
// # Policy
//
// A [Config] (JSON, as a CRM keeps it in its database) lists the allowed
// domains (each exact, or with all its subdomains), the business units'
// default senders and the application default. [New] and [ParsePolicy]
// validate it (every fallback must itself be a single valid address on an
// allowed domain) and compile it into a [Policy], whose look-up is a map
// probe per label however many domains there are.
//
// # Selection
//
// [Policy.Select] returns a [Selection]: the From to use, whether it was
// rewritten, which [Rule] decided, a sentence for the preview, and what a
// good sender does beside it: the typed address as Reply-To when rewritten,
// and the display name kept ("Jane Doe via Example CRM" when Config.Via is
// set).
//
// Domains are compared exactly: without regard to case or a trailing dot,
// Unicode and punycode alike (IDNA through golang.org/x/net/idna), and
// subdomains only when the entry allows them. The output address keeps the
// local part as typed and writes the domain in lower-case ASCII (A-labels).
//
// Hostile input never gets through, and never panics: several addresses in
// one field, line breaks or control characters (header injection), a local
// part that other mail software reads differently (a quoted
// "ceo@evil.example", an encoded-word), an IP-literal domain, a domain that
// merely starts or ends like an allowed one, over-long input. Each gets the
// fallback and a reason wrapping a sentinel (ErrMultiple, ErrInjection,
// ...); the domain is always taken after the last "@". A display name that
// could mislead the reader (one holding an address or a look-alike "＠",
// characters that reverse the text or are invisible, a control character
// hidden in an encoded-word) is dropped even on an allowed domain, and the
// preview says why. A configuration that lists a public suffix (co.uk,
// github.io) is refused: it would allow every domain registered under it.
//
// # What a vendor needs, checked
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
// # Allowed because DNS says so
//
// With Config.DNS set to a [Verifier], a domain that is not on the list is
// also allowed when its DNS really authorizes the vendor: the same verdict
// as the Checker's (Verifier.Checker holds the profile), so that the
// domain check and the sender address never disagree. An SPF record that
// passes addresses no one sends from (+all, a /0 network, networks that
// together cover the address space, exists: over a wildcard record) does
// not count. The Verifier keeps DNS answers, not verdicts, in one bounded
// cache for their TTL; the preview says which check passed or failed.
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
package sender
