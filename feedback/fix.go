package feedback

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/resolve"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// Fix is what the DNS of the sender's domain says now about an
// authentication failure the mail world reported, and the safe plan that
// removes it.
type Fix struct {
	Mechanism Mechanism
	Domain    string     // the sender's domain
	IP        netip.Addr // the sending address the failure was reported for, when known
	// SPF is check_host() for IP and Domain now, when both are known.
	SPF *spf.Result
	// Plan is the requirements checked on Domain (see plan.Check).
	Plan *plan.Plan
	// Text says in words what was reported, what DNS says now, and what to
	// change.
	Text string
}

// Diagnose turns a reported authentication failure into the fix: it
// evaluates SPF for the reported address (check_host(), RFC 7208), checks
// the vendor's requirements on the domain (its SPF authorization, DKIM
// keys, DMARC stage: such as domaincheck.Profile.Requirements gives) and
// returns the safe plan, with a sentence such as "the bounce says SPF
// failed for 5.255.64.53; customer.example's SPF record does not authorize
// it (fail); the plan updates it". DNS failures are errors.
func Diagnose(ctx context.Context, r dnsrec.Resolver, mech Mechanism, domain string, ip netip.Addr, reqs ...plan.Requirement) (*Fix, error) {
	name, err := dnsrec.ParseDomain("domain", domain)
	if err != nil {
		return nil, fmt.Errorf("feedback: Diagnose: %w", err)
	}
	r = resolve.Cached(r)
	f := &Fix{Mechanism: mech, Domain: dnsrec.TrimDot(name), IP: ip}
	reported := fmt.Sprintf("%s failed for mail from %s", strings.ToUpper(string(mech)), f.Domain)
	if ip.IsValid() {
		reported = fmt.Sprintf("%s failed for %s sending as %s", strings.ToUpper(string(mech)), ip, f.Domain)
		f.SPF = (&spf.Checker{Resolver: r}).CheckHost(ctx, ip, name, "postmaster@"+f.Domain, f.Domain)
		if f.SPF.Status == spf.StatusTempError {
			return nil, fmt.Errorf("feedback: Diagnose: %w", f.SPF.Err)
		}
	}
	f.Plan, err = plan.Check(ctx, r, reqs...)
	if err != nil && errors.Is(err, dnsrec.ErrTemporary) {
		return nil, fmt.Errorf("feedback: Diagnose: %w", err)
	}
	sentences := []string{"The report says " + reported + "."}
	if f.SPF != nil {
		sentences = append(sentences, "SPF for it now: "+f.SPF.Summary())
	}
	var missing []string
	for _, rep := range f.Plan.Reports {
		if rep != nil && !rep.Satisfied {
			missing = append(missing, rep.Requirement)
		}
	}
	if len(missing) > 0 {
		sentences = append(sentences, "Not yet in place: "+strings.Join(missing, "; ")+".")
	}
	steps := len(f.Plan.Changes.For(plan.PartyCustomer))
	switch {
	case steps > 0:
		sentences = append(sentences, fmt.Sprintf("%d DNS %s for the customer fix it.", steps, map[bool]string{true: "change", false: "changes"}[steps == 1]))
	case len(f.Plan.Reports) > 0 && f.Plan.Satisfied():
		sentences = append(sentences, "The DNS is right now: the failure came before the last change, or from a sender the vendor does not know.")
	default:
		sentences = append(sentences, "No DNS change can be proposed safely; see the findings.")
	}
	f.Text = strings.Join(sentences, " ")
	return f, nil
}
