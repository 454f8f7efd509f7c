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
// catalogue. English is render.go's, unchanged. What the feedback package
// words itself (a status code in words, a provider's rule, the header
// fields' verdicts, a message's rules) stays English: it has no codes yet.
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
	fmt.Fprintf(w, "==== %s\n", r.Name)
	switch {
	case r.Bounce != nil:
		t.bounce(w, r.Bounce)
	case r.Headers != nil:
		t.headers(w, r.Headers)
		if r.Message != nil {
			fmt.Fprintf(w, "\n%s", r.Message.Text())
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
		fmt.Fprintf(w, "\n%s: %s (%s)\n", r.Address, r.Class, r.Status)
		if r.StatusText != "" {
			fmt.Fprintf(w, "  %s: %s\n", r.Status, r.StatusText)
		}
		fmt.Fprintf(w, "  %s\n", t.t("text.why.receiver-said", i18n.Params{"diagnostic": r.Diagnostic}))
		if r.Rule != nil {
			fmt.Fprintf(w, "  %s\n", t.t("text.why.rule", i18n.Params{"provider": r.Rule.Provider, "rule": r.Rule.Rule, "id": string(r.Rule.RuleID)}))
		}
		if l := r.List; l != nil {
			fmt.Fprintf(w, "  %s\n", t.t("text.why.listed", i18n.Params{"list": l.String(), "operator": l.Operator, "url": l.LookupURL}))
		}
		fmt.Fprintf(w, "  %s\n", t.t("text.why.advice", i18n.Params{"advice": r.Advice}))
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
	var mine, others int
	for _, r := range h.Reasons {
		if r.Trust == feedback.TrustReceiver {
			mine++
		} else {
			others++
		}
	}
	if mine > 0 {
		fmt.Fprintln(w, t.t("text.why.verdict", nil))
	} else {
		fmt.Fprintln(w, t.t("text.why.no-verdict", nil))
	}
	for _, r := range h.Reasons {
		if r.Trust != feedback.TrustReceiver {
			continue
		}
		mark := "ok  "
		if r.Failed {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  [%s] %s (%s)\n", mark, r.Text, r.Source)
	}
	if others > 0 {
		fmt.Fprintln(w, t.t("text.why.not-verdict", nil))
		for _, r := range h.Reasons {
			if r.Trust != feedback.TrustReceiver {
				fmt.Fprintf(w, "  [----] %s (%s, %s)\n", r.Text, r.Source, r.AuthServID)
			}
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
		kind := string(s.Kind)
		if s.Kind == feedback.SourceAligned && s.Passed < s.Messages {
			kind = "aligned-failing"
		}
		fmt.Fprintf(w, "  %s: %s\n", name, t.t("text.why.source", i18n.Params{"passed": strconv.Itoa(s.Passed), "messages": strconv.Itoa(s.Messages), "kind": t.t("text.why.kind."+kind, nil)}))
	}
	if sum.SafeToTighten {
		fmt.Fprintln(w, t.t("text.why.safe", nil))
	} else {
		fmt.Fprintln(w, t.t("text.why.not-safe", i18n.Params{"because": sum.NotSafeBecause}))
	}
	if len(sum.Unaligned) > 0 {
		fmt.Fprintln(w, t.t("text.why.unaligned", i18n.Params{"count": strconv.Itoa(len(sum.Unaligned)), "domain": sum.Domain}))
	}
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
		for i, f := range r.Fixes {
			r.Fixes[i].Text = t.fix(f)
			r.Fixes[i].Changes = f.Changes.In(t.tag)
		}
	}
}
