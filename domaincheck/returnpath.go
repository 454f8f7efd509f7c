package domaincheck

import (
	"context"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
)

// Codes of the return-path requirement.
const (
	CodeReturnPathMissing  plan.Code = "sender-return-path-missing"  // the return-path name is not delegated to the vendor: name, target
	CodeReturnPathTarget   plan.Code = "sender-return-path-target"   // it is a CNAME to another name: name, target, current
	CodeReturnPathOccupied plan.Code = "sender-return-path-occupied" // other records stand at the name, so no CNAME can: name, target, type
	ReasonReturnPath       plan.Code = "sender-return-path-delegate" // the change that delegates it
)

// returnPath is the requirement "Name under Domain is a CNAME to Target":
// the customer delegates the return-path subdomain the vendor's mail
// carries in MAIL FROM, so that SPF is evaluated at the vendor's records
// and aligns with the customer's domain under relaxed alignment (RFC 9989,
// Section 4.4; RFC 7489, Section 3.1.2).
type returnPath struct {
	Domain, Name, Target string
}

func (rp returnPath) owner() (string, error) {
	return dnsrec.CanonicalName(rp.Name + "." + strings.TrimSuffix(rp.Domain, "."))
}

// About implements plan.Requirement.
func (rp returnPath) About() plan.About {
	name := rp.Name + "." + rp.Domain
	if n, err := rp.owner(); err == nil {
		name = dnsrec.TrimDot(n)
	}
	return plan.WordedAbout(ReasonReturnPath, 1, map[string]string{"name": name, "target": dnsrec.TrimDot(rp.Target)}, plan.StageSPF, plan.PartyCustomer)
}

// Require implements plan.Requirement.
func (rp returnPath) Require(ctx context.Context, r dnsrec.Resolver) (*plan.Report, error) {
	name, err := rp.owner()
	if err != nil {
		return nil, fmt.Errorf("domaincheck: return-path name: %w", err)
	}
	target, err := dnsrec.CanonicalName(rp.Target)
	if err != nil {
		return nil, fmt.Errorf("domaincheck: return-path target: %w", err)
	}
	rep := &plan.Report{About: rp.About()}
	cnames, err := dnsrec.ReadSet(ctx, r, name, dnsrec.TypeCNAME)
	if err != nil {
		return nil, fmt.Errorf("domaincheck: %w", err)
	}
	shown, to := dnsrec.TrimDot(name), dnsrec.TrimDot(target)
	params := map[string]string{"name": shown, "target": to}
	want, err := dnsrec.NewCNAME(name, target)
	if err != nil {
		return nil, fmt.Errorf("domaincheck: %w", err)
	}
	edit := plan.Edit{Name: name, Type: dnsrec.TypeCNAME, Party: plan.PartyCustomer, Stage: plan.StageSPF,
		Reason: plan.Reason{Code: ReasonReturnPath, Params: params, Text: fmt.Sprintf("delegate %s, the return path of the vendor's mail, to %s", shown, to)},
		Apply:  func([]dnsrec.Record) ([]dnsrec.Record, error) { return []dnsrec.Record{want}, nil }}
	switch {
	case len(cnames) == 1 && strings.EqualFold(cnames[0].Data, target):
		rep.Satisfied = true
		return rep, nil
	case len(cnames) > 0:
		params := map[string]string{"name": shown, "target": to, "current": dnsrec.TrimDot(cnames[0].Data)}
		rep.Findings = append(rep.Findings, plan.Finding{Code: CodeReturnPathTarget, Severity: plan.SeverityError, Name: name, Subject: dnsrec.TrimDot(cnames[0].Data), Params: params,
			Message: fmt.Sprintf("%s is a CNAME to %s, not to %s: the vendor's bounces are addressed there, and SPF is evaluated at the wrong records", shown, params["current"], to),
			Fix:     fmt.Sprintf("point the CNAME at %s", to)})
		rep.Edits = append(rep.Edits, edit)
		return rep, nil
	}
	// Nothing delegated: a CNAME can only be added where no other record
	// stands (RFC 1034, Section 3.6.2).
	for _, t := range []dnsrec.Type{dnsrec.TypeTXT, dnsrec.TypeMX, dnsrec.TypeA, dnsrec.TypeAAAA} {
		set, err := dnsrec.ReadSet(ctx, r, name, t)
		if err != nil {
			return nil, fmt.Errorf("domaincheck: %w", err)
		}
		if len(set) > 0 {
			params := map[string]string{"name": shown, "target": to, "type": string(t)}
			rep.Findings = append(rep.Findings, plan.Finding{Code: CodeReturnPathOccupied, Severity: plan.SeverityError, Name: name, Subject: string(t), Params: params,
				Message: fmt.Sprintf("%s already holds %s records, and a CNAME cannot stand beside other records (RFC 1034, Section 3.6.2): the return path cannot be delegated there", shown, t),
				Fix:     fmt.Sprintf("move what %s holds elsewhere, or ask the vendor for another return-path name; no change is proposed", shown)})
			return rep, nil
		}
	}
	rep.Findings = append(rep.Findings, plan.Finding{Code: CodeReturnPathMissing, Severity: plan.SeverityError, Name: name, Subject: to, Params: params,
		Message: fmt.Sprintf("%s is not delegated to the vendor: the vendor's mail carries it in MAIL FROM, and SPF for it fails until it is a CNAME to %s", shown, to),
		Fix:     fmt.Sprintf("add the CNAME %s -> %s", shown, to)})
	rep.Edits = append(rep.Edits, edit)
	return rep, nil
}
