package dmarc

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/internal/taglist"
	"github.com/domainauth/domainauth/plan"
)

// Finding codes about entries receivers work around (see the list in
// lint.go for the others).
const (
	CodeEmptyEntry    plan.Code = "dmarc-empty-entry"    // ";;": an empty entry, which the grammar does not allow (receivers skip it): separator
	CodeInvalidPolicy plan.Code = "dmarc-invalid-policy" // sp= or np= is not a policy, so receivers act as if the record said p=none (it has a valid rua=): tag, value; policy (the p= no longer applied)
	CodeReportFormat  plan.Code = "dmarc-report-format"  // rf= names a format other than afrf, the only one registered (RFC 7489): tag, value, formats
)

// addFunc and tagFunc are Lint's helpers: add a finding; make the params
// of a finding about a tag.
type (
	addFunc func(code plan.Code, sev plan.Severity, subject string, off int, params map[string]string, msg, fix string)
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
			add(CodeEmptyEntry, plan.SeverityWarning, sep, is.offset, map[string]string{"separator": sep},
				fmt.Sprintf("an empty entry (%q): the grammar separates tags with one \";\" (RFC 9989, Section 4.8); receivers skip the empty entry and apply the record, but a checker that follows the grammar may call it broken", sep),
				"write one \";\" between tags")
		case is.kind == issueMalformed:
			add(CodeMalformed, plan.SeverityWarning, "", is.offset, tag("", "reason", is.reason), is.reason, "correct the entry or remove it")
		case is.kind == issuePolicy && is.tag == "p" && is.value == "":
			add(CodeNoPolicy, plan.SeverityWarning, "p", -1, tag("p"),
				fmt.Sprintf("the record has no p=; receivers act as if it said p=none because it has a valid rua= (%s)", rules.section()),
				"add p=none to say so, or a stricter policy once the reports show that the domain's mail passes")
		case is.kind == issuePolicy && is.tag == "p":
			add(CodeNoPolicy, plan.SeverityWarning, "p="+is.value, is.offset, tag("p", "value", is.value),
				fmt.Sprintf("p=%s is not a policy (none, quarantine or reject); receivers act as if the record said p=none because it has a valid rua= (%s)", is.value, rules.section()),
				"correct the value: p=none, p=quarantine or p=reject")
		case is.kind == issuePolicy:
			msg := fmt.Sprintf("%s=%s is not a policy (none, quarantine or reject); receivers act as if the record said p=none because it has a valid rua= (%s)", is.tag, is.value, rules.section())
			if replaced != "" {
				msg += fmt.Sprintf(", so p=%s applies to nothing, not even the domain itself", replaced)
			}
			add(CodeInvalidPolicy, plan.SeverityWarning, is.tag+"="+is.value, is.offset, tag(is.tag, "value", is.value, "policy", replaced), msg,
				fmt.Sprintf("correct %s= (none, quarantine or reject), or remove it", is.tag))
		case !rules.is7489() && (is.tag == "pct" || is.tag == "rf" || is.tag == "ri"):
			// said by the removed-tag finding
		default:
			consequence := "receivers ignore it and use the default"
			if d := defaultOf(is.tag); d != "" {
				consequence += " (" + d + ")"
			}
			if is.tag == "rua" || is.tag == "ruf" {
				consequence = "receivers send no reports there"
			}
			add(CodeInvalidValue, plan.SeverityWarning, is.tag+"="+is.value, is.offset, tag(is.tag, "reason", is.reason), is.reason+"; "+consequence, "correct the value or remove it")
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
		reason := ""
		for _, is := range issues {
			if is.tag == name && is.kind == issueInvalid {
				v, reason = is.value, is.reason
			}
		}
		if v == "" {
			continue
		}
		fix := "remove it"
		if name == "pct" {
			fix = "remove pct; to test a policy, write t=y (reject is then applied as quarantine, quarantine as none)"
		}
		msg := name + "= was removed by RFC 9989; receivers following it ignore the tag"
		if reason != "" {
			msg += fmt.Sprintf(", and receivers still following RFC 7489 ignore the value (%s) and use the default (%s)", reason, defaultOf(name))
		}
		add(CodeRemovedTag, plan.SeverityWarning, name+"="+v, offsets[name], tag(name, "value", v, "reason", reason), msg, fix)
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
	msg := fmt.Sprintf("rf=%s: only afrf is registered as a failure report format (RFC 7489, Section 6.3), so receivers do not send %s", r.RF, formats)
	if len(other) < len(strings.Split(r.RF, ":")) {
		msg += "; they send afrf"
	} else {
		msg += "; those that send failure reports send afrf, the default"
	}
	add(CodeReportFormat, plan.SeverityWarning, "rf="+r.RF, tagOffsets(text)["rf"], tag("rf", "value", r.RF, "formats", formats), msg, "write rf=afrf, or remove rf (afrf is the default)")
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
