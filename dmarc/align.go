package dmarc

import (
	"context"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
)

// Identifier is one authenticated (or not) domain of a message: the SPF
// MAIL FROM domain, or a DKIM signature's d= domain.
type Identifier struct {
	Domain string
	Pass   bool // SPF gave pass; the DKIM signature verified
}

// Input is what DMARC evaluates for one message.
type Input struct {
	From string       // the RFC5322.From domain (the author domain)
	SPF  Identifier   // the MAIL FROM (or HELO) domain SPF checked
	DKIM []Identifier // every DKIM signature's d= domain
}

// Verdict is DMARC's answer for one message.
type Verdict struct {
	Pass bool
	// SPFAligned and DKIMAligned say which passing identifier aligned with
	// the author domain; DKIMDomain is the d= that did.
	SPFAligned, DKIMAligned bool
	DKIMDomain              string
	Discovery               *Discovery
	// Disposition is what the policy asks the receiver to do with the
	// message: none for a pass or when no policy applies; else the policy,
	// one step more lenient under t=y (RFC 9989).
	Disposition Policy
	Reason      string // in words
}

// Evaluate decides DMARC pass or fail for a message under RFC 9989.
func Evaluate(ctx context.Context, r dnsrec.Resolver, in Input) (*Verdict, error) {
	return RFC9989.Evaluate(ctx, r, in)
}

// Evaluate discovers the author domain's policy, checks whether a passing
// SPF or DKIM identifier aligns with it (relaxed: the same organizational
// domain under the rules; strict: the same domain), and says what the
// policy asks for.
func (rules Rules) Evaluate(ctx context.Context, r dnsrec.Resolver, in Input) (*Verdict, error) {
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	w := rules.newWalker(ctx, r)
	d, err := w.discover(in.From)
	if err != nil {
		return nil, err
	}
	v := &Verdict{Discovery: d, Disposition: PolicyNone}
	spfMode, dkimMode := AlignRelaxed, AlignRelaxed
	if d.Record != nil {
		spfMode, dkimMode = d.Record.AlignSPF(), d.Record.AlignDKIM()
	}
	aligned := func(id string, mode Alignment) (bool, error) {
		return w.aligned(d.Author, id, mode, d.OrgDomain)
	}
	if in.SPF.Pass && in.SPF.Domain != "" {
		if v.SPFAligned, err = aligned(in.SPF.Domain, spfMode); err != nil {
			return nil, err
		}
	}
	for _, id := range in.DKIM {
		if !id.Pass || id.Domain == "" {
			continue
		}
		ok, err := aligned(id.Domain, dkimMode)
		if err != nil {
			return nil, err
		}
		if ok {
			v.DKIMAligned, v.DKIMDomain = true, strings.ToLower(dnsrec.TrimDot(id.Domain))
			break
		}
	}
	v.Pass = v.SPFAligned || v.DKIMAligned
	switch {
	case v.Pass:
		how := "SPF (" + in.SPF.Domain + ")"
		if v.DKIMAligned {
			how = "DKIM (d=" + v.DKIMDomain + ")"
		}
		v.Reason = fmt.Sprintf("DMARC passes: %s authenticated the message and aligns with %s", how, d.Author)
	case d.Record == nil:
		v.Reason = fmt.Sprintf("DMARC fails, but %s publishes no DMARC policy, so nothing is asked of the receiver", d.Author)
	default:
		v.Disposition = d.Policy
		v.Reason = fmt.Sprintf("DMARC fails: %s; the policy of %s (%s=%s) asks receivers to %s the message",
			failWhy(in, d.Author, spfMode, dkimMode), d.PolicyDomain, d.PolicyTag, d.Policy, verb(d.Policy))
		if d.Record.Testing() && !rules.is7489() {
			v.Disposition = lenient(d.Policy)
			v.Reason += fmt.Sprintf(", but t=y asks for one step more lenient treatment: %s", verb(v.Disposition))
		}
		if rules.is7489() && d.Record.Percent() < 100 {
			v.Reason += fmt.Sprintf("; pct=%d applies this to %d%% of failing messages, the rest one step more leniently (%s)", d.Record.Percent(), d.Record.Percent(), verb(lenient(d.Policy)))
		}
	}
	return v, nil
}

// lenient is one step down: reject to quarantine, quarantine to none.
func lenient(p Policy) Policy {
	switch p {
	case PolicyReject:
		return PolicyQuarantine
	default:
		return PolicyNone
	}
}

func verb(p Policy) string {
	switch p {
	case PolicyReject:
		return "reject"
	case PolicyQuarantine:
		return "quarantine"
	}
	return "deliver"
}

func failWhy(in Input, author string, spfMode, dkimMode Alignment) string {
	var parts []string
	switch {
	case in.SPF.Domain == "":
		parts = append(parts, "no SPF result")
	case !in.SPF.Pass:
		parts = append(parts, "SPF did not pass for "+in.SPF.Domain)
	default:
		parts = append(parts, fmt.Sprintf("SPF passed for %s, which does not align with %s (%s)", in.SPF.Domain, author, modeName(spfMode)))
	}
	passed := 0
	for _, id := range in.DKIM {
		if id.Pass {
			passed++
		}
	}
	switch {
	case len(in.DKIM) == 0:
		parts = append(parts, "no DKIM signature")
	case passed == 0:
		parts = append(parts, "no DKIM signature verified")
	default:
		parts = append(parts, fmt.Sprintf("no verified DKIM signature aligns with %s (%s)", author, modeName(dkimMode)))
	}
	return strings.Join(parts, " and ")
}

func modeName(m Alignment) string {
	if m == AlignStrict {
		return "strict alignment"
	}
	return "relaxed alignment"
}

// Aligned reports whether domain id aligns with the author domain: the same
// domain under strict alignment; the same organizational domain under
// relaxed alignment (RFC 9989 tree walk or RFC 7489 Public Suffix List).
func (rules Rules) Aligned(ctx context.Context, r dnsrec.Resolver, author, id string, mode Alignment) (bool, error) {
	if err := rules.Validate(); err != nil {
		return false, err
	}
	return rules.newWalker(ctx, r).aligned(author, id, mode, "")
}

func (w *walker) aligned(author, id string, mode Alignment, authorOrg string) (bool, error) {
	a, err := dnsrec.CanonicalName(author)
	if err != nil {
		return false, err
	}
	b, err := dnsrec.CanonicalName(id)
	if err != nil {
		return false, nil // not a domain: cannot align
	}
	if a == b {
		return true, nil
	}
	if mode == AlignStrict {
		return false, nil
	}
	// Relaxed: names that share no label at the right end cannot share an
	// organizational domain; skip the walks.
	if commonLabels(a, b) == 0 {
		return false, nil
	}
	orgA := authorOrg
	if orgA == "" {
		if orgA, err = w.orgDomain(a); err != nil {
			return false, err
		}
	}
	orgB, err := w.orgDomain(b)
	if err != nil {
		return false, err
	}
	return strings.EqualFold(orgA, orgB), nil
}

// commonLabels counts the labels two canonical names share at their right end.
func commonLabels(a, b string) int {
	la := strings.Split(strings.TrimSuffix(a, "."), ".")
	lb := strings.Split(strings.TrimSuffix(b, "."), ".")
	n := 0
	for n < len(la) && n < len(lb) && la[len(la)-1-n] == lb[len(lb)-1-n] {
		n++
	}
	return n
}
