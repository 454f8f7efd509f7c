package dmarc

import (
	"context"
	"errors"
	"fmt"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
)

// ReportAuthorization says whether a report destination on another
// organizational domain accepts reports for a policy domain.
type ReportAuthorization struct {
	URI        URI
	External   bool   // the destination is on another organizational domain
	Authorized bool   // not external, or the destination publishes the authorization record
	Name       string // the authorization record's name: <policy-domain>._report._dmarc.<destination>
}

// ReportsCheck is what [Rules.AuthorizeReports] found.
type ReportsCheck struct {
	Destinations []ReportAuthorization
	Findings     []plan.Finding
	// Edits are what the destinations' operators must publish, each in its
	// own zone (party [plan.PartyOther]).
	Edits []plan.Edit
}

// ReasonAuthorizeReports is the reason code of the edit that lets a report
// destination accept reports for a policy domain.
const ReasonAuthorizeReports plan.Code = "dmarc-authorize-reports"

// AuthorizeReports checks every rua and ruf destination of rec, published
// by policyDomain: one on another organizational domain must publish a TXT
// record starting with v=DMARC1 at <policy-domain>._report._dmarc.<destination>
// (RFC 7489, Section 7.1; RFC 9990), or receivers do not send it reports.
// The findings say which are missing, and the edits (in the destination's
// zone) what its operator must publish.
func (rules Rules) AuthorizeReports(ctx context.Context, r dnsrec.Resolver, policyDomain string, rec *Record) (*ReportsCheck, error) {
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	return rules.newWalker(ctx, r).authorizeReports(policyDomain, rec)
}

func (w *walker) authorizeReports(policyDomain string, rec *Record) (*ReportsCheck, error) {
	pd, err := dnsrec.CanonicalName(policyDomain)
	if err != nil {
		return nil, err
	}
	pOrg, err := w.orgDomain(pd)
	if err != nil {
		return nil, err
	}
	res := &ReportsCheck{}
	seen := map[string]bool{}
	for _, u := range append(append([]URI{}, rec.RUA...), rec.RUF...) {
		dest := u.Domain()
		if dest == "" || seen[dest] {
			continue
		}
		seen[dest] = true
		ra := ReportAuthorization{URI: u, Authorized: true}
		destName, err := dnsrec.CanonicalName(dest)
		if err != nil {
			continue
		}
		dOrg, err := w.orgDomain(destName)
		if err != nil {
			return nil, err
		}
		if dOrg != pOrg {
			ra.External = true
			ra.Name = dnsrec.TrimDot(pd) + "._report._dmarc." + dnsrec.TrimDot(destName)
			a, err := w.txt(ra.Name)
			if err != nil && !errors.Is(err, dnsrec.ErrInvalidName) {
				return nil, fmt.Errorf("dmarc: %w", err)
			}
			ra.Authorized = false
			if err == nil {
				for _, txt := range a.TXT() {
					ra.Authorized = ra.Authorized || isDMARC(dnsrec.JoinTXT(txt))
				}
			}
			if !ra.Authorized {
				params := map[string]string{"domain": dnsrec.TrimDot(pd), "destination": dest, "name": ra.Name, "org": pOrg}
				res.Findings = append(res.Findings, plan.Worded(plan.Finding{Code: CodeExternalRUA, Severity: plan.SeverityError, Name: "_dmarc." + pd, Subject: u.String(), Params: params}, 1, 1))
				if add, err := dnsrec.NewTXT(ra.Name, "v=DMARC1"); err == nil {
					res.Edits = append(res.Edits, authorizeEdit(add, dest, dnsrec.TrimDot(pd)))
				}
			}
		}
		res.Destinations = append(res.Destinations, ra)
	}
	return res, nil
}

// authorizeEdit is the edit "the destination accepts reports for the
// policy domain": the record add, unless a record meant as DMARC is there.
func authorizeEdit(add dnsrec.Record, dest, policyDomain string) plan.Edit {
	return plan.Edit{Name: add.Name, Type: dnsrec.TypeTXT, Party: plan.PartyOther, Stage: plan.StageDMARC,
		Reason: authorizeReason(dest, policyDomain),
		Apply: func(current []dnsrec.Record) ([]dnsrec.Record, error) {
			for _, rec := range current {
				if isDMARC(rec.Value()) {
					return current, nil
				}
			}
			return append(current, add), nil
		}}
}

// authorizeReason is the reason of the edit that has dest accept reports
// for the policy domain.
func authorizeReason(dest, policyDomain string) plan.Reason {
	params := map[string]string{"destination": dest, "domain": policyDomain}
	return plan.Reason{Code: ReasonAuthorizeReports, Params: params, Text: plan.SentenceOf(string(ReasonAuthorizeReports), "reason", 1, params)}
}
