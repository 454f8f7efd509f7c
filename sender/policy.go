package sender

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"golang.org/x/net/publicsuffix"
)

// Configuration errors, returned (wrapped) by New and ParsePolicy.
var (
	ErrConfig          = errors.New("sender: invalid policy")
	ErrFallbackBlocked = errors.New("sender: a fallback address is not on an allowed domain")
)

// Domain is one allowed sender domain.
type Domain struct {
	// Domain is the domain, in Unicode or ASCII form, with or without the
	// trailing dot.
	Domain string `json:"domain"`
	// Subdomains also allows every subdomain of Domain.
	Subdomains bool `json:"subdomains,omitempty"`
}

// Config is a sender policy as a CRM stores it (in its database, as JSON).
// New compiles it into a [Policy].
type Config struct {
	// Domains are the domains the application may send as.
	Domains []Domain `json:"domains"`
	// BusinessUnits maps a business unit's name to its default sender
	// address ("Sales <sales@crm.example>"); a unit without one uses
	// Default.
	BusinessUnits map[string]string `json:"business_units,omitempty"`
	// Default is the application-wide default sender address. Required.
	Default string `json:"default"`
	// Via, when set, marks rewritten senders' display names:
	// "Jane Doe via Example CRM".
	Via string `json:"via,omitempty"`
	// DNS, when set, also allows domains whose DNS authorizes the vendor
	// (see Verifier). It is not part of the JSON.
	DNS Verifier `json:"-"`
}

// Policy is a compiled, immutable sender policy, safe for concurrent use.
// Looking a domain up costs a few map probes, whatever the number of
// allowed domains. Make one with [New] or [ParsePolicy]: the zero Policy
// allows nothing and has no fallback, so [Policy.Select] returns no address
// and the Problem [ErrConfig].
type Policy struct {
	cfg      Config
	exact    map[string]string // canonical domain -> as configured
	subtree  map[string]string // canonical domain -> as configured, subdomains allowed
	units    map[string]*parsedAddress
	fallback *parsedAddress
}

// New checks a configuration and compiles it: every domain must be valid
// and listed once, every fallback address must be a single valid address on
// an allowed domain, and Default must be set.
func New(cfg Config) (*Policy, error) {
	if len(cfg.BusinessUnits) == 0 {
		cfg.BusinessUnits = nil // as its JSON reads back
	}
	if len(cfg.Domains) == 0 {
		cfg.Domains = nil
	}
	p := &Policy{cfg: cfg, exact: map[string]string{}, subtree: map[string]string{}, units: map[string]*parsedAddress{}}
	var errs []error
	for i, d := range cfg.Domains {
		name, err := canonicalDomain(d.Domain)
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: domains[%d] %q: %v", ErrConfig, i, d.Domain, err))
			continue
		}
		if suffix, _ := publicsuffix.PublicSuffix(dnsrec.TrimDot(name)); suffix == dnsrec.TrimDot(name) {
			errs = append(errs, fmt.Errorf("%w: domains[%d] %q is a public suffix: allowing it would allow every domain registered under it", ErrConfig, i, d.Domain))
			continue
		}
		if _, dup := p.exact[name]; dup {
			errs = append(errs, fmt.Errorf("%w: domains[%d]: %q is listed twice", ErrConfig, i, d.Domain))
			continue
		}
		p.exact[name] = d.Domain
		if d.Subdomains {
			p.subtree[name] = d.Domain
		}
	}
	check := func(what, addr string) *parsedAddress {
		a, err := parseAddress(addr)
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: %s %q: %v", ErrConfig, what, addr, err))
			return nil
		}
		if _, _, ok := p.allowedStatic(a.domain); !ok {
			errs = append(errs, fmt.Errorf("%w: %s %q: %s is not on an allowed domain", ErrFallbackBlocked, what, addr, strings.TrimSuffix(a.domain, ".")))
			return nil
		}
		return a
	}
	if cfg.Default == "" {
		errs = append(errs, fmt.Errorf("%w: no application-wide default sender", ErrConfig))
	} else {
		p.fallback = check("default", cfg.Default)
	}
	units := make([]string, 0, len(cfg.BusinessUnits))
	for u := range cfg.BusinessUnits {
		units = append(units, u)
	}
	sort.Strings(units)
	for _, u := range units {
		if a := check(fmt.Sprintf("business unit %q", u), cfg.BusinessUnits[u]); a != nil {
			p.units[u] = a
		}
	}
	if strings.ContainsAny(cfg.Via, "\r\n@<>\"") {
		errs = append(errs, fmt.Errorf("%w: via %q: no line breaks, quotes, @ or angle brackets", ErrConfig, cfg.Via))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return p, nil
}

// ParsePolicy reads a JSON configuration and compiles it with New.
func ParsePolicy(data []byte) (*Policy, error) {
	var cfg Config
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	return New(cfg)
}

// Config returns the configuration the policy was built from.
func (p *Policy) Config() Config { return p.cfg }

// MarshalJSON writes the configuration.
func (p *Policy) MarshalJSON() ([]byte, error) { return json.Marshal(p.cfg) }

// allowedStatic reports whether a canonical domain is allowed by the list,
// and by which configured entry.
func (p *Policy) allowedStatic(domain string) (entry string, sub bool, ok bool) {
	if e, found := p.exact[domain]; found {
		return e, false, true
	}
	// Walk up the labels: news.customer.ch. -> customer.ch. -> ch.
	for rest := domain; ; {
		i := strings.IndexByte(rest, '.')
		if i < 0 || i == len(rest)-1 {
			return "", false, false
		}
		rest = rest[i+1:]
		if e, found := p.subtree[rest]; found {
			return e, true, true
		}
	}
}
