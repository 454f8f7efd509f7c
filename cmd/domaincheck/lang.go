package main

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/mailbox"
	"github.com/domainauth/domainauth/plan"
)

// reporter renders reports in one language from the message catalogue.
// English is the sender package's own rendering, unchanged.
type reporter struct {
	c   *i18n.Catalog
	tag language.Tag
}

func newReporter(tag language.Tag) reporter {
	c := i18n.Default()
	return reporter{c: c, tag: c.Match(tag)}
}

func (r reporter) english() bool { return r.tag == i18n.English }

func (r reporter) t(id string, p i18n.Params) string { return r.c.Text(r.tag, id, p) }

// report renders one domain's report as [domaincheck.DomainReport.Text] does,
// in r's language.
func (r reporter) report(rep *domaincheck.DomainReport) string {
	if r.english() {
		return rep.Text()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "==== %s\n%s\n", rep.Domain, r.verdict(rep))
	vendor := r.vendorName(rep)
	if rep.VendorBlocks && rep.Vendor != nil {
		fmt.Fprintf(&b, "%s\n", r.t("text.report.vendor-note", i18n.Params{"vendor": vendor}))
	}
	if rep.Err != nil {
		return b.String()
	}
	for _, a := range rep.Areas {
		r.area(&b, a)
	}
	r.mailbox(&b, rep, vendor)
	if rep.Plan == nil {
		return b.String()
	}
	if cs := rep.Plan.Changes.For(plan.PartyCustomer); len(cs) > 0 {
		fmt.Fprintf(&b, "\n%s\n%s", r.t("text.report.customer-changes", i18n.Params{"domain": rep.Domain, "host": rep.DNSHost}), cs.TextIn(r.tag))
	}
	if cs := rep.Plan.Changes.For(plan.PartyVendor); len(cs) > 0 {
		fmt.Fprintf(&b, "\n%s\n%s", r.t("text.report.vendor-changes", i18n.Params{"domain": rep.Domain}), cs.TextIn(r.tag))
	}
	if cs := rep.Plan.Changes.For(plan.PartyOther); len(cs) > 0 {
		fmt.Fprintf(&b, "\n%s\n%s", r.t("text.report.other-changes", nil), cs.TextIn(r.tag))
	}
	return b.String()
}

func (r reporter) vendorName(rep *domaincheck.DomainReport) string {
	if rep.Vendor != nil && rep.Vendor.Vendor != "" {
		return rep.Vendor.Vendor
	}
	return r.t("text.report.the-vendor", nil)
}

// verdict is the report's one line: the status in words, what happens
// next, and the advice counted apart.
func (r reporter) verdict(rep *domaincheck.DomainReport) string {
	p := i18n.Params{"vendor": r.vendorName(rep), "domain": rep.Domain,
		"count": strconv.Itoa(customerBlockingChanges(rep))}
	var s string
	switch {
	case rep.Status == domaincheck.DomainReady:
		s = r.t("text.report.verdict.ready", p)
	case rep.Status == domaincheck.DomainNotChecked:
		s = r.t("text.report.verdict.not-checked", p)
	case rep.Status == domaincheck.DomainNotFound, rep.Status == domaincheck.DomainNotDelegated:
		s = r.t("text.report.verdict.no-domain", p)
	case rep.Status == domaincheck.DomainInvalid:
		s = r.t("text.report.verdict.invalid", p)
	case rep.Status == domaincheck.DomainBroken:
		s = r.t("text.report.verdict.broken", p)
	case rep.MaySend:
		s = r.t("text.report.verdict.changes-may-send", p)
	default:
		s = r.t("text.report.verdict.changes", p)
	}
	adv := rep.Advice()
	findings, changes := adv.Findings, adv.Changes
	var advice []string
	if findings > 0 {
		advice = append(advice, r.t("text.report.findings", i18n.Params{"count": strconv.Itoa(findings)}))
	}
	if changes > 0 {
		advice = append(advice, r.t("text.report.recommended-changes", i18n.Params{"count": strconv.Itoa(changes)}))
	}
	if len(advice) > 0 && rep.Status != domaincheck.DomainNotChecked {
		s += " " + r.t("text.report.advice", i18n.Params{"advice": strings.Join(advice, r.t("text.plan.and", nil))})
	}
	return s
}

// customerBlockingChanges counts the customer's changes in areas the
// verdict needs.
func customerBlockingChanges(rep *domaincheck.DomainReport) int {
	n := 0
	if rep.Plan == nil {
		return 0
	}
	for _, ch := range rep.Plan.Changes.For(plan.PartyCustomer) {
		if a := rep.Area(areaOf(ch.Stage)); a != nil && a.Blocking {
			n++
		}
	}
	return n
}

func areaOf(s plan.Stage) domaincheck.AreaName {
	switch s {
	case plan.StageDKIM:
		return domaincheck.AreaDKIM
	case plan.StageSPF:
		return domaincheck.AreaSPF
	case plan.StageDMARC:
		return domaincheck.AreaDMARC
	}
	return domaincheck.AreaDelivery
}

// area writes an area's status and the findings a reader is shown, in
// r's language.
func (r reporter) area(b *strings.Builder, a domaincheck.Area) {
	r.areaWorded(b, a, func(f plan.Finding) plan.Finding { return f.In(r.tag) })
}

// areaWorded is area with the findings worded by in.
func (r reporter) areaWorded(b *strings.Builder, a domaincheck.Area, in func(plan.Finding) plan.Finding) {
	fmt.Fprintf(b, "\n[%s] %s", r.t("text.report.status."+string(a.Status), nil), r.t("text.report.area."+string(a.Name), nil))
	if a.Failed != "" {
		fmt.Fprintf(b, ": %s", a.Failed)
	}
	b.WriteByte('\n')
	for _, f := range domaincheck.Shown(a.Findings) {
		fmt.Fprintf(b, "  %s\n", strings.ReplaceAll(r.finding(in(f)), "\n", "\n  "))
	}
}

// finding renders a finding worded in r's language as [plan.Finding.String]
// does: the severity word, the code (for the support engineer), where, the
// message, and the fix.
func (r reporter) finding(f plan.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", r.t("text.report.severity."+string(f.Severity), nil), f.Code)
	var where []string
	if f.Name != "" {
		where = append(where, dnsrec.TrimDot(f.Name))
	}
	if f.Subject != "" {
		where = append(where, strconv.Quote(f.Subject))
	}
	if len(where) > 0 {
		b.WriteString(" (" + strings.Join(where, ", ") + ")")
	}
	b.WriteString(": " + f.Message)
	if f.Fix != "" {
		b.WriteString("\n  " + r.t("text.report.fix", nil) + ": " + f.Fix)
	}
	return b.String()
}

// mailbox writes the providers' rules compactly: each provider's two
// verdicts, then each rule with its outcome, the finding behind a rule
// not met and the step that fixes it.
func (r reporter) mailbox(b *strings.Builder, rep *domaincheck.DomainReport, vendor string) {
	if len(rep.Mailbox) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", r.t("text.report.mailbox", i18n.Params{"domain": rep.Domain}))
	for _, sec := range rep.Mailbox {
		p := i18n.Params{"vendor": vendor, "provider": sec.Provider.Name()}
		customer, servers := r.t("text.report.mailbox-customer-met", p), r.t("text.report.mailbox-vendor-met", p)
		if !sec.CustomerCompliant {
			customer = r.t("text.report.mailbox-customer-not-met", p)
		}
		if !sec.VendorCompliant {
			servers = r.t("text.report.mailbox-vendor-not-met", p)
		}
		fmt.Fprintf(b, "%s: %s; %s\n", sec.Provider.Name(), customer, servers)
		for _, res := range sec.Rules {
			line := fmt.Sprintf("  [%s] %s", r.t("text.report.outcome."+string(res.Outcome), nil), res.Rule)
			if res.Finding != "" {
				line += fmt.Sprintf(" (%s)", res.Finding)
			}
			if res.Party == plan.PartyVendor && res.Outcome == mailbox.NotMet {
				line += ": " + r.t("text.report.mailbox-vendor-rule", p)
			}
			fmt.Fprintln(b, line)
			if res.Step > 0 {
				fmt.Fprintf(b, "    %s: %s\n", r.t("text.report.fix", nil), r.t("text.report.step", i18n.Params{"step": strconv.Itoa(res.Step)}))
			}
		}
	}
}

// vendor renders the vendor's own set-up as [domaincheck.VendorReport.Text]
// does, in r's language.
func (r reporter) vendor(v *domaincheck.VendorReport) string {
	if r.english() {
		return v.Text()
	}
	var b strings.Builder
	p := i18n.Params{"vendor": v.Vendor, "failed": v.Failed}
	fmt.Fprintf(&b, "%s\n", r.t("text.vendor.title", p))
	switch {
	case v.Failed != "":
		fmt.Fprintf(&b, "%s\n", r.t("text.vendor.not-checked", p))
	case v.Blocks:
		fmt.Fprintf(&b, "%s\n", r.t("text.vendor.blocks", p))
	case len(v.Findings) > 0:
		fmt.Fprintf(&b, "%s\n", r.t("text.vendor.advice", p))
	default:
		fmt.Fprintf(&b, "%s\n", r.t("text.vendor.fine", p))
	}
	// The vendor's findings as VendorReport.In words them: a broken key
	// record's errors too.
	r.areaWorded(&b, v.In(r.tag).Area, func(f plan.Finding) plan.Finding { return f })
	if len(v.Mailbox) > 0 {
		fmt.Fprintf(&b, "\n%s\n", r.t("text.vendor.mailbox", p))
		for _, res := range v.Mailbox {
			line := fmt.Sprintf("  [%s] %s", r.t("text.report.outcome."+string(res.Outcome), nil), res.Rule)
			if res.Finding != "" {
				line += fmt.Sprintf(" (%s, %s)", res.Finding, res.FindingName)
			}
			fmt.Fprintln(&b, line)
		}
	}
	return b.String()
}

// localized returns a copy of the report for JSON in r's language: the
// summary, the findings, the plan and the providers' rules worded in it;
// codes, params and everything else as they are.
func (r reporter) localized(rep *domaincheck.DomainReport) *domaincheck.DomainReport {
	if r.english() {
		return rep
	}
	cp := *rep
	cp.Summary = r.verdict(rep)
	cp.Blockers = rep.BlockersIn(r.tag)
	cp.Areas = make([]domaincheck.Area, len(rep.Areas))
	for i, a := range rep.Areas {
		a.Findings = localizedFindings(a.Findings, r.tag)
		cp.Areas[i] = a
	}
	cp.Plan = rep.Plan.In(r.tag)
	if rep.Mailbox != nil {
		cp.Mailbox = make([]domaincheck.ProviderSection, len(rep.Mailbox))
		for i, sec := range rep.Mailbox {
			cp.Mailbox[i] = sec.In(r.tag)
		}
	}
	return &cp
}

func localizedFindings(fs []plan.Finding, tag language.Tag) []plan.Finding {
	if fs == nil {
		return nil
	}
	out := make([]plan.Finding, len(fs))
	for i, f := range fs {
		out[i] = f.In(tag)
	}
	return out
}
