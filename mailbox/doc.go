// Package mailbox knows the rules the large mailbox providers (Gmail,
// Yahoo, and Outlook.com, Microsoft's consumer mail) set for mail they
// accept, and checks the message-side ones on a message as a vendor sends
// it.
//
// # The catalogue
//
// [Catalogue] lists every rule this package knows, each with a stable
// [RuleID] ("gmail-one-click-unsubscribe"), its [Provider], its [Scope]
// (every sender, or bulk senders only: about 5,000 messages a day to the
// provider's users), the [Requirement] it asks for, who can meet it
// ([plan.Party]: the customer's DNS, or the vendor's servers and software),
// how it can be checked from here ([CheckKind]: in DNS, in a message, or
// not from here at all, with [Rule.Where] saying where to look instead),
// and the provider's page it comes from, with the date it was read.
// Several providers ask for the same thing; the [Requirement] is what a
// check evaluates once, and [Catalogue] maps it to each provider's rule.
//
// The DNS rules are evaluated by the domain check of package sender,
// against the same plan of changes it proposes; this package holds no DNS
// logic of its own beyond what a message check needs (the signing key and
// alignment).
//
// # Words
//
// Every sentence of this package is the message catalogue's (package
// i18n): a rule's Summary and Where ([Rule.In] in another language), and
// each outcome's sentence and fix, which carry the code and parameters
// they are worded from ([RuleResult.Code], [RuleResult.Params]; the codes
// are listed in codes.go). [RuleResult.In], [MessageReport.In] and
// [MessageReport.TextIn] render them in the reader's language; values
// (addresses, names, header fields) stay as they are.
//
// # The message check
//
// [MessageChecker.Check] reads one message (the bytes of an .eml file,
// before delivery as the vendor's software wrote it, or a delivered copy)
// and evaluates the message-side rules: a DKIM signature that verifies
// (RFC 6376, Section 6) with a d= aligned with the From domain (relaxed
// alignment, RFC 9989, Section 4.4) and a key of at least 1024 bits;
// one-click unsubscribe (RFC 8058: List-Unsubscribe with an https URI and
// List-Unsubscribe-Post: List-Unsubscribe=One-Click, both covered by that
// signature, RFC 8058, Section 4); exactly one From, Date and Message-ID
// (RFC 5322, Section 3.6); a From outside the provider's own domains; and,
// for a delivered copy, TLS evidence in the receiver's Received header
// (RFC 5321, Section 4.4; RFC 3848 for the "with ESMTPS" keywords).
//
// # Reading a message's header
//
// [ReadHeader] is the one reader of a message's header fields in this
// module: the message check uses it, and so do package feedback's readers
// of bounces and of the header fields receivers add. It streams, keeps the
// fields in the order of the message ([Header], [Field]; the order tells
// the receiver's fields from the ones added before it, RFC 5321, Section
// 4.4), unfolds them (RFC 5322, Section 2.2.3), and reads at most
// [MaxHeaderSize] bytes and [MaxHeaderFields] fields; whole messages are
// read up to [MaxMessageSize] bytes. Its errors wrap one sentinel each
// ([ErrEmpty], [ErrBinary], [ErrNoHeader], [ErrMalformed], [ErrTooLarge],
// [ErrTooManyHeaders]) and name the line and byte offset ([HeaderError]),
// never what the line holds: the input may be binary, or a customer's
// mail. [IsBinary] tells binary data from text as the reader does.
//
// # Leniencies
//
//   - Bare LF line endings are read as CRLF, as a file saved on Unix holds
//     them; the DKIM signature is verified over the CRLF form.
//   - A first line starting "From " (an mbox file's separator) is skipped,
//     and left out of what the DKIM signature is verified over.
//   - A field's value is unfolded with one space where each continuation
//     line begins, and its surrounding white space is trimmed; a form feed
//     is taken as text; any other control character makes the input
//     binary.
//   - Header fields in another charset than UTF-8 (RFC 6532 allows only
//     UTF-8), as old mail software writes them, are read, bytes as they
//     are.
//   - A message is taken as delivered when it carries a Received header
//     field (RFC 5321, Section 4.4). The field the TLS rule judges is the
//     one the receiver wrote when the message came in from the sender's
//     server: the topmost one that is not an internal hop of the receiver
//     (no "from" part, a private or loopback address, or two hosts of one
//     organization, such as Microsoft 365's hops between prod.outlook.com
//     and outlook.office365.com hosts over public IPv6 addresses).
//   - TLS evidence is recognized by the words receivers write: "with
//     ESMTPS" or "ESMTPSA" (RFC 3848), "TLS1.x", "TLSv1.x", "version=TLS",
//     "using TLS". A receiver that writes none of them is reported as
//     showing no TLS, which may be wrong for an unusual receiver.
package mailbox
