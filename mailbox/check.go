package mailbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/taglist"
	"github.com/domainauth/domainauth/plan"
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
	// delivered copy.
	Delivered bool `json:"delivered"`
	// Received is the Received field the receiver wrote when the copy
	// came in from the sender's server: the topmost one below the
	// receiver's internal hops (see the package's leniencies).
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
		rep.Delivered, rep.Received = true, arrivalReceived(rcv)
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
				rep.Results = append(rep.Results, Worded(r, NotApplicable, CodeNotBulk, 1, 0, nil))
				continue
			}
			o, ok := outcomes[r.Requirement]
			if r.Requirement == ReqNotProvider {
				o, ok = notProvider(p, rep), true
			}
			if !ok {
				continue
			}
			rep.Results = append(rep.Results, Worded(r, o.outcome, o.code, o.msg, o.fix, o.params))
		}
	}
	return rep, nil
}

// reqOutcome is a requirement's outcome on the message: the outcome, and
// the sentence that explains it and the fix, as variants msg and fix of
// code's sentences in the message catalogue (see [Worded]).
type reqOutcome struct {
	outcome  Outcome
	code     plan.Code
	msg, fix int
	params   map[string]string
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
	s := best(rep)
	switch {
	case rep.FromDomain == "":
		return reqOutcome{NotMet, CodeNoFrom, 1, 1, nil}
	case s == nil:
		return reqOutcome{NotMet, CodeUnsigned, 1, 1, map[string]string{"domain": rep.FromDomain}}
	case s.Verified && s.Aligned:
		return reqOutcome{Met, CodeAligned, 1, 0, map[string]string{"signature": s.name(), "domain": rep.FromDomain}}
	case s.temporary:
		return reqOutcome{NotChecked, CodeNotChecked, 1, 0, map[string]string{"signature": s.name(), "error": s.Error}}
	case s.Verified:
		return reqOutcome{NotMet, CodeUnaligned, 1, 1, map[string]string{"signature": s.name(), "signer": s.Domain, "domain": rep.FromDomain}}
	}
	return reqOutcome{NotMet, CodeDKIMFails, 1, 1, map[string]string{"signature": s.name(), "error": s.Error}}
}

func keySize(rep *MessageReport) reqOutcome {
	s := best(rep)
	if s == nil {
		return reqOutcome{NotApplicable, CodeUnsigned, 2, 0, nil}
	}
	p := map[string]string{"signature": s.name()}
	if s.KeyBits > 0 {
		p["bits"] = strconv.Itoa(s.KeyBits)
	}
	switch {
	case s.KeyBits == 0 && s.temporary:
		p["error"] = s.Error
		return reqOutcome{NotChecked, CodeNotChecked, 2, 0, p}
	case s.KeyBits == 0:
		return reqOutcome{NotMet, CodeNoKey, 1, 1, p}
	case s.KeyType == dkim.KeyEd25519:
		return reqOutcome{Met, CodeKey, 1, 0, p}
	case s.KeyBits < 1024:
		return reqOutcome{NotMet, CodeKeySmall, 1, 1, p}
	case s.KeyBits < 2048:
		return reqOutcome{Met, CodeKey, 2, 0, p}
	}
	return reqOutcome{Met, CodeKey, 3, 0, p}
}

func oneClick(m *message, rep *MessageReport) reqOutcome {
	lu, post := m.get("List-Unsubscribe"), m.get("List-Unsubscribe-Post")
	switch {
	case len(lu) == 0:
		return reqOutcome{NotMet, CodeUnsubscribe, 1, 1, nil}
	case len(lu) > 1:
		return reqOutcome{NotMet, CodeUnsubscribe, 2, 2, map[string]string{"count": strconv.Itoa(len(lu))}}
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
		return reqOutcome{NotMet, CodeUnsubscribe, 3, 3, map[string]string{"value": clip(lu[0])}}
	case len(post) == 0:
		return reqOutcome{NotMet, CodeUnsubscribe, 4, 4, nil}
	case len(post) > 1 || post[0] != "List-Unsubscribe=One-Click":
		return reqOutcome{NotMet, CodeUnsubscribe, 5, 5, map[string]string{"value": strings.Join(post, ", ")}}
	}
	s := best(rep)
	switch {
	case s == nil || !s.Verified:
		return reqOutcome{NotMet, CodeUnsubscribeSign, 1, 1, nil}
	case !s.signs("List-Unsubscribe") || !s.signs("List-Unsubscribe-Post"):
		var missing []string
		for _, h := range []string{"List-Unsubscribe", "List-Unsubscribe-Post"} {
			if !s.signs(h) {
				missing = append(missing, h)
			}
		}
		return reqOutcome{NotMet, CodeUnsubscribeSign, 2, 1, map[string]string{"signature": s.name(), "fields": strings.Join(missing, ", ")}}
	}
	return reqOutcome{Met, CodeOneClick, 1, 0, map[string]string{"uri": https, "signature": s.name()}}
}

func format(m *message, froms []string, rep *MessageReport) reqOutcome {
	dates, ids := m.get("Date"), m.get("Message-ID")
	p := map[string]string{"froms": strconv.Itoa(len(froms)), "dates": strconv.Itoa(len(dates)), "ids": strconv.Itoa(len(ids))}
	wrong := len(froms) != 1 || len(dates) != 1 || len(ids) != 1
	if len(froms) == 1 && rep.From == "" {
		p["from"], wrong = clip(froms[0]), true
	}
	if len(dates) == 1 {
		if _, err := mail.ParseDate(dates[0]); err != nil {
			p["date"], wrong = clip(dates[0]), true
		}
	}
	if len(ids) == 1 && (!strings.HasPrefix(ids[0], "<") || !strings.HasSuffix(ids[0], ">") || !strings.Contains(ids[0], "@")) {
		p["id"], wrong = clip(ids[0]), true
	}
	if wrong {
		return reqOutcome{NotMet, CodeFormat, 1, 1, p}
	}
	return reqOutcome{Met, CodeFormat, 2, 0, map[string]string{"address": rep.From}}
}

func notProvider(p Provider, rep *MessageReport) reqOutcome {
	if rep.FromDomain == "" {
		return reqOutcome{NotApplicable, CodeNoFrom, 2, 0, nil}
	}
	for _, d := range p.Domains() {
		if rep.FromDomain == d {
			return reqOutcome{NotMet, CodeProviderDomain, 1, 1, map[string]string{"from": rep.From, "domain": d, "provider": p.Name()}}
		}
	}
	return reqOutcome{Met, CodeProviderDomain, 2, 0, map[string]string{"domain": rep.FromDomain, "provider": p.Name()}}
}

func tls(rep *MessageReport) reqOutcome {
	// The words receivers write in a Received field for a connection over
	// TLS (RFC 3848 for the "with" keywords).
	tlsEvidence := [...]string{"with esmtps", "with esmtpsa", "with utf8smtps", "with utf8smtpsa", "with lmtps", "tls1", "tlsv1", "version=tls", "using tls", "(tls"}
	if !rep.Delivered {
		return reqOutcome{NotApplicable, CodeTLS, 1, 0, nil}
	}
	low := strings.ToLower(rep.Received)
	for _, w := range tlsEvidence {
		if strings.Contains(low, w) {
			return reqOutcome{Met, CodeTLS, 2, 0, map[string]string{"evidence": w}}
		}
	}
	return reqOutcome{NotMet, CodeTLS, 3, 1, map[string]string{"received": clip(rep.Received)}}
}
