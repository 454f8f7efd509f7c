package domaincheck

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/plan"
)

// Text renders the report for a support engineer or a customer: the
// sentence, each area with its status and findings (info findings only
// where they say something to act on), the customer's numbered steps, and
// the vendor's own steps apart. The vendor's own set-up is not part of it
// (see [VendorReport.Text]); when it affects every customer's mail, one
// line says so.
func (r *DomainReport) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "==== %s\n%s\n", r.Domain, r.Summary)
	if r.VendorBlocks && r.Vendor != nil {
		fmt.Fprintf(&b, "Note: %s's own set-up has problems that affect the mail of every customer; they are the vendor's to fix (see the vendor's section), not this domain's.\n", r.Vendor.Vendor)
	}
	if r.Err != nil {
		return b.String()
	}
	for _, a := range r.Areas {
		writeArea(&b, a)
	}
	writeMailbox(&b, r)
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
		fmt.Fprintf(&b, "\nThe vendor's own DNS changes for %s:\n%s", r.Domain, cs.Text())
	}
	if cs := r.Plan.Changes.For(plan.PartyOther); len(cs) > 0 {
		fmt.Fprintf(&b, "\nChanges for other parties (the operators of these zones):\n%s", cs.Text())
	}
	return b.String()
}

// MailboxText renders the per-provider sections alone: for each provider,
// whether the customer's DNS and the vendor's servers meet its rules, and
// each rule with its finding and the step that fixes it.
func (r *DomainReport) MailboxText() string {
	var b strings.Builder
	writeMailbox(&b, r)
	return strings.TrimPrefix(b.String(), "\n")
}

func writeMailbox(b *strings.Builder, r *DomainReport) {
	if len(r.Mailbox) == 0 {
		return
	}
	vendor := "the vendor"
	if r.Vendor != nil {
		vendor = r.Vendor.Vendor
	}
	fmt.Fprintf(b, "\nThe mailbox providers' rules for %s, checked in DNS (message rules: check a message the vendor sends):\n", r.Domain)
	for _, sec := range r.Mailbox {
		customer := "the customer's DNS meets them"
		if !sec.CustomerCompliant {
			customer = "the customer's DNS does not meet them all yet"
		}
		servers := vendor + "'s servers meet them"
		if !sec.VendorCompliant {
			servers = vendor + "'s servers do not (see the vendor's section)"
		}
		fmt.Fprintf(b, "%s: %s; %s\n", sec.Provider.Name(), customer, servers)
		for _, res := range sec.Rules {
			fmt.Fprintf(b, "  %s\n", strings.ReplaceAll(res.String(), "\n", "\n  "))
		}
	}
}

// Text renders the vendor's own set-up: its status and findings.
func (v *VendorReport) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "==== the vendor: %s\n", v.Vendor)
	switch {
	case v.Failed != "":
		fmt.Fprintf(&b, "Could not check all of %s's own set-up: DNS did not answer for %s.\n", v.Vendor, v.Failed)
	case v.Blocks:
		fmt.Fprintf(&b, "%s's own set-up has problems that affect the mail of every customer: the vendor fixes them.\n", v.Vendor)
	case len(v.Findings) > 0:
		fmt.Fprintf(&b, "%s's own set-up works; the findings below are advice.\n", v.Vendor)
	default:
		fmt.Fprintf(&b, "%s's own set-up is fine.\n", v.Vendor)
	}
	writeArea(&b, v.Area)
	writeVendorRules(&b, v)
	return b.String()
}

// writeVendorRules writes the providers' rules about the vendor's servers,
// the rules with the same outcome for the same reason on one line, a rule
// not met pointing at the finding above rather than repeating it.
func writeVendorRules(b *strings.Builder, v *VendorReport) {
	if len(v.Mailbox) == 0 {
		return
	}
	fmt.Fprintf(b, "\nThe mailbox providers' rules about %s's servers:\n", v.Vendor)
	type line struct {
		ids           []string
		outcome, text string
	}
	var lines []*line
	index := map[string]*line{}
	for _, res := range v.Mailbox {
		text := res.Sentence
		if res.Finding != "" {
			text = fmt.Sprintf("not met because of %s above (%s)", res.Finding, res.FindingName)
		}
		key := string(res.Outcome) + "\x00" + text
		l := index[key]
		if l == nil {
			l = &line{outcome: string(res.Outcome), text: text}
			index[key] = l
			lines = append(lines, l)
		}
		l.ids = append(l.ids, string(res.Rule))
	}
	for _, l := range lines {
		fmt.Fprintf(b, "  [%s] %s: %s\n", l.outcome, strings.Join(l.ids, ", "), l.text)
	}
}

func writeArea(b *strings.Builder, a Area) {
	fmt.Fprintf(b, "\n[%s] %s", a.Status, a.Name)
	if a.Failed != "" {
		fmt.Fprintf(b, ": %s", a.Failed)
	}
	b.WriteByte('\n')
	for _, f := range Shown(a.Findings) {
		fmt.Fprintf(b, "  %s\n", strings.ReplaceAll(f.String(), "\n", "\n  "))
	}
}

// Shown returns the findings a reader is shown: all but the info findings
// that say nothing to act on (a check that passed, say). The text and the
// web page show the same.
func Shown(fs []plan.Finding) []plan.Finding {
	var out []plan.Finding
	for _, f := range fs {
		if f.Severity == plan.SeverityInfo && !actionable(f.Code) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// actionable reports whether an info finding is one a reader acts on.
func actionable(c plan.Code) bool {
	switch c {
	case CodeDNSHost, CodeNullMX, CodeSPFUnaligned, dmarc.CodeStaged, dmarc.CodeReportsMissing, dmarc.CodeTighten, "spf-merge-all":
		return true
	}
	return false
}
