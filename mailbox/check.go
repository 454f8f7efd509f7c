package mailbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/taglist"
)

// MessageChecker checks messages as a vendor sends them against the
// message-side rules of the providers. Its zero value checks for every
// provider, as a sender that is not a bulk sender, under RFC 9989; a nil
// Resolver fails every DKIM signature's key look-up with
// dnsrec.ErrNoResolver (the rules that need it could not be checked).
type MessageChecker struct {
	Resolver dnsrec.Resolver
	// Providers are the providers to report on; nil means all of them.
	Providers []Provider
	// Bulk says the vendor is a bulk sender, to whom the bulk-sender
	// rules apply (one-click unsubscribe, DMARC alignment).
	Bulk bool
	// Rules are the DMARC rules alignment is decided under; "" is
	// dmarc.RFC9989.
	Rules dmarc.Rules
}

// MessageReport is what [MessageChecker.Check] found in one message.
type MessageReport struct {
	From       string `json:"from"`        // the From address, when there is exactly one
	FromDomain string `json:"from_domain"` // its domain, lower case
	MessageID  string `json:"message_id,omitempty"`
	// Delivered: the message carries a Received header field, so it is a
	// delivered copy, and the topmost one is the receiver's.
	Delivered bool `json:"delivered"`
	// Received is the topmost Received field of a delivered copy.
	Received   string      `json:"received,omitempty"`
	Signatures []Signature `json:"signatures"`
	// Results are each provider's message-side rules, in the order of
	// [Providers] and of the catalogue.
	Results []RuleResult `json:"results"`
}

// Signature is what the check found of one DKIM-Signature field.
type Signature struct {
	Domain   string `json:"domain"`   // d=
	Selector string `json:"selector"` // s=
	Verified bool   `json:"verified"`
	// Aligned: Domain aligns with the From domain (relaxed alignment).
	Aligned bool `json:"aligned"`
	// KeyType and KeyBits describe the key published for the signature,
	// when it could be read.
	KeyType dkim.KeyType `json:"key_type,omitempty"`
	KeyBits int          `json:"key_bits,omitempty"`
	// Headers are the signed header fields (h=), lower case.
	Headers []string `json:"headers"`
	// Error says why the signature does not verify.
	Error     string `json:"error,omitempty"`
	temporary bool
}

// signs reports whether the signature covers the header field name.
func (s *Signature) signs(name string) bool {
	for _, h := range s.Headers {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

func (c *MessageChecker) providers() []Provider {
	if len(c.Providers) == 0 {
		return Providers()
	}
	return c.Providers
}

func (c *MessageChecker) rules() dmarc.Rules {
	if c.Rules == "" {
		return dmarc.RFC9989
	}
	return c.Rules
}

// Check reads one message from msg (at most [MaxMessageSize] bytes; its
// header with [ReadHeader]) and evaluates the message-side
// rules. It returns an error wrapping [ErrEmpty], [ErrBinary],
// [ErrNoHeader], [ErrMalformed], [ErrTooLarge], [ErrTooManyHeaders] or
// [ErrUnknownProvider] when there is no message to check; DNS failures are
// never errors: the rules they touch are [NotChecked].
func (c *MessageChecker) Check(ctx context.Context, msg io.Reader) (*MessageReport, error) {
	for _, p := range c.Providers {
		if err := p.Validate(); err != nil {
			return nil, err
		}
	}
	m, err := readMessage(msg)
	if err != nil {
		return nil, err
	}
	rep := &MessageReport{}
	froms := m.get("From")
	if len(froms) == 1 {
		if a, err := mail.ParseAddress(froms[0]); err == nil {
			rep.From = a.Address
			if i := strings.LastIndexByte(a.Address, '@'); i > 0 {
				rep.FromDomain = strings.ToLower(strings.TrimSuffix(a.Address[i+1:], "."))
			}
		}
	}
	if ids := m.get("Message-ID"); len(ids) == 1 {
		rep.MessageID = ids[0]
	}
	if rcv := m.get("Received"); len(rcv) > 0 {
		rep.Delivered, rep.Received = true, rcv[0]
	}
	rep.Signatures = c.signatures(ctx, m, rep.FromDomain)

	outcomes := map[Requirement]reqOutcome{
		ReqDMARCAlignment: alignment(rep),
		ReqDKIMKeySize:    keySize(rep),
		ReqOneClick:       oneClick(m, rep),
		ReqFormat:         format(m, froms, rep),
		ReqTLS:            tls(rep),
	}
	for _, p := range c.providers() {
		for _, r := range RulesOf(p) {
			if !r.CheckedBy(CheckMessage) {
				continue
			}
			if !r.AppliesTo(c.Bulk) {
				rep.Results = append(rep.Results, Result(r, NotApplicable, "applies to bulk senders only, and the vendor is not one"))
				continue
			}
			o, ok := outcomes[r.Requirement]
			if r.Requirement == ReqNotProvider {
				o, ok = notProvider(p, rep), true
			}
			if !ok {
				continue
			}
			res := Result(r, o.outcome, o.sentence)
			res.Fix = o.fix
			rep.Results = append(rep.Results, res)
		}
	}
	return rep, nil
}

// reqOutcome is a requirement's outcome on the message.
type reqOutcome struct {
	outcome  Outcome
	sentence string
	fix      string
}

// signatures verifies the message's DKIM signatures and reads the key and
// alignment of each.
func (c *MessageChecker) signatures(ctx context.Context, m *message, fromDomain string) []Signature {
	var sigs []Signature
	for _, v := range m.get("DKIM-Signature") {
		tags, _ := taglist.ParseAll(v)
		s := Signature{}
		for _, t := range tags {
			switch strings.ToLower(t.Name) {
			case "d":
				s.Domain = strings.ToLower(t.Value)
			case "s":
				s.Selector = t.Value
			case "h":
				for _, h := range strings.Split(t.Value, ":") {
					if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
						s.Headers = append(s.Headers, h)
					}
				}
			}
		}
		if s.Headers == nil {
			s.Headers = []string{}
		}
		sigs = append(sigs, s)
	}
	if len(sigs) == 0 {
		return []Signature{}
	}
	vs, err := dkim.Verify(ctx, c.Resolver, bytes.NewReader(m.raw))
	for i := range sigs {
		s := &sigs[i]
		switch {
		case i < len(vs) && vs[i].Err == nil:
			s.Verified = true
		case i < len(vs):
			s.Error = vs[i].Err.Error()
			s.temporary = errors.Is(vs[i].Err, dnsrec.ErrTemporary)
		case err != nil:
			s.Error = err.Error()
		default:
			s.Error = "not verified: more signatures than are checked"
		}
		if s.Domain == "" || s.Selector == "" {
			continue
		}
		if fromDomain != "" {
			ok, err := c.rules().Aligned(ctx, resolverOf(c.Resolver), fromDomain, s.Domain, dmarc.AlignRelaxed)
			s.Aligned = ok && err == nil
			s.temporary = s.temporary || errors.Is(err, dnsrec.ErrTemporary)
		}
		s.KeyType, s.KeyBits = keyOf(ctx, c.Resolver, s.Selector, s.Domain)
	}
	return sigs
}

// resolverOf returns r, or a resolver that fails every question when r is
// nil.
func resolverOf(r dnsrec.Resolver) dnsrec.Resolver {
	if r == nil {
		return noResolver{}
	}
	return r
}

type noResolver struct{}

func (noResolver) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	return nil, dnsrec.ErrNoResolver
}

// keyOf reads the key published for a signature: its type and size.
func keyOf(ctx context.Context, r dnsrec.Resolver, selector, domain string) (dkim.KeyType, int) {
	name, err := dkim.Name(selector, domain)
	if err != nil {
		return "", 0
	}
	ans, err := resolverOf(r).Lookup(ctx, name, dnsrec.TypeTXT)
	if err != nil {
		return "", 0
	}
	for _, txt := range ans.TXT() {
		rec, err := dkim.Parse(dnsrec.JoinTXT(txt))
		if err != nil {
			continue
		}
		pub, err := rec.PublicKey()
		if err != nil {
			continue
		}
		return dkim.TypeOf(pub), dkim.KeyBits(pub)
	}
	return "", 0
}

// best is the signature the rules are judged by: the first that verifies
// and aligns, else the first that verifies, else the first; nil when the
// message has none.
func best(rep *MessageReport) *Signature {
	for _, want := range []func(*Signature) bool{
		func(s *Signature) bool { return s.Verified && s.Aligned },
		func(s *Signature) bool { return s.Verified },
		func(s *Signature) bool { return true },
	} {
		for i := range rep.Signatures {
			if want(&rep.Signatures[i]) {
				return &rep.Signatures[i]
			}
		}
	}
	return nil
}

func (s *Signature) name() string { return fmt.Sprintf("d=%s s=%s", s.Domain, s.Selector) }

func alignment(rep *MessageReport) reqOutcome {
	fix := fmt.Sprintf("sign the mail with d=%s (or a subdomain of it), with the key the domain publishes or delegates", orUnknown(rep.FromDomain))
	s := best(rep)
	switch {
	case rep.FromDomain == "":
		return reqOutcome{NotMet, "the message has no single From address, so there is no domain to align with", "give the message exactly one From address"}
	case s == nil:
		return reqOutcome{NotMet, fmt.Sprintf("the message carries no DKIM signature, so DKIM cannot align with %s; only SPF could, which the domain check evaluates", rep.FromDomain), fix}
	case s.Verified && s.Aligned:
		return reqOutcome{Met, fmt.Sprintf("the DKIM signature %s verifies and aligns with the From domain %s (relaxed alignment)", s.name(), rep.FromDomain), ""}
	case s.temporary:
		return reqOutcome{NotChecked, fmt.Sprintf("the DKIM signature %s could not be checked: %s", s.name(), s.Error), ""}
	case s.Verified:
		return reqOutcome{NotMet, fmt.Sprintf("the DKIM signature %s verifies, but %s does not align with the From domain %s: DMARC cannot pass through it", s.name(), s.Domain, rep.FromDomain), fix}
	}
	return reqOutcome{NotMet, fmt.Sprintf("the DKIM signature %s does not verify: %s", s.name(), s.Error), "check the key the selector publishes against the vendor's signing key (dkimkey -check)"}
}

func keySize(rep *MessageReport) reqOutcome {
	s := best(rep)
	switch {
	case s == nil:
		return reqOutcome{NotApplicable, "the message carries no DKIM signature, so there is no key to judge", ""}
	case s.KeyBits == 0 && s.temporary:
		return reqOutcome{NotChecked, fmt.Sprintf("the key of the DKIM signature %s could not be read: %s", s.name(), s.Error), ""}
	case s.KeyBits == 0:
		return reqOutcome{NotMet, fmt.Sprintf("no usable key is published for the DKIM signature %s", s.name()), "publish the key record of the selector"}
	case s.KeyType == dkim.KeyEd25519:
		return reqOutcome{Met, fmt.Sprintf("the DKIM signature %s uses an Ed25519 key (RFC 8463)", s.name()), ""}
	case s.KeyBits < 1024:
		return reqOutcome{NotMet, fmt.Sprintf("the DKIM signature %s uses a %d-bit RSA key, below 1024 bits: receivers ignore it (RFC 8301, Section 3.2)", s.name(), s.KeyBits), "generate a 2048-bit key (dkimkey) and publish it"}
	case s.KeyBits < 2048:
		return reqOutcome{Met, fmt.Sprintf("the DKIM signature %s uses a %d-bit RSA key: at least 1024 bits, though 2048 are recommended", s.name(), s.KeyBits), ""}
	}
	return reqOutcome{Met, fmt.Sprintf("the DKIM signature %s uses a %d-bit RSA key", s.name(), s.KeyBits), ""}
}

func oneClick(m *message, rep *MessageReport) reqOutcome {
	lu, post := m.get("List-Unsubscribe"), m.get("List-Unsubscribe-Post")
	fixHeaders := "add List-Unsubscribe: <https://...> and List-Unsubscribe-Post: List-Unsubscribe=One-Click to marketing mail (RFC 8058, Section 3)"
	switch {
	case len(lu) == 0:
		return reqOutcome{NotMet, "the message has no List-Unsubscribe header field (needed for marketing mail)", fixHeaders}
	case len(lu) > 1:
		return reqOutcome{NotMet, fmt.Sprintf("the message has %d List-Unsubscribe header fields; one is expected", len(lu)), "keep one List-Unsubscribe field"}
	}
	https := ""
	for _, u := range strings.Split(lu[0], ",") {
		u = strings.TrimSpace(u)
		if strings.HasPrefix(u, "<") && strings.HasSuffix(u, ">") && strings.HasPrefix(strings.ToLower(u), "<https://") {
			https = strings.Trim(u, "<>")
			break
		}
	}
	switch {
	case https == "":
		return reqOutcome{NotMet, fmt.Sprintf("List-Unsubscribe (%s) holds no https URI in angle brackets, which one-click unsubscribe posts to (RFC 8058, Section 3.1)", clip(lu[0])), "list an https URI in List-Unsubscribe"}
	case len(post) == 0:
		return reqOutcome{NotMet, "List-Unsubscribe has an https URI, but there is no List-Unsubscribe-Post: List-Unsubscribe=One-Click, so one click does not unsubscribe (RFC 8058, Section 3.1)", "add List-Unsubscribe-Post: List-Unsubscribe=One-Click"}
	case len(post) > 1 || post[0] != "List-Unsubscribe=One-Click":
		return reqOutcome{NotMet, fmt.Sprintf("List-Unsubscribe-Post must be exactly List-Unsubscribe=One-Click, once (RFC 8058, Section 3.1); it is %q", strings.Join(post, ", ")), "write List-Unsubscribe-Post: List-Unsubscribe=One-Click"}
	}
	s := best(rep)
	signFix := "add List-Unsubscribe and List-Unsubscribe-Post to the header fields the DKIM signature covers (h=)"
	switch {
	case s == nil || !s.Verified:
		return reqOutcome{NotMet, "the unsubscribe header fields are right, but no DKIM signature verifies to cover them (RFC 8058, Section 4)", signFix}
	case !s.signs("List-Unsubscribe") || !s.signs("List-Unsubscribe-Post"):
		var missing []string
		for _, h := range []string{"List-Unsubscribe", "List-Unsubscribe-Post"} {
			if !s.signs(h) {
				missing = append(missing, h)
			}
		}
		return reqOutcome{NotMet, fmt.Sprintf("the unsubscribe header fields are right, but the DKIM signature %s does not cover %s (RFC 8058, Section 4)", s.name(), strings.Join(missing, " and ")), signFix}
	}
	return reqOutcome{Met, fmt.Sprintf("List-Unsubscribe has %s, List-Unsubscribe-Post asks for one click, and the DKIM signature %s covers both", https, s.name()), ""}
}

func format(m *message, froms []string, rep *MessageReport) reqOutcome {
	var wrong []string
	switch {
	case len(froms) == 0:
		wrong = append(wrong, "there is no From field")
	case len(froms) > 1:
		wrong = append(wrong, fmt.Sprintf("there are %d From fields", len(froms)))
	case rep.From == "":
		wrong = append(wrong, fmt.Sprintf("the From field (%q) is not one address", clip(froms[0])))
	}
	dates := m.get("Date")
	switch {
	case len(dates) == 0:
		wrong = append(wrong, "there is no Date field")
	case len(dates) > 1:
		wrong = append(wrong, fmt.Sprintf("there are %d Date fields", len(dates)))
	default:
		if _, err := mail.ParseDate(dates[0]); err != nil {
			wrong = append(wrong, fmt.Sprintf("the Date field (%q) is not a date", clip(dates[0])))
		}
	}
	ids := m.get("Message-ID")
	switch {
	case len(ids) == 0:
		wrong = append(wrong, "there is no Message-ID field")
	case len(ids) > 1:
		wrong = append(wrong, fmt.Sprintf("there are %d Message-ID fields", len(ids)))
	case !strings.HasPrefix(ids[0], "<") || !strings.HasSuffix(ids[0], ">") || !strings.Contains(ids[0], "@"):
		wrong = append(wrong, fmt.Sprintf("the Message-ID (%q) is not <id@domain>", clip(ids[0])))
	}
	if len(wrong) > 0 {
		return reqOutcome{NotMet, strings.Join(wrong, "; ") + " (RFC 5322, Section 3.6, wants exactly one From and Date, and a Message-ID)", "have the software write exactly one From, Date and Message-ID field"}
	}
	return reqOutcome{Met, "one From (" + rep.From + "), one Date and one Message-ID, as RFC 5322, Section 3.6 asks", ""}
}

func notProvider(p Provider, rep *MessageReport) reqOutcome {
	if rep.FromDomain == "" {
		return reqOutcome{NotApplicable, "the message has no single From address to judge", ""}
	}
	for _, d := range p.Domains() {
		if rep.FromDomain == d {
			return reqOutcome{NotMet, fmt.Sprintf("the From address %s is in %s, one of %s's own domains: sent from elsewhere, %s treats it as impersonation", rep.From, d, p.Name(), p.Name()), "send from the customer's own domain, never from a " + p.Name() + " address"}
		}
	}
	return reqOutcome{Met, fmt.Sprintf("the From domain %s is not one of %s's own", rep.FromDomain, p.Name()), ""}
}

func tls(rep *MessageReport) reqOutcome {
	// The words receivers write in a Received field for a connection over
	// TLS (RFC 3848 for the "with" keywords).
	tlsEvidence := [...]string{"with esmtps", "with esmtpsa", "with utf8smtps", "with utf8smtpsa", "with lmtps", "tls1", "tlsv1", "version=tls", "using tls", "(tls"}
	if !rep.Delivered {
		return reqOutcome{NotApplicable, "the message has not been delivered (no Received field): check a copy as the provider delivered it", ""}
	}
	low := strings.ToLower(rep.Received)
	for _, w := range tlsEvidence {
		if strings.Contains(low, w) {
			return reqOutcome{Met, fmt.Sprintf("the receiver's Received field shows TLS (%q)", w), ""}
		}
	}
	return reqOutcome{NotMet, fmt.Sprintf("the receiver's Received field (%q) shows no TLS: the connection was probably not encrypted", clip(rep.Received)), "have the vendor's servers use STARTTLS towards the provider"}
}

func orUnknown(s string) string {
	if s == "" {
		return "the From domain"
	}
	return s
}
