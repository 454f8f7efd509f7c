package domaincheck

import (
	"context"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
)

// AreaName names a part of the check.
type AreaName string

// Areas of a [DomainReport], and of the [VendorReport].
const (
	AreaDKIM     AreaName = "dkim"     // the vendor's DKIM selectors at the domain
	AreaSPF      AreaName = "spf"      // SPF for the vendor's servers with the envelope domain
	AreaDMARC    AreaName = "dmarc"    // the domain's DMARC policy
	AreaDelivery AreaName = "delivery" // the domain's MX, SOA and DNS host: advice
	AreaSending  AreaName = "sending"  // the vendor's servers: reverse DNS, HELO, blocklists, its own records
)

// Status is how an area stands.
type Status string

// Statuses, from best to worst.
const (
	StatusFine       Status = "fine"            // nothing to do
	StatusAdvice     Status = "advice"          // findings or a recommended change, none of which the verdict needs
	StatusChange     Status = "change-needed"   // the verdict needs the plan's changes for it
	StatusBroken     Status = "broken"          // the verdict needs it fixed, and no change can be proposed safely: see the findings
	StatusNotChecked Status = "could-not-check" // a DNS question failed; see Failed
)

// Area is one part of a [DomainReport] or the [VendorReport].
type Area struct {
	Name   AreaName `json:"name"`
	Status Status   `json:"status"`
	// Blocking says the verdict needs this area fixed: without it the
	// vendor may not send as the domain with the outcome its profile
	// requires.
	Blocking bool           `json:"blocking"`
	Findings []plan.Finding `json:"findings,omitempty"`
	// Failed names the DNS question that could not be answered, when the
	// status is could-not-check, and Err is that failure
	// (errors.Is(Err, dnsrec.ErrTemporary) holds for a temporary one).
	Failed string `json:"failed,omitempty"`
	Err    error  `json:"-"`
}

// status works out the area's status from whether it blocks, whether the
// plan changes it, and its findings.
func (a *Area) status(blocking, changes bool) {
	a.Blocking = blocking
	worst := plan.Worst(a.Findings)
	switch {
	case a.Failed != "":
		a.Status = StatusNotChecked
	case blocking && changes:
		a.Status = StatusChange
	case blocking:
		a.Status = StatusBroken
	case changes || worst == plan.SeverityError || worst == plan.SeverityWarning:
		a.Status = StatusAdvice
	default:
		a.Status = StatusFine
	}
}

// areaCheck collects an area's findings and the first DNS question that
// could not be answered.
type areaCheck struct {
	findings []plan.Finding
	failed   string
	err      error
}

func (a *areaCheck) add(code plan.Code, sev plan.Severity, name, subject string, params map[string]string, msg, fix string) {
	a.findings = plan.AppendNew(a.findings, plan.Finding{Code: code, Severity: sev, Name: name, Subject: subject, Params: params, Message: msg, Fix: fix})
}

// lookup asks r and records a temporary failure; it returns nil then.
func (a *areaCheck) lookup(ctx context.Context, r dnsrec.Resolver, name string, t dnsrec.Type) *dnsrec.Answer {
	ans, err := r.Lookup(ctx, name, t)
	if err != nil {
		a.fail(err)
		return nil
	}
	return ans
}

// fail records the first failed question.
func (a *areaCheck) fail(err error) {
	if a.failed == "" && err != nil {
		a.failed, a.err = describeFailure(err), err
	}
}

// area makes an advice-only area (delivery) from the check.
func (a *areaCheck) area(name AreaName) Area {
	ar := Area{Name: name, Findings: a.findings, Failed: a.failed, Err: a.err}
	ar.status(false, false)
	return ar
}
