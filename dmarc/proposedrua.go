package dmarc

import (
	"strings"

	"github.com/domainauth/domainauth/plan"
)

// CodeRUAToAuthorize is the finding that a report address the proposed
// record adds is on another organization's domain, which must authorize
// reports for the domain before receivers send it any (RFC 9990; RFC 7489,
// Section 7.1). It speaks of the proposal: dmarc-external-rua is for
// destinations the published record already names.
const CodeRUAToAuthorize plan.Code = "dmarc-rua-to-authorize" // a report address the proposed record adds, not yet authorized by its domain: domain, destination, name, org

// proposedOnly rewords the findings of [Rules.AuthorizeReports] run on a
// proposed record: a [CodeExternalRUA] finding about a destination the
// published record (nil when there is none) does not name would claim
// that reports already go there. It becomes a [CodeRUAToAuthorize]
// warning that says what the destination must publish for the address
// the proposal adds.
func proposedOnly(fs []plan.Finding, published *Record) []plan.Finding {
	named := map[string]bool{}
	if published != nil {
		for _, u := range append(append([]URI{}, published.RUA...), published.RUF...) {
			named[strings.ToLower(u.Domain())] = true
		}
	}
	out := make([]plan.Finding, 0, len(fs))
	for _, f := range fs {
		dest := f.Params["destination"]
		if f.Code != CodeExternalRUA || named[strings.ToLower(dest)] {
			out = append(out, f)
			continue
		}
		p := f.Params
		out = append(out, plan.Worded(plan.Finding{Code: CodeRUAToAuthorize, Severity: plan.SeverityWarning, Name: f.Name, Subject: f.Subject, Stage: f.Stage,
			Params: map[string]string{"domain": p["domain"], "destination": dest, "name": p["name"], "org": p["org"]}}, 1, 1))
	}
	return out
}
