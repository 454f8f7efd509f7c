package dmarc

import (
	"strings"

	"github.com/domainauth/domainauth/internal/taglist"
	"github.com/domainauth/domainauth/plan"
)

// Finding codes about entries receivers work around (see the list in
// lint.go for the others).
const (
	CodeEmptyEntry    plan.Code = "dmarc-empty-entry"    // ";;": an empty entry, which the grammar does not allow (receivers skip it): separator
	CodeInvalidPolicy plan.Code = "dmarc-invalid-policy" // sp= or np= is not a policy, so receivers act as if the record said p=none (it has a valid rua=): tag, value, section; policy (the p= no longer applied)
	CodeReportFormat  plan.Code = "dmarc-report-format"  // rf= names a format other than afrf, the only one registered (RFC 7489): tag, value, formats
)

// addFunc and tagFunc are Lint's helpers: add a finding; make the params
// of a finding about a tag.
type (
	addFunc func(code plan.Code, sev plan.Severity, subject string, off int, params map[string]string, msg, fix int)
	tagFunc func(name string, kv ...string) map[string]string
)

// defaultOf returns the value receivers use in place of an invalid one of
// the tag, in words; "" when there is none to name.
func defaultOf(tag string) string {
	switch tag {
	case "pct":
		return "100"
	case "ri":
		return "86400"
	case "rf":
		return "afrf"
	case "psd":
		return "u"
	case "t":
		return "n"
	case "adkim", "aspf":
		return "r"
	case "fo":
		return "0"
	case "np":
		return "the sp= or p= policy"
	}
	return ""
}

// section is where the rules say what receivers do with a record that has
// no usable policy.
func (rules Rules) section() string {
	if rules.is7489() {
		return "RFC 7489, Section 6.6.3"
	}
	return "RFC 9989, Section 4.10.1"
}

// lintIssues reports what receivers work around in the record: empty and
// malformed entries, invalid values, and a missing or invalid policy read
// as p=none.
func lintIssues(rules Rules, text string, issues []issue, add addFunc, tag tagFunc) {
	replaced := "" // the valid p= an invalid sp= or np= replaces with none
	for _, is := range issues {
		if is.kind == issueReplaced && is.tag == "p" {
			replaced = is.value
		}
	}
	for _, is := range issues {
		switch {
		case is.kind == issueReplaced:
			// said by the finding about the invalid sp= or np=
		case is.kind == issueEmpty:
			sep := text[strings.LastIndexByte(text[:is.offset], ';') : is.offset+1]
			add(CodeEmptyEntry, plan.SeverityWarning, sep, is.offset, map[string]string{"separator": sep}, 1, 1)
		case is.kind == issueMalformed:
			add(CodeMalformed, plan.SeverityWarning, "", is.offset, tag("", problemKV(is.problem, is.params)...), 1, 1)
		case is.kind == issuePolicy && is.tag == "p" && is.value == "":
			add(CodeNoPolicy, plan.SeverityWarning, "p", -1, tag("p", "section", rules.section()), 1, 1)
		case is.kind == issuePolicy && is.tag == "p":
			add(CodeNoPolicy, plan.SeverityWarning, "p="+is.value, is.offset, tag("p", "value", is.value, "section", rules.section()), 2, 2)
		case is.kind == issuePolicy:
			variant := 1
			if replaced != "" {
				variant = 2 // p= applies to nothing
			}
			add(CodeInvalidPolicy, plan.SeverityWarning, is.tag+"="+is.value, is.offset, tag(is.tag, "value", is.value, "policy", replaced, "section", rules.section()), variant, 1)
		case !rules.is7489() && (is.tag == "pct" || is.tag == "rf" || is.tag == "ri"):
			// said by the removed-tag finding
		default:
			d := defaultOf(is.tag)
			variant := 3 // receivers ignore it and use the default
			switch {
			case is.tag == "rua" || is.tag == "ruf":
				variant, d = 5, "" // receivers send no reports there
			case d != "":
				variant = 4 // ..., naming the default
			}
			add(CodeInvalidValue, plan.SeverityWarning, is.tag+"="+is.value, is.offset, tag(is.tag, append(problemKV(is.problem, is.params), "default", d)...), variant, 2)
		}
	}
}

// lintRemoved reports pct, rf and ri under RFC 9989, which ignores them,
// at the tag's offset, saying when the value is invalid under RFC 7489
// too.
func lintRemoved(text string, r *Record, issues []issue, add addFunc, tag tagFunc) {
	offsets := tagOffsets(text)
	for _, tv := range [][2]string{{"pct", r.Pct}, {"rf", r.RF}, {"ri", r.RI}} {
		name, v := tv[0], tv[1]
		var problem Problem
		for _, is := range issues {
			if is.tag == name && is.kind == issueInvalid {
				v, problem = is.value, is.problem
			}
		}
		if v == "" {
			continue
		}
		fix := 2 // remove it
		if name == "pct" {
			fix = 1 // remove it, and write t=y to test a policy
		}
		msg, d := 1, ""
		if problem != "" {
			msg, d = 2, defaultOf(name) // receivers of RFC 7489 ignore the value too
		}
		add(CodeRemovedTag, plan.SeverityWarning, name+"="+v, offsets[name], tag(name, "value", v, "error", string(problem), "default", d), msg, fix)
	}
}

// lintReportFormat reports an rf= naming formats other than afrf, the only
// one registered (RFC 7489, Section 6.3).
func lintReportFormat(text string, r *Record, add addFunc, tag tagFunc) {
	other := unregisteredFormats(r.RF)
	if r.RF == "" || len(other) == 0 {
		return
	}
	formats := strings.Join(other, ", ")
	msg := 1 // receivers send afrf instead
	if len(other) == len(strings.Split(r.RF, ":")) {
		msg = 2 // afrf is the default
	}
	add(CodeReportFormat, plan.SeverityWarning, "rf="+r.RF, tagOffsets(text)["rf"], tag("rf", "value", r.RF, "formats", formats), msg, 1)
}

// tagOffsets returns the offset of each tag's name in text, by its name in
// lower case (the first, if a tag is repeated).
func tagOffsets(text string) map[string]int {
	tags, _ := taglist.ParseAll(text)
	out := map[string]int{}
	for _, t := range tags {
		if _, ok := out[strings.ToLower(t.Name)]; !ok {
			out[strings.ToLower(t.Name)] = t.Offset
		}
	}
	return out
}
