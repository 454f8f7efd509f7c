package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/feedback"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/spf"
)

// teller words why's explanations in one language from the message
// catalogue. English is render.go's, unchanged. The feedback package's own
// sentences (a status code in words, a provider's rule, the advice, the
// header fields' results, a report's why) are rendered from their codes
// in the same language, and so are the mailbox providers' message rules
// (mailbox.MessageReport.TextIn).
type teller struct {
	c   *i18n.Catalog
	tag language.Tag
}

func newTeller(tag language.Tag) teller {
	c := i18n.Default()
	return teller{c: c, tag: c.Match(tag)}
}

func (t teller) t(id string, p i18n.Params) string { return t.c.Text(t.tag, id, p) }

// write renders one result as writeText does, in t's language.
func (t teller) write(w io.Writer, r *result) {
	if t.tag == i18n.English {
		writeText(w, r)
		return
	}
	fmt.Fprintf(w, "==== %s\n", t.name(r))
	switch {
	case r.Bounce != nil:
		t.bounce(w, r.Bounce)
	case r.Headers != nil:
		t.headers(w, r.Headers)
		if r.Message != nil {
			fmt.Fprintf(w, "\n%s", r.Message.TextIn(t.tag))
		}
	case r.Report != nil:
		t.report(w, r.Report)
	}
	for _, f := range r.Fixes {
		fmt.Fprintf(w, "\n%s\n", t.fix(f))
		if len(f.Changes) > 0 {
			fmt.Fprintf(w, "\n%s\n%s", t.t("text.report.customer-changes", i18n.Params{"domain": f.Domain}), f.Changes.TextIn(t.tag))
		}
	}
}

func (t teller) bounce(w io.Writer, b *feedback.Bounce) {
	fmt.Fprintln(w, t.t("text.why.bounce", i18n.Params{"mta": b.ReportingMTA}))
	for _, r := range b.Recipients {
		status := r.Status
		if status == "" {
			status = t.t("text.why.no-status", nil)
		}
		fmt.Fprintf(w, "\n%s: %s (%s)\n", r.Address, t.t("text.why.class."+string(r.Class), nil), status)
		if r.StatusText != "" {
			fmt.Fprintf(w, "  %s: %s\n", r.Status, r.StatusTextIn(t.tag))
		}
		if r.ReportedStatus != "" {
			fmt.Fprintf(w, "  %s\n", t.t("text.why.reported-status", i18n.Params{"reported": r.ReportedStatus, "status": r.Status}))
		}
		fmt.Fprintf(w, "  %s\n", t.t("text.why.receiver-said", i18n.Params{"diagnostic": r.Diagnostic}))
		if r.Rule != nil {
			fmt.Fprintf(w, "  %s\n", t.t("text.why.rule", i18n.Params{"provider": r.Rule.Provider, "rule": r.Rule.RuleIn(t.tag), "id": string(r.Rule.RuleID)}))
		}
		if l := r.List; l != nil {
			p := i18n.Params{"list": l.StringIn(t.tag), "operator": l.Operator, "url": l.LookupURL}
			if l.Address.IsValid() {
				p["address"] = l.Address.String()
			}
			fmt.Fprintf(w, "  %s\n", t.t("text.why.listed-at", p))
		}
		fmt.Fprintf(w, "  %s\n", t.t("text.why.advice", i18n.Params{"advice": r.AdviceIn(t.tag)}))
	}
}

func (t teller) headers(w io.Writer, h *feedback.Headers) {
	p := i18n.Params{"from": h.From}
	if h.IP.IsValid() {
		p["ip"] = h.IP.String()
	}
	if h.Spam {
		p["spam"] = "spam"
	}
	fmt.Fprintln(w, t.t("text.why.message", p))
	mine, others, who := verdicts(h)
	switch {
	case len(mine) > 0 && who == "":
		fmt.Fprintln(w, t.t("text.why.verdict", nil))
	case len(mine) > 0:
		fmt.Fprintln(w, t.t("text.why.verdict-by", i18n.Params{"who": who}))
	default:
		fmt.Fprintln(w, t.t("text.why.no-verdict-by", i18n.Params{"who": who}))
	}
	for _, r := range mine {
		mark := "ok  "
		if r.Failed {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  [%s] %s (%s)\n", mark, r.TextIn(t.tag), r.Source)
	}
	if len(others) > 0 {
		fmt.Fprintln(w, t.t("text.why.not-verdict", nil))
	}
	for _, r := range others {
		if r.Trust == feedback.TrustEarlierHop {
			fmt.Fprintf(w, "  [hop ] %s (%s)\n", r.TextIn(t.tag), t.t("text.why.hop", i18n.Params{"instance": strconv.Itoa(r.Instance), "by": r.AuthServID}))
		} else {
			fmt.Fprintf(w, "  [????] %s (%s)\n", r.TextIn(t.tag), t.t("text.why.untrusted", i18n.Params{"source": r.Source, "by": r.AuthServID}))
		}
	}
}

func (t teller) report(w io.Writer, rep *reportResult) {
	sum := rep.Summary
	fmt.Fprintln(w, t.t("text.why.report", i18n.Params{"org": rep.Org, "domain": sum.Domain,
		"begin": t.date(rep.Begin), "end": t.date(rep.End),
		"messages": strconv.Itoa(sum.Messages), "passed": strconv.Itoa(sum.Passed)}))
	for _, s := range sum.Sources {
		name := s.IP.String()
		if s.Host != "" {
			name += " (" + s.Host + ")"
		}
		fmt.Fprintf(w, "  %s: %s\n", name, t.t("text.why.source", i18n.Params{"passed": strconv.Itoa(s.Passed), "messages": strconv.Itoa(s.Messages), "kind": t.kind(s)}))
	}
	if sum.SafeToTighten {
		fmt.Fprintln(w, t.t("text.why.safe", nil))
	} else {
		fmt.Fprintln(w, t.t("text.why.not-safe", i18n.Params{"because": sum.NotSafeBecauseIn(t.tag)}))
	}
	if len(sum.Unaligned) > 0 {
		fmt.Fprintln(w, t.t("text.why.unaligned", i18n.Params{"count": strconv.Itoa(len(sum.Unaligned)), "domain": sum.Domain}))
	}
}

// kind words what a source is to the domain, as kindText does.
func (t teller) kind(s feedback.SourceSummary) string {
	why := i18n.Params{"why": s.WhyIn(t.tag)}
	switch s.Kind {
	case feedback.SourceVendor:
		return t.t("text.why.kind.vendor", nil)
	case feedback.SourceAligned:
		if s.Passed < s.Messages {
			return t.t("text.why.kind.aligned-failing", nil)
		}
		return t.t("text.why.kind.aligned", nil)
	case feedback.SourceService:
		return t.t("text.why.kind-service", why)
	case feedback.SourceUnaligned:
		return t.t("text.why.kind-unaligned", why)
	}
	if s.Overridden > 0 {
		return t.t("text.why.kind-unauthenticated", why)
	}
	return t.t("text.why.kind.unauthenticated", nil)
}

// name words an input's name: a file's name as given, a sample or
// standard input in t's language.
func (t teller) name(r *result) string {
	switch {
	case r.sample != "":
		return t.t("text.why.sample", i18n.Params{"name": r.sample})
	case r.Name == stdinName:
		return t.t("text.why.stdin", nil)
	}
	return r.Name
}

// date writes a report's day (2006-01-02) as t's readers write dates.
func (t teller) date(day string) string {
	d, err := time.Parse("2006-01-02", day)
	if err != nil {
		return day
	}
	return t.c.Date(t.tag, d)
}

// fix words what was reported, what SPF says now and how many changes fix
// it, from the fix's facts.
func (t teller) fix(f fixResult) string {
	p := i18n.Params{"mechanism": strings.ToUpper(string(f.Mechanism)), "domain": f.Domain, "ip": f.IP,
		"result": f.SPF, "count": strconv.Itoa(len(f.Changes))}
	s := []string{t.t("text.why.reported", p)}
	if f.SPF != "" && f.SPF != string(spf.StatusPass) {
		s = append(s, t.t("text.why.spf-now", p))
	}
	if len(f.Changes) > 0 {
		s = append(s, t.t("text.why.changes", p))
	} else {
		s = append(s, t.t("text.why.no-changes", p))
	}
	return strings.Join(s, " ")
}

// localize words the fixes of results in t's language for JSON: the text
// and the changes' steps and reasons; codes and params stay.
func (t teller) localize(results []*result) {
	if t.tag == i18n.English {
		return
	}
	for _, r := range results {
		r.Name = t.name(r)
		for i, f := range r.Fixes {
			r.Fixes[i].Text = t.fix(f)
			r.Fixes[i].Changes = f.Changes.In(t.tag)
		}
		if b := r.Bounce; b != nil {
			for i := range b.Recipients {
				rc := &b.Recipients[i]
				rc.StatusText, rc.Advice = rc.StatusTextIn(t.tag), rc.AdviceIn(t.tag)
				if rc.Rule != nil {
					rule := *rc.Rule
					rule.Rule, rule.Fix = rule.RuleIn(t.tag), rule.FixIn(t.tag)
					rc.Rule = &rule
				}
			}
		}
		if h := r.Headers; h != nil {
			for i := range h.Reasons {
				h.Reasons[i].Text = h.Reasons[i].TextIn(t.tag)
			}
		}
		if rep := r.Report; rep != nil {
			sum := rep.Summary
			for _, l := range [][]feedback.SourceSummary{sum.Sources, sum.Hurt, sum.Unaligned} {
				for i := range l {
					l[i].Why = l[i].WhyIn(t.tag)
				}
			}
			sum.NotSafeBecause = sum.NotSafeBecauseIn(t.tag)
		}
	}
}
