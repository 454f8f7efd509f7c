package domaincheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/mailbox"
	"github.com/domainauth/domainauth/spf"
)

// ErrProfile is wrapped by every error of [ParseProfile] and
// [Profile.Validate].
var ErrProfile = errors.New("domaincheck: invalid vendor profile")

// ProfileError says which field of a profile is wrong and why.
type ProfileError struct {
	Field  string // as in the JSON: "dkim[0].target"
	Reason string
}

func (e *ProfileError) Error() string {
	return fmt.Sprintf("vendor profile: %s: %s", e.Field, e.Reason)
}

// Unwrap returns [ErrProfile].
func (e *ProfileError) Unwrap() error { return ErrProfile }

// Profile is what a vendor needs from a customer domain before it sends
// mail as that domain, and how it sends, as a CRM keeps it (JSON, see
// [ParseProfile]).
type Profile struct {
	// Name is the vendor as its customers know it, for the report's
	// sentences ("Example CRM may send as customer.ch").
	Name string `json:"name"`
	// SPF is the mechanism that authorizes the vendor, usually an include
	// ("include:spf.vendor.example"). Addresses, when set, are authorized
	// too, each as an ip4: or ip6: term. At least one of them is required
	// when the envelope is the customer's (see [Envelope]).
	SPF       string         `json:"spf,omitempty"`
	Addresses []netip.Prefix `json:"addresses,omitempty"`
	// Servers are the vendor's outgoing mail servers: the address each
	// sends from and the name it greets with. SPF is evaluated for each,
	// and each needs a forward-confirmed PTR and a HELO name that
	// resolves to it.
	Servers []Server `json:"servers"`
	// Envelope says which domain the vendor's mail carries in MAIL FROM
	// (the Return-Path), which is the domain SPF is evaluated for.
	Envelope Envelope `json:"envelope"`
	// DKIM are the vendor's selectors.
	DKIM []DKIMSelector `json:"dkim"`
	// DMARC is the policy the vendor needs and the stage it recommends.
	DMARC DMARCNeed `json:"dmarc"`
	// Providers are the mailbox providers whose rules each domain's
	// report checks, one section each (see package mailbox): "gmail",
	// "yahoo", "microsoft" (Outlook.com). None means all three.
	Providers []mailbox.Provider `json:"providers,omitempty"`
	// BulkSender says the vendor is a bulk sender to the providers (about
	// 5,000 messages a day or more to one provider's users, counted per
	// customer domain by Gmail; a CRM sending newsletters usually is one),
	// so that their bulk-sender rules apply: both SPF and DKIM, a DMARC
	// policy, alignment, one-click unsubscribe. False by default: only
	// the rules for all senders apply.
	BulkSender bool `json:"bulk_sender,omitempty"`
}

// providers returns the providers whose rules are checked, the default
// filled in.
func (p *Profile) providers() []mailbox.Provider {
	if len(p.Providers) == 0 {
		return mailbox.Providers()
	}
	return p.Providers
}

// Server is one of the vendor's outgoing mail servers.
type Server struct {
	Address netip.Addr `json:"address"` // the address it sends from
	HELO    string     `json:"helo"`    // the name it greets with (EHLO)
}

// EnvelopeMode names where the vendor's MAIL FROM (Return-Path) domain is.
type EnvelopeMode string

// Envelope modes.
const (
	// EnvelopeCustomer: MAIL FROM is an address at the customer's domain
	// (the domain in From). SPF is evaluated for it and aligns; the
	// customer's SPF record must authorize the vendor. The default.
	EnvelopeCustomer EnvelopeMode = "customer"
	// EnvelopeVendor: MAIL FROM is at the vendor's own bounce domain
	// (Envelope.Domain). SPF passes for the vendor's domain and never
	// aligns with the customer's, so DMARC passes through DKIM alone; the
	// customer's SPF record need not mention the vendor.
	EnvelopeVendor EnvelopeMode = "vendor"
	// EnvelopeReturnPath: MAIL FROM is at a subdomain of the customer's
	// domain (Envelope.Name, such as "bounce"), which the customer
	// delegates to the vendor with a CNAME to Envelope.Target. SPF is
	// evaluated for that name and aligns under relaxed alignment, DMARC's
	// default.
	EnvelopeReturnPath EnvelopeMode = "return-path"
)

// Envelope is how the vendor's mail is addressed in the SMTP envelope.
type Envelope struct {
	Mode EnvelopeMode `json:"mode,omitempty"` // "" is EnvelopeCustomer
	// Domain is the vendor's bounce domain, with EnvelopeVendor.
	Domain string `json:"domain,omitempty"`
	// Name is the label (or labels) under the customer's domain and
	// Target what it must be a CNAME to, with EnvelopeReturnPath:
	// bounce.customer.example CNAME rp.vendor.example.
	Name   string `json:"name,omitempty"`
	Target string `json:"target,omitempty"`
}

// mode returns the mode, the default filled in.
func (e Envelope) mode() EnvelopeMode {
	if e.Mode == "" {
		return EnvelopeCustomer
	}
	return e.Mode
}

// DKIMSelector is one of the vendor's DKIM selectors, with what the
// customer publishes for it: a CNAME to Target (the vendor publishes and
// rotates the key), or the key record Key itself.
type DKIMSelector struct {
	Selector string `json:"selector"`
	Target   string `json:"target,omitempty"` // "default._domainkey.vendor.example"
	Key      string `json:"key,omitempty"`    // "v=DKIM1; k=rsa; p=MIIB..."
}

// DMARCNeed is the DMARC policy a vendor needs to send as a domain, and the
// stage it recommends next.
type DMARCNeed struct {
	// Minimum is the least policy under which the vendor sends: "none"
	// (the default: a DMARC record must exist), "quarantine" or "reject".
	// A domain below it is not ready.
	Minimum dmarc.Policy `json:"minimum,omitempty"`
	// Goal is the policy the vendor recommends its customers reach, at
	// least Minimum; "" means Minimum. Past p=none it is advice with its
	// condition (the domain's aggregate reports show its legitimate mail
	// passing: see [Evidence]) until the reports say so.
	Goal dmarc.Policy `json:"goal,omitempty"`
	// Reports are the addresses that receive the aggregate reports the
	// vendor asks for (rua=).
	Reports []string `json:"reports,omitempty"`
	// Staging are the conditions, on the domain's aggregate reports, for
	// each stage from p=none to Goal (see [Staging]); zero is the
	// defaults.
	Staging Staging `json:"staging,omitzero"`
}

// minimum returns Minimum, the default filled in.
func (d DMARCNeed) minimum() dmarc.Policy {
	if d.Minimum == "" {
		return dmarc.PolicyNone
	}
	return d.Minimum
}

// goal returns Goal, the default filled in.
func (d DMARCNeed) goal() dmarc.Policy {
	if d.Goal == "" {
		return d.minimum()
	}
	return d.Goal
}

// ParseProfile reads a profile from JSON, refusing unknown fields, and
// validates it.
func ParseProfile(data []byte) (*Profile, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrProfile, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: more than one JSON value", ErrProfile)
	}
	// Empty lists read back as absent: keep them absent.
	if len(p.Addresses) == 0 {
		p.Addresses = nil
	}
	if len(p.DMARC.Reports) == 0 {
		p.DMARC.Reports = nil
	}
	if len(p.Providers) == 0 {
		p.Providers = nil
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Validate checks every field and returns a [ProfileError] for the first
// that is wrong.
func (p *Profile) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &ProfileError{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if p == nil {
		return bad("profile", "no profile")
	}
	if strings.TrimSpace(p.Name) == "" {
		return bad("name", "the vendor's name is empty")
	}
	if p.SPF == "" && len(p.Addresses) == 0 && p.Envelope.mode() == EnvelopeCustomer {
		return bad("spf", "give the SPF mechanism that authorizes the vendor, or addresses")
	}
	if p.SPF != "" {
		if _, err := spf.Insert("v=spf1 -all", p.SPF); err != nil {
			return bad("spf", "%v", err)
		}
	}
	for i, a := range p.Addresses {
		if !a.IsValid() {
			return bad(fmt.Sprintf("addresses[%d]", i), "not an address or network")
		}
	}
	if len(p.Servers) == 0 {
		return bad("servers", "give the vendor's outgoing servers, each with its address and HELO name")
	}
	seenIP := map[netip.Addr]bool{}
	for i, s := range p.Servers {
		field := fmt.Sprintf("servers[%d]", i)
		ip := s.Address.Unmap()
		if !ip.IsValid() || ip.IsUnspecified() || ip.IsLoopback() || ip.IsMulticast() {
			return bad(field+".address", "not an address a mail server sends from: %q", s.Address)
		}
		if seenIP[ip] {
			return bad(field+".address", "%s is listed twice", ip)
		}
		seenIP[ip] = true
		if err := hostName(s.HELO); err != nil {
			return bad(field+".helo", "%v", err)
		}
	}
	if err := p.Envelope.validate(); err != nil {
		return err
	}
	if len(p.DKIM) == 0 {
		return bad("dkim", "give at least one selector")
	}
	seen := map[string]bool{}
	for i, s := range p.DKIM {
		field := fmt.Sprintf("dkim[%d]", i)
		if _, err := dkim.Name(s.Selector, "example.com"); err != nil {
			return bad(field+".selector", "%v", err)
		}
		if seen[strings.ToLower(s.Selector)] {
			return bad(field+".selector", "%q is listed twice", s.Selector)
		}
		seen[strings.ToLower(s.Selector)] = true
		switch {
		case (s.Target == "") == (s.Key == ""):
			return bad(field, "give either target (a CNAME delegation) or key (the key record), not both or neither")
		case s.Target != "":
			if err := hostName(s.Target); err != nil {
				return bad(field+".target", "%v", err)
			}
		default:
			rec, err := dkim.Parse(s.Key)
			if err != nil {
				return bad(field+".key", "%v", err)
			}
			if _, err := rec.PublicKey(); err != nil {
				return bad(field+".key", "%v", err)
			}
		}
	}
	rank := map[dmarc.Policy]int{dmarc.PolicyNone: 1, dmarc.PolicyQuarantine: 2, dmarc.PolicyReject: 3}
	if rank[p.DMARC.minimum()] == 0 {
		return bad("dmarc.minimum", "%q: use none, quarantine or reject", p.DMARC.minimum())
	}
	if rank[p.DMARC.goal()] == 0 {
		return bad("dmarc.goal", "%q: use none, quarantine or reject", p.DMARC.goal())
	}
	if rank[p.DMARC.goal()] < rank[p.DMARC.minimum()] {
		return bad("dmarc.goal", "%s is below the minimum, %s", p.DMARC.goal(), p.DMARC.minimum())
	}
	if field, reason := p.DMARC.Staging.check(); field != "" {
		return bad("dmarc.staging."+field, "%s", reason)
	}
	if _, err := dmarc.Build(dmarc.Settings{Policy: p.DMARC.goal(), Reports: p.DMARC.Reports}); err != nil {
		return bad("dmarc.reports", "%v", dmarcReason(err))
	}
	seenProvider := map[mailbox.Provider]bool{}
	for i, pr := range p.Providers {
		field := fmt.Sprintf("providers[%d]", i)
		if pr.Validate() != nil {
			return bad(field, "%q: use gmail, yahoo or microsoft", string(pr))
		}
		if seenProvider[pr] {
			return bad(field, "%s is listed twice", pr)
		}
		seenProvider[pr] = true
	}
	return nil
}

// dmarcReason is a dmarc error without the package's own prefix, which
// would stutter after the field name.
func dmarcReason(err error) string {
	s := err.Error()
	for strings.HasPrefix(s, "dmarc: ") {
		s = strings.TrimPrefix(s, "dmarc: ")
	}
	return s
}

func (e Envelope) validate() error {
	bad := func(field, format string, args ...any) error {
		return &ProfileError{Field: "envelope." + field, Reason: fmt.Sprintf(format, args...)}
	}
	switch e.mode() {
	case EnvelopeCustomer:
		if e.Domain != "" || e.Name != "" || e.Target != "" {
			return bad("mode", "the customer envelope takes no domain, name or target")
		}
	case EnvelopeVendor:
		if err := hostName(e.Domain); err != nil {
			return bad("domain", "%v", err)
		}
		if e.Name != "" || e.Target != "" {
			return bad("mode", "the vendor envelope takes a domain, no name or target")
		}
	case EnvelopeReturnPath:
		if err := hostName(e.Name + ".customer.example"); err != nil || strings.HasSuffix(e.Name, ".") || e.Name == "" {
			return bad("name", "%q is not a name under the customer's domain (such as \"bounce\")", e.Name)
		}
		if err := hostName(e.Target); err != nil {
			return bad("target", "%v", err)
		}
		if e.Domain != "" {
			return bad("mode", "the return-path envelope takes a name and a target, no domain")
		}
	default:
		return bad("mode", "%q: use customer, vendor or return-path", e.Mode)
	}
	return nil
}

// hostName checks that s is a DNS host name a record can point to:
// letters, digits, hyphens and underscores in dot-separated labels, which
// rules out an address ("info@vendor.example"), spaces and the like.
func hostName(s string) error {
	if s == "" {
		return errors.New("empty")
	}
	if strings.ContainsAny(s, "@") {
		return fmt.Errorf("%q is an e-mail address, not a host name", s)
	}
	name, err := dnsrec.CanonicalName(s)
	if err != nil {
		return fmt.Errorf("%q is not a host name", s)
	}
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	if len(labels) < 2 {
		return fmt.Errorf("%q is not a fully qualified host name", s)
	}
	for _, l := range labels {
		for _, c := range l {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return fmt.Errorf("%q is not a host name: %q is not allowed in a label", s, c)
			}
		}
		if strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return fmt.Errorf("%q is not a host name: a label starts or ends with a hyphen", s)
		}
	}
	return nil
}
