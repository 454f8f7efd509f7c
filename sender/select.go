package sender

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
)

// Rule is what decided the sender address.
type Rule string

// Rules.
const (
	RuleAllowedDomain Rule = "allowed-domain"        // the typed address is on an allowed domain
	RuleDNSVerified   Rule = "dns-verified"          // its domain's DNS authorizes the vendor
	RuleBusinessUnit  Rule = "business-unit-default" // rewritten to the business unit's default
	RuleApplication   Rule = "application-default"   // rewritten to the application-wide default
)

// Request is what a user typed into the sender field.
type Request struct {
	From         string // such as "Jane Doe <jane@customer.ch>"
	BusinessUnit string // the user's business unit; "" for none
}

// Selection is the sender a message really carries, and why.
type Selection struct {
	// From is the From header field value to use: always exactly one valid
	// address, on an allowed domain or a configured fallback.
	From string
	// Address is From's addr-spec.
	Address string
	// Rewritten: the typed address was replaced by a fallback.
	Rewritten bool
	// Rule is what decided.
	Rule Rule
	// Domain is the configured domain entry that allowed the address, for
	// RuleAllowedDomain.
	Domain string
	// ReplyTo is the typed address, when it was rewritten but is a single
	// valid address: set it as Reply-To so replies still reach the user.
	ReplyTo string
	// Reason says in one sentence what happened, for the preview.
	Reason string
	// Problem is why the typed address was refused (nil when it is used);
	// it wraps ErrNotAllowed, ErrMultiple, ErrInjection, ...
	Problem error
	// DNS is the DNS verification of the typed domain, when the policy
	// verifies domains through DNS.
	DNS *Verification
}

// Select decides the From address for a message. It never fails: an
// address it cannot use, for whatever reason, gives the fallback and says
// why. ctx bounds the DNS verification, when the policy has one.
func (p *Policy) Select(ctx context.Context, req Request) *Selection {
	if p == nil || p.fallback == nil {
		return &Selection{Problem: ErrConfig, Reason: "the sender policy is not configured: make it with New or ParsePolicy; no address is used"}
	}
	typed, err := parseAddress(req.From)
	if err == nil {
		entry, sub, ok := p.allowedStatic(typed.domain)
		if ok {
			s := &Selection{Address: typed.spec, Rule: RuleAllowedDomain, Domain: entry}
			s.From = header(typed.name, typed.addr)
			where := fmt.Sprintf("the allowed domain %s", dnsrec.TrimDot(entry))
			if sub {
				where = fmt.Sprintf("%s, a subdomain of the allowed domain %s", dnsrec.TrimDot(typed.domain), dnsrec.TrimDot(entry))
			}
			s.Reason = fmt.Sprintf("%s is on %s, so it is used as typed.", typed.spec, where)
			if typed.droppedName != "" {
				s.Reason += fmt.Sprintf(" Its display name %q was left out: %s.", strings.ToValidUTF8(typed.droppedName, "?"), typed.dropReason)
			}
			return s
		}
		err = fmt.Errorf("%w: %s", ErrNotAllowed, dnsrec.TrimDot(typed.domain))
		if v := p.cfg.DNS; v != nil {
			auth := v.Verify(ctx, typed.domain)
			if auth.Authorized {
				return &Selection{
					From: header(typed.name, typed.addr), Address: typed.spec, Rule: RuleDNSVerified, DNS: auth,
					Reason: fmt.Sprintf("%s is not on the list of allowed domains, but the DNS of %s authorizes the vendor (%s), so it is used as typed.",
						typed.spec, dnsrec.TrimDot(typed.domain), auth.Summary()),
				}
			}
			err = fmt.Errorf("%w: %s: %s", ErrNotVerified, dnsrec.TrimDot(typed.domain), auth.Summary())
			s := p.fallbackFor(req, typed, err)
			s.DNS = auth
			return s
		}
	}
	return p.fallbackFor(req, typed, err)
}

// fallbackFor rewrites to the business unit's default or the application's.
func (p *Policy) fallbackFor(req Request, typed *parsedAddress, problem error) *Selection {
	fb, rule := p.fallback, RuleApplication
	unitNote := ""
	if req.BusinessUnit != "" {
		if a, ok := p.units[req.BusinessUnit]; ok {
			fb, rule = a, RuleBusinessUnit
		} else {
			unitNote = fmt.Sprintf(" (the business unit %q has no default sender)", req.BusinessUnit)
		}
	}
	s := &Selection{Address: fb.spec, Rewritten: true, Rule: rule, Problem: problem}
	name := fb.name
	if typed != nil {
		s.ReplyTo = header(typed.name, typed.addr)
		if typed.name != "" && p.cfg.Via != "" {
			name = typed.name + " via " + p.cfg.Via
		}
	}
	s.From = header(name, fb.addr)
	which := "the application-wide default sender"
	if rule == RuleBusinessUnit {
		which = "the business unit's default sender"
	}
	s.Reason = fmt.Sprintf("%s; %s %s is used instead%s.", describe(req.From, typed, problem), which, fb.spec, unitNote)
	if s.ReplyTo != "" {
		s.Reason += fmt.Sprintf(" Replies go to %s (Reply-To).", typed.spec)
	}
	return s
}

// describe says why the typed input was not used.
func describe(input string, typed *parsedAddress, problem error) string {
	shown := input
	if len(shown) > 80 {
		shown = shown[:77] + "..."
	}
	switch {
	case errors.Is(problem, ErrNotAllowed):
		return fmt.Sprintf("%s is not on an allowed domain", typed.spec)
	case errors.Is(problem, ErrNotVerified):
		return fmt.Sprintf("%s is not on an allowed domain, and the DNS of %s does not authorize the vendor", typed.spec, dnsrec.TrimDot(typed.domain))
	case errors.Is(problem, ErrEmpty):
		return "no sender address was given"
	case errors.Is(problem, ErrInjection):
		return fmt.Sprintf("the sender field %q contains line breaks or control characters, which could inject headers", strings.ToValidUTF8(shown, "?"))
	case errors.Is(problem, ErrMultiple):
		return fmt.Sprintf("the sender field %q holds more than one address", shown)
	case errors.Is(problem, ErrIPLiteral):
		return fmt.Sprintf("the sender field %q uses an IP address instead of a domain", shown)
	case errors.Is(problem, ErrTooLong):
		return "the sender field is too long to be an address"
	}
	return fmt.Sprintf("%q is not a valid address", strings.ToValidUTF8(shown, "?"))
}
