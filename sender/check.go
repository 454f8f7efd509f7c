package sender

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/resolve"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// Checker checks customer domains against a vendor's [Profile]: SPF
// (evaluated for each sending address), DKIM per selector, DMARC, the
// domain's delivery set-up, and the vendor's own sending hosts; and plans
// the safe changes (see plan.Check). A Checker is safe for concurrent
// use. Profile is required; a nil Resolver fails every check with
// dnsrec.ErrNoResolver.
type Checker struct {
	Profile  *Profile
	Resolver dnsrec.Resolver
	// Blocklists are DNS blocklist zones (RFC 5782) to look the sending
	// addresses up in, such as a list the vendor subscribes to. None by
	// default: public lists limit free use, and their answers are the
	// list operator's, not a fact about the domain.
	Blocklists []string
}

// AreaName names a part of the check.
type AreaName string

// Areas of a [DomainReport].
const (
	AreaDKIM     AreaName = "dkim"     // the vendor's DKIM selectors at the domain
	AreaSPF      AreaName = "spf"      // the domain's SPF record, evaluated for each sending address
	AreaDMARC    AreaName = "dmarc"    // the domain's DMARC policy
	AreaDelivery AreaName = "delivery" // the domain's MX, SOA and DNS host
	AreaSending  AreaName = "sending"  // the vendor's servers: reverse DNS, HELO, blocklists
)

// Status is how an area stands.
type Status string

// Statuses, from best to worst.
const (
	StatusFine       Status = "fine"            // nothing to do
	StatusChange     Status = "change-needed"   // the plan holds changes for it, or it has warnings
	StatusBroken     Status = "broken"          // wrong, and no change can be proposed safely: see the findings
	StatusNotChecked Status = "could-not-check" // a DNS question failed; see Failed
)

// Area is one part of a [DomainReport].
type Area struct {
	Name     AreaName       `json:"name"`
	Status   Status         `json:"status"`
	Findings []plan.Finding `json:"findings,omitempty"`
	// Failed names the DNS question that could not be answered, when the
	// status is could-not-check.
	Failed string `json:"failed,omitempty"`
}

// DomainReport is what [Checker.Check] found for one domain.
type DomainReport struct {
	Domain string `json:"domain"` // canonical, without the trailing dot
	// Summary says in one sentence whether the vendor may send as the
	// domain today, and what is left to do.
	Summary string `json:"summary"`
	// MaySend: mail the vendor sends as the domain passes DMARC today (SPF
	// or DKIM passes for the domain, which aligns).
	MaySend bool `json:"may_send"`
	// Ready: MaySend, and nothing needs changing (no area is change-needed,
	// broken or could-not-check).
	Ready bool `json:"ready"`
	// DNSHost is who hosts the domain's DNS, when the name servers belong
	// to a well-known provider.
	DNSHost string     `json:"dns_host,omitempty"`
	Areas   []Area     `json:"areas"`
	Plan    *plan.Plan `json:"plan,omitempty"`
	// Err is set when the domain itself could not be checked: it is not a
	// domain, or the check was cancelled.
	Err error `json:"-"`
}

// Area returns the named area, or nil.
func (r *DomainReport) Area(name AreaName) *Area {
	for i := range r.Areas {
		if r.Areas[i].Name == name {
			return &r.Areas[i]
		}
	}
	return nil
}

// ErrNoProfile is reported by a [Checker] without a Profile.
var ErrNoProfile = errors.New("sender: Checker has no Profile")

// Check checks one domain. DNS failures never end the check: the areas
// they touch say "could not check" with the question that failed, and the
// rest is checked. Only an invalid domain or profile sets Err.
func (c *Checker) Check(ctx context.Context, domain string) *DomainReport {
	r := c.Resolver
	r = resolve.Cached(r)
	if err := c.validate(); err != nil {
		return &DomainReport{Domain: domain, Summary: err.Error(), Err: err}
	}
	return c.check(ctx, r, domain, sending(ctx, r, c.Profile, c.Blocklists))
}

func (c *Checker) validate() error {
	if c.Profile == nil {
		return ErrNoProfile
	}
	return c.Profile.Validate()
}

// check checks one domain through r, with the vendor's side already
// checked.
func (c *Checker) check(ctx context.Context, r dnsrec.Resolver, domain string, vendor *areaCheck) *DomainReport {
	p := c.Profile
	name, err := dnsrec.ParseDomain("domain", domain)
	if err != nil {
		return &DomainReport{Domain: domain, Summary: err.Error(), Err: err}
	}
	rep := &DomainReport{Domain: dnsrec.TrimDot(name)}
	reqs := p.Requirements(rep.Domain)
	pl, _ := plan.Check(ctx, r, reqs...)
	rep.Plan = pl
	dkimArea := planArea(AreaDKIM, pl, plan.StageDKIM)
	spfArea := planArea(AreaSPF, pl, plan.StageSPF)
	dmarcArea := planArea(AreaDMARC, pl, plan.StageDMARC)

	// SPF evaluated for real: check_host() for each sending address, with
	// the domain in MAIL FROM, as receivers will.
	spfPass := true
	for i, res := range vendorSPF(ctx, r, name, p.SendingIPs, p.HELO) {
		ip := p.SendingIPs[i]
		switch res.Status {
		case spf.Pass:
			spfArea.Findings = append(spfArea.Findings, plan.Finding{Code: CodeVendorSPFPasses, Severity: plan.SeverityInfo, Name: name, Subject: ip.String(), Message: res.Summary()})
		case spf.TempError:
			spfPass = false
			if spfArea.Status != StatusNotChecked {
				spfArea.Status, spfArea.Failed = StatusNotChecked, describeFailure(res.Err, name, dnsrec.TypeTXT)
			}
		default:
			spfPass = false
			spfArea.Findings = append(spfArea.Findings, plan.Finding{Code: CodeVendorSPFFails, Severity: plan.SeverityError, Name: name, Subject: ip.String(),
				Message: fmt.Sprintf("mail from %s as %s gets SPF %s today: %s", ip, rep.Domain, res.Status, res.Summary()),
				Fix:     "make the SPF change of the plan"})
			if spfArea.Status == StatusFine {
				spfArea.Status = StatusBroken // satisfied on paper, failing in fact: the findings say why
			}
		}
	}
	dkimPass := dkimArea.Status == StatusFine
	keys, _ := pl.Stage(plan.StageDKIM)
	for _, rp := range keys {
		dkimPass = dkimPass && rp.Satisfied
	}
	verdict, err := dmarc.Evaluate(ctx, r, dmarc.Input{From: name,
		SPF:  dmarc.Identifier{Domain: name, Pass: spfPass},
		DKIM: []dmarc.Identifier{{Domain: name, Pass: dkimPass}}})
	if err != nil && dmarcArea.Status != StatusNotChecked {
		dmarcArea.Status, dmarcArea.Failed = StatusNotChecked, describeFailure(err, "_dmarc."+name, dnsrec.TypeTXT)
	}
	rep.MaySend = verdict != nil && (verdict.SPFAligned || verdict.DKIMAligned)

	del, host := delivery(ctx, r, name)
	rep.DNSHost = host
	rep.Areas = []Area{dkimArea, spfArea, dmarcArea, checkedArea(AreaDelivery, del), checkedArea(AreaSending, vendor)}
	rep.Ready = rep.MaySend
	for _, a := range rep.Areas {
		rep.Ready = rep.Ready && a.Status == StatusFine
	}
	rep.Summary = c.summary(rep, verdict)
	return rep
}

// planArea makes the area of the plan's stage: its reports' findings and
// the planner's own findings about its record sets.
func planArea(name AreaName, pl *plan.Plan, stage plan.Stage) Area {
	a := Area{Name: name, Status: StatusFine}
	reps, planned := pl.Stage(stage)
	satisfied := true
	for _, rep := range reps {
		if rep.Err != nil {
			a.Status = StatusNotChecked
			if a.Failed == "" {
				a.Failed = describeFailure(rep.Err, "", "")
			}
			continue
		}
		satisfied = satisfied && rep.Satisfied
		a.Findings = append(a.Findings, rep.Findings...)
	}
	a.Findings = append(a.Findings, planned...)
	if a.Status == StatusNotChecked {
		return a
	}
	pending := false
	for _, ch := range pl.Changes {
		pending = pending || ch.Stage == stage
	}
	switch {
	case pending:
		a.Status = StatusChange
	case !satisfied:
		a.Status = StatusBroken
	}
	return a
}

// checkedArea makes an area from a delivery or sending check.
func checkedArea(name AreaName, c *areaCheck) Area {
	a := Area{Name: name, Status: StatusFine, Findings: c.findings, Failed: c.failed}
	switch {
	case c.failed != "":
		a.Status = StatusNotChecked
	case plan.Worst(c.findings) == plan.SeverityError:
		a.Status = StatusBroken
	case plan.Worst(c.findings) == plan.SeverityWarning:
		a.Status = StatusChange
	}
	return a
}

// summary says in one sentence whether the vendor may send as the domain.
func (c *Checker) summary(rep *DomainReport, verdict *dmarc.Verdict) string {
	vendor, domain := c.Profile.Name, rep.Domain
	var notChecked []string
	for _, a := range rep.Areas {
		if a.Status == StatusNotChecked {
			notChecked = append(notChecked, fmt.Sprintf("%s (%s)", a.Name, a.Failed))
		}
	}
	customer := len(rep.Plan.Changes.For(plan.PartyCustomer))
	steps := fmt.Sprintf("%d DNS %s for the customer", customer, map[bool]string{true: "change", false: "changes"}[customer == 1])
	how := ""
	if verdict != nil {
		switch {
		case verdict.SPFAligned && verdict.DKIMAligned:
			how = "SPF and DKIM pass and align"
		case verdict.DKIMAligned:
			how = "DKIM passes and aligns"
		case verdict.SPFAligned:
			how = "SPF passes and aligns"
		}
	}
	switch {
	case len(notChecked) > 0 && !rep.MaySend:
		return fmt.Sprintf("Could not check whether %s may send as %s: DNS did not answer for %s.", vendor, domain, strings.Join(notChecked, "; "))
	case rep.Ready:
		return fmt.Sprintf("%s may send as %s: %s, and nothing needs changing.", vendor, domain, how)
	case rep.MaySend && customer > 0:
		return fmt.Sprintf("%s may send as %s today (%s), but %s remain.", vendor, domain, how, steps)
	case rep.MaySend:
		return fmt.Sprintf("%s may send as %s today (%s), but the report lists problems to look at.", vendor, domain, how)
	case customer > 0:
		return fmt.Sprintf("%s may not send as %s yet: neither SPF nor DKIM passes for its mail, so DMARC fails; %s will fix that.", vendor, domain, steps)
	}
	return fmt.Sprintf("%s may not send as %s: neither SPF nor DKIM passes for its mail, and no change can be proposed safely; see the findings.", vendor, domain)
}

// vendorSPF evaluates check_host() for each sending address with the
// domain (canonical) in MAIL FROM, as receivers do.
func vendorSPF(ctx context.Context, r dnsrec.Resolver, name string, ips []netip.Addr, helo string) []*spf.Result {
	c := &spf.Checker{Resolver: r}
	out := make([]*spf.Result, len(ips))
	for i, ip := range ips {
		out[i] = c.CheckHost(ctx, ip, name, "postmaster@"+dnsrec.TrimDot(name), helo)
	}
	return out
}

// keysPublished reports whether every DKIM check of the profile holds
// (used by the Verifier).
func keysPublished(ctx context.Context, r dnsrec.Resolver, checks []dkim.KeyCheck) (bool, string, error) {
	for _, kc := range checks {
		d, err := kc.Check(ctx, r)
		if err != nil {
			return false, err.Error(), err
		}
		if !d.Satisfied {
			for _, f := range d.Findings {
				if f.Severity == plan.SeverityError {
					return false, f.Message, nil
				}
			}
			return false, "the DKIM selector " + kc.Selector + " is not set up", nil
		}
	}
	return true, "the DKIM selectors are set up", nil
}
