package domaincheck

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/resolve"
	"github.com/domainauth/domainauth/plan"
)

// Checker checks customer domains against a vendor's [Profile]: whether
// the vendor may send as each domain today with the outcome its profile
// requires (the verdict), what stands in the way, the safe plan of changes
// that removes it (see plan.Check), and advice that never blocks. A
// Checker is safe for concurrent use. Profile is required; a nil Resolver
// fails every check with dnsrec.ErrNoResolver.
type Checker struct {
	Profile  *Profile
	Resolver dnsrec.Resolver
	// Blocklists are DNS blocklist zones (RFC 5782) to look the vendor's
	// servers up in, such as a list the vendor subscribes to. None by
	// default: public lists limit free use, and their answers are the
	// list operator's, not a fact about the domain.
	Blocklists []string
	// Evidence, when set, says what the vendor knows of a domain beyond
	// its DNS (whether its aggregate reports show its legitimate mail
	// passing), for each domain checked; nil knows nothing.
	Evidence func(domain string) Evidence
}

// DomainStatus is the verdict on one customer domain, for a program to act
// on.
type DomainStatus string

// Domain statuses.
const (
	// DomainReady: the vendor may send as the domain today with the outcome
	// its profile requires. Advice may remain; none of it blocks.
	DomainReady DomainStatus = "ready"
	// DomainChangesNeeded: not ready, and the plan holds the customer's
	// changes that make it ready (or the next step towards it).
	DomainChangesNeeded DomainStatus = "changes-needed"
	// DomainBroken: not ready, and no change can be proposed safely; the
	// findings say what is wrong and what to do.
	DomainBroken DomainStatus = "broken"
	// DomainNotChecked: a DNS question the verdict needs failed.
	DomainNotChecked DomainStatus = "could-not-check"
	// DomainNotFound: the name does not exist in its zone; nothing is
	// planned.
	DomainNotFound DomainStatus = "no-domain"
	// DomainNotDelegated: the registrable domain does not exist in DNS
	// (not registered, or not delegated to name servers); nothing is
	// planned.
	DomainNotDelegated DomainStatus = "not-delegated"
	// DomainInvalid: the input is not a domain, or the profile is invalid.
	DomainInvalid DomainStatus = "invalid"
)

// DomainReport is what [Checker.Check] found for one domain.
type DomainReport struct {
	Domain string       `json:"domain"` // canonical, without the trailing dot
	Status DomainStatus `json:"status"`
	// Summary says in one sentence whether the vendor may send as the
	// domain today and what blocks it, and separately what is advice.
	Summary string `json:"summary"`
	// MaySend: the vendor's mail as the domain passes DMARC today, for
	// every one of its servers (SPF or DKIM passes and aligns), and none
	// of them gets SPF fail with the customer's domain in MAIL FROM
	// (receivers reject that before DMARC is evaluated).
	MaySend bool `json:"may_send"`
	// Ready: MaySend, and the published DMARC policy meets the profile's
	// minimum. Advice (warnings, the next DMARC stage, the domain's SOA or
	// MX set-up) never affects it, nor do the vendor's own problems.
	Ready bool `json:"ready"`
	// Blockers say, each in words, what stands between the domain and
	// ready; empty when it is ready.
	Blockers []string `json:"blockers,omitempty"`
	// blockers are the Blockers with their codes and parameters, which
	// [DomainReport.BlockersIn] words in another language.
	blockers []plan.Finding
	// DNSHost is who hosts the domain's DNS, when the name servers belong
	// to a well-known provider.
	DNSHost string     `json:"dns_host,omitempty"`
	Areas   []Area     `json:"areas"`
	Plan    *plan.Plan `json:"plan,omitempty"`
	// Mailbox has a section for each mailbox provider the profile names:
	// its DNS rules met or not, each with the finding behind it and the
	// step of Plan that fixes it. Advice: it never affects Ready.
	Mailbox []ProviderSection `json:"mailbox,omitempty"`
	// VendorBlocks says that the vendor's own set-up (see Vendor) has
	// problems that affect the mail of every customer: not the customer's
	// to fix, and not part of Ready.
	VendorBlocks bool `json:"vendor_blocks,omitempty"`
	// Vendor is the vendor's own set-up, shared by every report of a
	// batch (and left out of each report's JSON).
	Vendor *VendorReport `json:"-"`
	// Err is set when the domain itself could not be checked: it is not a
	// domain, or the profile is invalid.
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
var ErrNoProfile = errors.New("domaincheck: the Checker has no Profile")

// Check checks one domain, and the vendor's own set-up with it. DNS
// failures never end the check: the areas they touch say "could not check"
// with the question that failed, and the rest is checked. Only an invalid
// domain or profile sets Err.
func (c *Checker) Check(ctx context.Context, domain string) *DomainReport {
	if err := c.validate(); err != nil {
		return &DomainReport{Domain: domain, Status: DomainInvalid, Summary: err.Error(), Err: err}
	}
	r := resolve.Cached(c.Resolver)
	return c.check(ctx, r, domain, c.vendor(ctx, r))
}

func (c *Checker) validate() error {
	if c.Profile == nil {
		return ErrNoProfile
	}
	return c.Profile.Validate()
}

func (c *Checker) evidence(domain string) Evidence {
	if c.Evidence == nil {
		return Evidence{}
	}
	return c.Evidence(domain)
}

// check checks one domain through r, with the vendor's side already
// checked.
func (c *Checker) check(ctx context.Context, r dnsrec.Resolver, domain string, vendor *VendorReport) *DomainReport {
	p := c.Profile
	name, err := dnsrec.ParseDomain("domain", domain)
	if err != nil {
		return &DomainReport{Domain: domain, Status: DomainInvalid, Summary: err.Error(), Err: err}
	}
	rep := &DomainReport{Domain: dnsrec.TrimDot(name), Vendor: vendor, VendorBlocks: vendor != nil && vendor.Blocks}
	found := &areaCheck{}
	switch checkExistence(ctx, r, found, name) {
	case noDomain:
		rep.Status = DomainNotFound
	case notDelegated:
		rep.Status = DomainNotDelegated
	}
	if rep.Status != "" {
		gone := found.area(AreaDelivery)
		gone.status(true, false) // the domain is not there: that blocks
		rep.Areas = []Area{gone}
		rep.blockers = found.findings[:1]
		rep.Blockers = messages(rep.blockers)
		rep.Summary = fmt.Sprintf("%s cannot send as %s: %s.", p.Name, rep.Domain, found.findings[0].Message)
		return rep
	}

	pl, _ := plan.Check(ctx, r, p.Requirements(rep.Domain, c.evidence(rep.Domain))...)
	rep.Plan = pl
	// The DKIM key checks come first among the requirements: the verdict
	// reads their reports rather than checking the keys again.
	v := p.decide(ctx, r, name, pl.Reports[:min(len(pl.Reports), len(p.DKIM))])
	customer := pl.Changes.For(plan.PartyCustomer)
	step := func(stage plan.Stage) string {
		for i, ch := range customer {
			if ch.Stage == stage {
				return stepRef(i, ch)
			}
		}
		return ""
	}
	hasChange := func(stage plan.Stage) bool { return step(stage) != "" }

	dkimArea := planArea(AreaDKIM, pl, plan.StageDKIM)
	spfArea := planArea(AreaSPF, pl, plan.StageSPF)
	dmarcArea := planArea(AreaDMARC, pl, plan.StageDMARC)
	spfBlocks := v.spfBlocks(p)
	spfArea.Findings = plan.AppendNew(spfArea.Findings, v.spfFindings(p, name, step, spfWaysOut(ctx, r, p, name, spfArea.Findings))...)
	if f := checkVoidIPv6(ctx, r, p, name, spfRecordAfter(ctx, r, pl, name)); f != nil {
		spfArea.Findings = append(spfArea.Findings, *f)
	}
	if !v.PolicyMet && v.Discovery != nil && v.Discovery.Record != nil {
		fix := step(plan.StageDMARC)
		if fix == "" {
			fix = fmt.Sprintf("publish p=%s once the reports show the domain's legitimate mail passing", p.DMARC.minimum())
		}
		params := map[string]string{"domain": rep.Domain, "policy": string(v.Discovery.Policy), "minimum": string(p.DMARC.minimum()), "fix": fix}
		dmarcArea.Findings = plan.AppendNew(dmarcArea.Findings, plan.Finding{Code: CodeDMARCBelowMinimum, Severity: plan.SeverityError, Name: "_dmarc." + name, Subject: "p=" + string(v.Discovery.Policy), Params: params,
			Message: fmt.Sprintf("the DMARC policy of %s is p=%s, below p=%s, the least %s sends under", rep.Domain, v.Discovery.Policy, p.DMARC.minimum(), p.Name),
			Fix:     fix})
	}
	v.noPolicy(p, name, step(plan.StageDMARC), &dmarcArea)
	if v.Err != nil {
		for _, a := range []*Area{&dkimArea, &spfArea, &dmarcArea} {
			if a.Name == v.Failed && a.Failed == "" {
				a.Failed, a.Err = describeFailure(v.Err), v.Err
			}
		}
	}
	// What blocks, when the verdict is known; when a question failed, only
	// the area it touched is in doubt (could not check).
	known := v.Err == nil
	dkimArea.status(known && !v.Pass && !v.DKIM, hasChange(plan.StageDKIM))
	spfArea.status(spfBlocks, hasChange(plan.StageSPF))
	dmarcArea.status(known && !v.PolicyMet, hasChange(plan.StageDMARC))
	for _, a := range []*Area{&dkimArea, &spfArea, &dmarcArea} {
		a.adviceOnly()
	}

	del, host := delivery(ctx, r, name)
	rep.DNSHost = host
	delArea := del.area(AreaDelivery)
	delArea.adviceOnly()
	rep.Areas = []Area{dkimArea, spfArea, dmarcArea, delArea}
	rep.MaySend = v.accepted()
	rep.Ready = v.ready()
	rep.blockers = blockers(p, v)
	rep.Blockers = messages(rep.blockers)
	switch {
	case rep.Ready:
		rep.Status, rep.Blockers, rep.blockers = DomainReady, nil, nil
	case v.Err != nil:
		rep.Status = DomainNotChecked
	default:
		rep.Status = DomainBroken
		for _, a := range rep.Areas {
			if a.Status == StatusChange {
				rep.Status = DomainChangesNeeded
			}
		}
	}
	rep.Summary = c.summary(rep, v)
	rep.Mailbox = c.mailboxSections(ctx, r, name, v, rep)
	return rep
}

// planArea makes the area of the plan's stage: its reports' findings and
// the planner's own findings about its record sets.
func planArea(name AreaName, pl *plan.Plan, stage plan.Stage) Area {
	a := Area{Name: name}
	reps, planned := pl.Stage(stage)
	for _, rep := range reps {
		if rep.Err != nil {
			if a.Failed == "" {
				a.Failed, a.Err = describeFailure(rep.Err), rep.Err
			}
			continue
		}
		a.Findings = plan.AppendNew(a.Findings, rep.Findings...)
	}
	a.Findings = plan.AppendNew(a.Findings, planned...)
	return a
}

// stepRef is how a fix names step i (from 0) of the customer's changes:
// "make step 2 of the customer's changes (update TXT at @)".
func stepRef(i int, ch plan.Change) string {
	return fmt.Sprintf("make step %d of the customer's changes (%s %s at %s)", i+1, ch.Action, ch.Type, ch.Relative)
}

// plural returns "1 DNS change" or "3 DNS changes".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// spfRecordAfter is the SPF record the domain holds once its plan is
// followed: the plan's proposal for the apex, else the published record.
func spfRecordAfter(ctx context.Context, r dnsrec.Resolver, pl *plan.Plan, name string) string {
	recs := []dnsrec.Record(nil)
	found := false
	for _, ch := range pl.Changes {
		if strings.EqualFold(ch.Name, name) && ch.Type == dnsrec.TypeTXT {
			recs, found = ch.Proposed, true
		}
	}
	if !found {
		set, err := dnsrec.ReadSet(ctx, r, name, dnsrec.TypeTXT)
		if err != nil {
			return ""
		}
		recs = set
	}
	for _, rec := range recs {
		if v := rec.Value(); strings.HasPrefix(strings.ToLower(v), "v=spf1") {
			return v
		}
	}
	return ""
}
