package plan

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
)

// words renders the sentences of a rendering in one language from the
// message catalogue.
type words struct {
	c   *i18n.Catalog
	tag language.Tag
}

func wordsFor(tag language.Tag) words { return words{c: i18n.Default(), tag: tag} }

// t renders the message id; the catalogue holds every id this package
// asks for in every language (its tests say so).
func (w words) t(id string, p i18n.Params) string { return w.c.Text(w.tag, id, p) }

// labels are the field labels of a step.
var labels = []string{"name", "type", "delete", "add", "from", "to", "value", "ttl", "why"}

// labelWidth is the width the labels of a step are padded to, colon
// included: that of the longest label in w's language, at least 7
// ("Delete:"), so that the values line up.
func (w words) labelWidth() int {
	width := 7
	for _, l := range labels {
		width = max(width, utf8.RuneCountInString(w.t("text.plan.label."+l, nil))+1)
	}
	return width
}

// reasonIn joins the reasons' sentences in w's language.
func (c Change) reasonIn(w words) string {
	var s []string
	for _, r := range c.Reasons {
		s = append(s, r.In(w.tag).Text)
	}
	return strings.Join(s, "; ")
}

// In returns the finding with Message and Fix in the language tag matches
// (see [i18n.Catalog.Match]), worded from its Code and Params by the
// message catalogue; the English it carries picks the situation when its
// code words several. A code the catalogue does not know keeps its
// English. Code, Params and everything else are unchanged: a CRM stores
// those and renders the finding in each reader's language when it shows
// it.
func (f Finding) In(tag language.Tag) Finding {
	c := i18n.Default()
	if c.Match(tag) == i18n.English {
		return f // the producer's English is the catalogue's
	}
	if m := c.Finding(tag, string(f.Code), i18n.PartMessage, f.Params, f.Message); m != "" {
		f.Message = m
	}
	if f.Fix != "" {
		if fix := c.Finding(tag, string(f.Code), i18n.PartFix, f.Params, f.Fix); fix != "" {
			f.Fix = fix
		}
	}
	return f
}

// In returns the About with Requirement in the language tag matches, as
// [Finding.In] does.
func (a About) In(tag language.Tag) About {
	if a.Code == "" || i18n.Default().Match(tag) == i18n.English {
		return a
	}
	if t := i18n.Default().Finding(tag, string(a.Code), i18n.PartRequirement, a.Params, a.Requirement); t != "" {
		a.Requirement = t
	}
	return a
}

// In returns the reason with Text in the language tag matches, as
// [Finding.In] does.
func (r Reason) In(tag language.Tag) Reason {
	if i18n.Default().Match(tag) == i18n.English {
		return r
	}
	if t := i18n.Default().Finding(tag, string(r.Code), i18n.PartReason, r.Params, r.Text); t != "" {
		r.Text = t
	}
	return r
}

// In returns the change with its reasons in the language tag matches and
// Text set to the step in that language, as [Changes.TextIn] words it.
func (c Change) In(tag language.Tag) Change {
	reasons := make([]Reason, len(c.Reasons))
	for i, r := range c.Reasons {
		reasons[i] = r.In(tag)
	}
	var b strings.Builder
	c.writeText(&b, "", wordsFor(tag))
	c.Reasons, c.Text = reasons, b.String()
	return c
}

// In returns the changes, each [Change.In] the language tag matches, so
// that their JSON carries the sentences in that language beside the codes
// and parameters.
func (cs Changes) In(tag language.Tag) Changes {
	if cs == nil {
		return nil
	}
	out := make(Changes, len(cs))
	for i, c := range cs {
		out[i] = c.In(tag)
	}
	return out
}

// In returns a copy of the plan whose findings, reasons and changes are
// worded in the language tag matches: what its JSON carries to a reader
// of that language. The plan itself is not changed.
func (p *Plan) In(tag language.Tag) *Plan {
	if p == nil {
		return nil
	}
	out := &Plan{Changes: p.Changes.In(tag)}
	for _, f := range p.Findings {
		out.Findings = append(out.Findings, f.In(tag))
	}
	for _, r := range p.Reports {
		if r == nil {
			out.Reports = append(out.Reports, nil)
			continue
		}
		cp := *r
		cp.About = r.About.In(tag)
		cp.Findings = nil
		for _, f := range r.Findings {
			cp.Findings = append(cp.Findings, f.In(tag))
		}
		if r.Edits != nil {
			cp.Edits = make([]Edit, len(r.Edits))
			for i, e := range r.Edits {
				e.Reason = e.Reason.In(tag)
				cp.Edits[i] = e
			}
		}
		out.Reports = append(out.Reports, &cp)
	}
	return out
}
