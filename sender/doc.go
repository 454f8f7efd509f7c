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
// # Allowed because DNS says so
//
// With Config.DNS set to a [Verifier], a domain that is not on the list is
// also allowed when its DNS really authorizes the vendor. The implementation
// is package domaincheck's Verifier: the same verdict as its domain check,
// for the same vendor profile, so that the domain check and the sender
// address never disagree. An SPF record that passes addresses no one sends
// from (+all, a /0 network, networks that together cover the address space,
// exists: over a wildcard record) does not count. The [Verification] in the
// [Selection] says which check passed or failed, for the preview.
package sender
