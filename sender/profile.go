package sender

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
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// ErrProfile is wrapped by every error of [ParseProfile] and
// [Profile.Validate].
var ErrProfile = errors.New("sender: invalid vendor profile")

// ProfileError says which field of a profile is wrong and why.
type ProfileError struct {
	Field  string // as in the JSON: "dkim[0].target"
	Reason string
}

func (e *ProfileError) Error() string {
	return fmt.Sprintf("sender: vendor profile: %s: %s", e.Field, e.Reason)
}

// Unwrap returns [ErrProfile].
func (e *ProfileError) Unwrap() error { return ErrProfile }

// Profile is what a vendor needs from a customer domain before it sends
// mail as that domain, as a CRM keeps it (JSON, see [ParseProfile]).
type Profile struct {
	// Name is the vendor as its customers know it, for the report's
	// sentences ("Example CRM may send as customer.ch").
	Name string `json:"name"`
	// SPF is the mechanism that authorizes the vendor, usually an include
	// ("include:spf.vendor.example"). Addresses, when set, are authorized
	// too, each as an ip4: or ip6: term. At least one of them is required.
	SPF       string         `json:"spf,omitempty"`
	Addresses []netip.Prefix `json:"addresses,omitempty"`
	// SendingIPs are the addresses the vendor's servers send from; SPF is
	// evaluated for each, and each must have a forward-confirmed PTR.
	SendingIPs []netip.Addr `json:"sending_ips"`
	// HELO is the name the servers greet with; it must resolve to them.
	HELO string `json:"helo"`
	// DKIM are the vendor's selectors.
	DKIM []Selector `json:"dkim"`
	// DMARC is the policy stage the vendor needs at least.
	DMARC DMARCNeed `json:"dmarc"`
}

// Selector is one of the vendor's DKIM selectors, with what the customer
// publishes for it: a CNAME to Target (the vendor publishes and rotates the
// key), or the key record Key itself.
type Selector struct {
	Selector string `json:"selector"`
	Target   string `json:"target,omitempty"` // "default._domainkey.vendor.example"
	Key      string `json:"key,omitempty"`    // "v=DKIM1; k=rsa; p=MIIB..."
}

// DMARCNeed is the DMARC stage a vendor needs: a record with at least
// Policy (none: a record must exist; quarantine or reject), sending
// aggregate reports to Reports.
type DMARCNeed struct {
	Policy  dmarc.Policy `json:"policy"`
	Reports []string     `json:"reports,omitempty"`
	// ReportsPass says the reports show the customer's legitimate mail
	// passing, so that the policy may be tightened past p=none (see
	// dmarc.Recommend). A CRM sets it per domain from its report analysis.
	ReportsPass bool `json:"reports_pass,omitempty"`
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
	if p.SPF == "" && len(p.Addresses) == 0 {
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
	if len(p.SendingIPs) == 0 {
		return bad("sending_ips", "give the addresses the vendor sends from")
	}
	for i, ip := range p.SendingIPs {
		if !ip.IsValid() || ip.IsUnspecified() {
			return bad(fmt.Sprintf("sending_ips[%d]", i), "not a usable address")
		}
	}
	if _, err := dnsrec.CanonicalName(p.HELO); err != nil || p.HELO == "" {
		return bad("helo", "not a host name: %q", p.HELO)
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
			if _, err := dnsrec.CanonicalName(s.Target); err != nil {
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
	switch p.DMARC.Policy {
	case dmarc.PolicyNone, dmarc.PolicyQuarantine, dmarc.PolicyReject:
	default:
		return bad("dmarc.policy", "%q: use none, quarantine or reject", p.DMARC.Policy)
	}
	if _, err := dmarc.Build(dmarc.Settings{Policy: p.DMARC.Policy, Reports: p.DMARC.Reports}); err != nil {
		return bad("dmarc.reports", "%v", err)
	}
	return nil
}

// terms returns the SPF mechanisms that authorize the vendor.
func (p *Profile) terms() []string {
	var out []string
	if p.SPF != "" {
		out = append(out, p.SPF)
	}
	for _, a := range p.Addresses {
		mech := "ip4:"
		if a.Addr().Is6() {
			mech = "ip6:"
		}
		if a.IsSingleIP() {
			out = append(out, mech+a.Addr().String())
		} else {
			out = append(out, mech+a.Masked().String())
		}
	}
	return out
}

// keyChecks returns the DKIM requirements for domain.
func (p *Profile) keyChecks(domain string) []dkim.KeyCheck {
	var out []dkim.KeyCheck
	for _, s := range p.DKIM {
		kc := dkim.KeyCheck{Domain: domain, Selector: s.Selector, Target: s.Target}
		if s.Key != "" {
			if rec, err := dkim.Parse(s.Key); err == nil {
				kc.Key, _ = rec.PublicKey()
			}
		}
		out = append(out, kc)
	}
	return out
}

// Requirements lists what the vendor needs of domain, in the order a plan
// applies them: the DKIM selectors, the SPF authorization, the DMARC stage.
// Check them with plan.Check, or use [Checker].
func (p *Profile) Requirements(domain string) []plan.Requirement {
	var reqs []plan.Requirement
	keys := p.keyChecks(domain)
	for _, kc := range keys {
		reqs = append(reqs, kc)
	}
	for _, t := range p.terms() {
		reqs = append(reqs, spf.Authorize{Domain: domain, Term: t})
	}
	reqs = append(reqs, dmarc.Recommend{Domain: domain, DKIM: keys, ReportsPass: p.DMARC.ReportsPass,
		Settings: dmarc.Settings{Policy: p.DMARC.Policy, Reports: p.DMARC.Reports}})
	return reqs
}
