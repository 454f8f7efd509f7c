package mailbox

import "github.com/domainauth/domainauth/plan"

// Codes of the sentences a message check words its rules' outcomes with
// ([RuleResult.Code]): the message catalogue (package i18n) holds each
// code's sentences ("message", "message_2"…) and fixes, filled from the
// parameters named beside it ([RuleResult.Params]), in every language.
const (
	CodeNotBulk         plan.Code = "mailbox-not-bulk"         // a bulk-sender rule, and the vendor is not one
	CodeNoFrom          plan.Code = "mailbox-no-from"          // the message has no single From address to judge by
	CodeUnsigned        plan.Code = "mailbox-unsigned"         // the message carries no DKIM signature: domain
	CodeAligned         plan.Code = "mailbox-aligned"          // a DKIM signature verifies and aligns: signature, domain
	CodeNotChecked      plan.Code = "mailbox-not-checked"      // a DNS question about a signature failed: signature, error
	CodeUnaligned       plan.Code = "mailbox-unaligned"        // a signature verifies but does not align: signature, signer, domain
	CodeDKIMFails       plan.Code = "mailbox-dkim-fails"       // the signature does not verify: signature, error
	CodeNoKey           plan.Code = "mailbox-no-key"           // no usable key is published for the signature: signature
	CodeKey             plan.Code = "mailbox-key"              // the signature's key is large enough: signature, bits
	CodeKeySmall        plan.Code = "mailbox-key-small"        // an RSA key below 1024 bits: signature, bits
	CodeUnsubscribe     plan.Code = "mailbox-unsubscribe"      // the unsubscribe header fields are missing or wrong: count, value
	CodeUnsubscribeSign plan.Code = "mailbox-unsubscribe-sign" // the unsubscribe fields are not signed: signature, fields
	CodeOneClick        plan.Code = "mailbox-one-click"        // one-click unsubscribe as RFC 8058 asks: uri, signature
	CodeFormat          plan.Code = "mailbox-format"           // From, Date and Message-ID: froms, from, dates, date, ids, id, address
	CodeProviderDomain  plan.Code = "mailbox-provider-domain"  // the From domain and the provider's own domains: from, domain, provider
	CodeTLS             plan.Code = "mailbox-tls"              // the receiver's Received field and TLS: evidence, received
)
