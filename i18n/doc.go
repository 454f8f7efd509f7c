// Package i18n is the message catalogue: every sentence a customer reads
// (the message and fix of each finding, the reason of each change, the
// steps of a plan, a report's verdict and status words, the DNS host's
// form guidance), in English, German, French, Italian and Dutch, keyed by
// the finding and change codes of packages plan, spf, dkim, dmarc,
// domaincheck, mailbox and sender, and filled from their parameters
// ([plan.Finding.Params]); and the sentences package feedback words (a
// bounce's status code in words, the advice, a provider's rule, a header
// field's result), by the codes feedback.Codes lists.
//
// The English lives here too: the producers render their sentences from
// this catalogue, so that a program which renders a finding itself, in
// its reader's language, from the code and parameters it stored, gets the
// sentences the producer wrote. [Catalog.Finding] is that call;
// plan.Finding.In wraps it.
//
// # Files and format
//
// One YAML file per language, messages/<lang>.yaml, embedded with embed,
// in the format of github.com/nicksnyder/go-i18n/v2: nested keys make the
// message id ("spf-no-all" › "message" is "spf-no-all.message"), a message
// is a text/template over the parameters ({{.domain}}), and a message with
// a count has its CLDR plural forms (one, few, many, other…) and says in
// its description which parameter counts ("count: records"). go-i18n was
// chosen over golang.org/x/text/message catalogues because its files are
// one per language, readable and editable by a translator without Go, with
// named placeholders rather than positional verbs, CLDR plural forms in
// the file, and a loader from an fs.FS; x/text provides the language
// matching, the CLDR plural rules' companion number formatting and nothing
// a translator edits.
//
// Besides the findings' message and fix and the changes' reason, a code
// may have a "requirement" (what a requirement asks for: plan.About), and
// the codes of packages mailbox and domaincheck word the mailbox
// providers' rules' outcomes (mailbox.RuleResult) and what blocks a domain.
// "mailbox-rule.<rule id>.summary" and ".where" are each provider rule's
// description and the page to look at; ids under "text." are the words of
// the programs' renderings (a flat "text.a.b" key at the end of a file is
// the same id as nested keys).
//
// Variants: a code whose sentence depends on the situation has one message
// per situation, "code.message", "code.message_2"… [Catalog.Choose] finds
// the variant a producer wrote from its English; without it, the variant
// whose parameters are all there.
//
// Functions a message may call: q (the value quoted as Go's %q), num (an
// integer written as the language writes numbers: 10’000 in Swiss German,
// 10 000 in French), list ("a, b and c" in the language), stepOf (the
// step number of an English "make step N of the customer's changes" that
// some findings carry as their fix), sec (an RFC reference "RFC 9989,
// Section 4.10.1" with the language's word for a section, the message
// format.section) and sub.
//
// # Clauses
//
// A sentence part that a producer names by a code of its own, not by a
// finding code, is a clause: "text.<set>.<code>", such as the kind of an
// SPF parse error (text.spf-problem.unknown-mechanism: unknown mechanism
// {{q .value}}), the hint that comes with it (text.spf-advice.…), the name
// of a character pasted by mistake (text.spf-char.U+2013), a DKIM or
// DMARC record's problem, a condition a DMARC stage waits for, a Domain
// Connect reason (text.dc-reason.…) and a failed discovery's cause. The
// finding carries the code as a parameter and the clause's values beside
// it, and its message inserts the clause with sub:
//
//	{{sub "spf-problem" .error .}}{{if .advice}}; {{sub "spf-advice" .advice .}}{{end}}
//
// so that each language words the whole sentence; the producer's English
// (a ParseError's Reason, say) is the English clause. [Catalog.Clause]
// renders one for a program that holds the code itself.
//
// # Languages
//
// A call names its reader's language as a golang.org/x/text/language tag
// (or an Accept-Language value, [Catalog.MatchString]); [Catalog.Match]
// picks the catalogue language: regional variants fall back (de-CH and
// de-AT read de, fr-CH fr, it-CH it, nl-BE nl) and anything else reads
// English. German is written as in Switzerland throughout ("ss" for "ß",
// numbers as 10’000), which German and Austrian readers read without
// trouble, so there is one German file, not de and de-CH. Readers are
// addressed formally: Sie, vous, Lei, u. Record terminology is the DNS
// hosts' own: TXT-Eintrag, enregistrement TXT, record TXT, TXT-record.
//
// # Values
//
// Parameter values (DNS names, record values, codes, addresses) are never
// translated and are inserted verbatim: a value is data to text/template,
// never template text, so a name holding "{{", "%" or HTML comes out as
// it went in (escaping for HTML is the page's). A parameter that is
// itself an English clause (the text of an error a program reports) stays
// English inside a translation, or the translation words the situation
// without it; the tests name those parameters.
package i18n
