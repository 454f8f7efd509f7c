package mailbox

import (
	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/plan"
)

// Worded makes the result of rule r with the message catalogue's English
// (package i18n) for code and params: Sentence is variant msg of the
// code's message and Fix variant fix of its fix (see plan.SentenceOf; 0
// for none). The result keeps the code and params, so that
// [RuleResult.In] words it in another language.
func Worded(r Rule, o Outcome, code plan.Code, msg, fix int, params map[string]string) RuleResult {
	res := Result(r, o, plan.SentenceOf(string(code), i18n.PartMessage, msg, params))
	res.Code, res.Params = code, params
	if fix > 0 {
		res.Fix = plan.SentenceOf(string(code), i18n.PartFix, fix, params)
		res.FixCode, res.FixParams = code, params
	}
	return res
}

// In returns the result with Sentence and Fix in the language tag matches
// (see [i18n.Catalog.Match]), worded from Code and Params (FixCode and
// FixParams for the fix) by the message catalogue; the English picks the
// situation when a code words several. A sentence without a code, or
// whose code the catalogue does not know, keeps its English. Everything
// else is unchanged.
func (r RuleResult) In(tag language.Tag) RuleResult {
	c := i18n.Default()
	if c.Match(tag) == i18n.English {
		return r // the producer's English is the catalogue's
	}
	if r.Code != "" {
		if s := c.Finding(tag, string(r.Code), i18n.PartMessage, r.Params, r.Sentence); s != "" {
			r.Sentence = s
		}
	}
	if r.Fix != "" && r.FixCode != "" {
		if s := c.Finding(tag, string(r.FixCode), i18n.PartFix, r.FixParams, r.Fix); s != "" {
			r.Fix = s
		}
	}
	return r
}

// WhereURL is the address of the page Where names, "" for a rule that is
// checked from here.
func (r Rule) WhereURL() string { return r.whereURL }

// In returns a copy of the report whose results are worded in the
// language tag matches (see [RuleResult.In]): what its JSON carries to a
// reader of that language.
func (r *MessageReport) In(tag language.Tag) *MessageReport {
	cp := *r
	if r.Results != nil {
		cp.Results = make([]RuleResult, len(r.Results))
		for i, res := range r.Results {
			cp.Results[i] = res.In(tag)
		}
	}
	return &cp
}

// ruleText is the catalogue's id of a rule's summary or where.
func ruleText(id RuleID, part string) string { return "mailbox-rule." + string(id) + "." + part }

// In returns the rule with Summary and Where in the language tag matches,
// from the message catalogue.
func (r Rule) In(tag language.Tag) Rule {
	c := i18n.Default()
	if c.Match(tag) == i18n.English {
		return r
	}
	if s := c.Text(tag, ruleText(r.ID, "summary"), nil); s != "" {
		r.Summary = s
	}
	if r.Where != "" && r.whereURL != "" {
		if s := c.Text(tag, ruleText(r.ID, "where"), i18n.Params{"url": r.whereURL}); s != "" {
			r.Where = s
		}
	}
	return r
}
