package sender

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/plan"
)

// Text renders the report for a support engineer or a customer: the
// sentence, each area with its status and findings (info findings only
// where they say something to act on), the customer's numbered steps, and
// the vendor's own steps apart.
func (r *DomainReport) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "==== %s\n%s\n", r.Domain, r.Summary)
	if r.Err != nil {
		return b.String()
	}
	for _, a := range r.Areas {
		fmt.Fprintf(&b, "\n[%s] %s", a.Status, a.Name)
		if a.Failed != "" {
			fmt.Fprintf(&b, ": %s", a.Failed)
		}
		b.WriteByte('\n')
		for _, f := range a.Findings {
			if f.Severity == plan.SeverityInfo && !actionable(f.Code) {
				continue
			}
			fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(f.String(), "\n", "\n  "))
		}
	}
	if r.Plan == nil {
		return b.String()
	}
	if cs := r.Plan.Changes.For(plan.PartyCustomer); len(cs) > 0 {
		where := ""
		if r.DNSHost != "" {
			where = " (at " + r.DNSHost + ")"
		}
		fmt.Fprintf(&b, "\nThe customer's DNS changes for %s%s, in this order:\n%s", r.Domain, where, cs.Text())
	}
	if cs := r.Plan.Changes.For(plan.PartyVendor); len(cs) > 0 {
		fmt.Fprintf(&b, "\nThe vendor's own DNS changes:\n%s", cs.Text())
	}
	if cs := r.Plan.Changes.For(plan.PartyOther); len(cs) > 0 {
		fmt.Fprintf(&b, "\nChanges for other parties (the operators of these zones):\n%s", cs.Text())
	}
	return b.String()
}

// actionable reports whether an info finding is one a reader acts on.
func actionable(c plan.Code) bool {
	switch c {
	case CodeDNSHost, "dmarc-staged", "spf-merge-all":
		return true
	}
	return false
}
