package dmarc

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/plan"
)

// Finding codes. They are stable: match on them. The comment beside each
// names the keys of its findings' Params after the last colon; the
// findings of a discovery (and of [Inspect]) about a published record also
// carry domain, the domain whose _dmarc record it is. A finding whose
// sentences quote nothing variable (dmarc-no-rua) has only domain, and
// none from Lint alone.
const (
	CodeSyntax       plan.Code = "dmarc-syntax"           // the record is broken, so receivers ignore it: tag, error, value, found, name, char, section, bytag, byvalue (error is the Problem of the ParseError, the others its values); or domain, record
	CodeNotDMARC     plan.Code = "dmarc-not-dmarc"        // the TXT record at _dmarc is not a DMARC record: tag, error, value, found, name, char, section, bytag, byvalue (as for dmarc-syntax)
	CodeVersionForm  plan.Code = "dmarc-version-form"     // "v = DMARC1" or "V=DMARC1", valid but ignored by receivers matching the text: version
	CodeMalformed    plan.Code = "dmarc-malformed-entry"  // an entry that is not tag=value, which receivers ignore: tag, error, value, found, name, char, section, bytag, byvalue (error is the Problem of the entry, the others its values)
	CodeInvalidValue plan.Code = "dmarc-invalid-value"    // a tag's value is invalid, and receivers use its default: tag, error, value, found, name, char, section, bytag, byvalue (as for dmarc-malformed-entry); default
	CodeNoPolicy     plan.Code = "dmarc-no-policy"        // no valid p= (none or an invalid one), so receivers act as p=none because of rua=: tag, section; value (the invalid one)
	CodePolicyNone   plan.Code = "dmarc-p-none"           // p=none, monitoring only, no protection: tag, policy
	CodeRemovedTag   plan.Code = "dmarc-removed-tag"      // pct, rf or ri under RFC 9989: tag, value; error, value, found, name, char, section, bytag, byvalue, default (when the value is invalid under RFC 7489 too, error its Problem)
	CodeNewTag       plan.Code = "dmarc-rfc9989-tag"      // np, psd or t under RFC 7489: tag, value
	CodePct          plan.Code = "dmarc-pct"              // pct other than 100 under RFC 7489: tag, value, percent
	CodeUnknownTag   plan.Code = "dmarc-unknown-tag"      // a tag receivers ignore: tag, value
	CodeNoRUA        plan.Code = "dmarc-no-rua"           // no aggregate reports: domain
	CodeTooManyRUA   plan.Code = "dmarc-too-many-rua"     // more than two report addresses: count
	CodeSizeSuffix   plan.Code = "dmarc-size-suffix"      // the "!size" suffix, removed in RFC 9989: size, uri
	CodeFOConflict   plan.Code = "dmarc-fo-conflict"      // fo=0 and fo=1 together: tag, value
	CodeExternalRUA  plan.Code = "dmarc-external-rua"     // a report address on another domain, not authorized (RFC 9990): domain, destination, name, org
	CodeRejectNoDKIM plan.Code = "dmarc-reject-no-dkim"   // p=reject while no DKIM is set up (RFC 9989, Section 7.4): domain, tag, policy, selectors
	CodeAtApex       plan.Code = "dmarc-at-apex"          // a DMARC record at the domain instead of _dmarc: domain, record
	CodeSPFAtDMARC   plan.Code = "dmarc-spf-at-dmarc"     // an SPF record at _dmarc: domain, record
	CodeMultiple     plan.Code = "dmarc-multiple-records" // several DMARC records at _dmarc, all ignored: name, records (the count); or domain, records
	CodeNoRecord     plan.Code = "dmarc-no-record"        // no DMARC record applies: domain, org
	CodeTestingMode  plan.Code = "dmarc-testing"          // t=y, so the policy is applied one step more leniently: tag, value
	CodeRules        plan.Code = "dmarc-rules"            // the Rules value names no specification: rules
)

// Lint checks a record's text under rules and says what a support engineer
// should know. DNS-dependent checks (external report destinations, DKIM,
// records at the wrong name) are in [Inspect].
func (rules Rules) Lint(text string) []plan.Finding {
	if err := rules.Validate(); err != nil {
		return []plan.Finding{plan.Worded(plan.Finding{Code: CodeRules, Severity: plan.SeverityError, Subject: string(rules), Params: map[string]string{"rules": string(rules)}}, 1, 1)}
	}
	var fs []plan.Finding
	// add records a finding worded by variants msg and fix of its code's
	// sentences in the catalogue (0: none).
	add := func(code plan.Code, sev plan.Severity, subject string, off int, params map[string]string, msg, fix int) {
		fs = append(fs, plan.Worded(plan.Finding{Code: code, Severity: sev, Subject: subject, Offset: plan.At(off), Params: params}, msg, fix))
	}
	// tag is the params of a finding about a tag, with its value when it
	// has one, or the reason it is wrong.
	tag := func(name string, kv ...string) map[string]string {
		params := map[string]string{}
		if name != "" {
			params["tag"] = name
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] != "" {
				params[kv[i]] = kv[i+1]
			}
		}
		return params
	}
	r, issues, err := rules.parse(text)
	if err != nil {
		var pe *ParseError
		errors.As(err, &pe)
		if trimmed := strings.TrimLeft(text, " \t\r\n"); trimmed != text && isDMARC(trimmed) {
			add(CodeNotDMARC, plan.SeverityError, "v", 0, tag("v"), 1, 1)
			return fs
		}
		if errors.Is(err, ErrNotDMARC) {
			add(CodeNotDMARC, plan.SeverityError, pe.Tag, pe.Offset, tag(pe.Tag, problemKV(pe.Problem, pe.Params)...), 2, 2)
		} else {
			add(CodeSyntax, plan.SeverityError, pe.Tag, pe.Offset, tag(pe.Tag, problemKV(pe.Problem, pe.Params)...), 1, 1)
		}
		return fs
	}
	if !strings.HasPrefix(text, "v=DMARC1") {
		version := text[:strings.Index(text, "DMARC1")+len("DMARC1")]
		add(CodeVersionForm, plan.SeverityWarning, version, 0, map[string]string{"version": version}, 1, 1)
	}
	lintIssues(rules, text, issues, add, tag)
	if r.EffectivePolicy() == PolicyNone && r.Policy != "" {
		add(CodePolicyNone, plan.SeverityWarning, "p=none", -1, tag("p", "policy", string(PolicyNone)), 1, 1)
	}
	if r.Testing() {
		if rules.is7489() {
			add(CodeNewTag, plan.SeverityInfo, "t=y", -1, tag("t", "value", "y"), 1, 0)
		} else {
			add(CodeTestingMode, plan.SeverityInfo, "t=y", -1, tag("t", "value", "y"), 1, 1)
		}
	}
	if rules.is7489() {
		if r.Pct != "" && r.Percent() != 100 {
			add(CodePct, plan.SeverityWarning, "pct="+r.Pct, -1, tag("pct", "value", r.Pct, "percent", strconv.Itoa(r.Percent())), 1, 1)
		}
		lintReportFormat(text, r, add, tag)
		for _, tv := range [][2]string{{"np", string(r.NonexistentPolicy)}, {"psd", string(r.PSD)}} {
			if name, v := tv[0], tv[1]; v != "" {
				add(CodeNewTag, plan.SeverityInfo, name+"="+v, -1, tag(name, "value", v), 1, 0)
			}
		}
	} else {
		lintRemoved(text, r, issues, add, tag)
		for _, u := range append(append([]URI{}, r.RUA...), r.RUF...) {
			if u.Size != "" {
				add(CodeSizeSuffix, plan.SeverityInfo, u.String(), -1, tag("", "size", u.Size, "uri", u.URI), 1, 1)
			}
		}
	}
	for _, t := range r.Extra {
		add(CodeUnknownTag, plan.SeverityInfo, t.Name+"="+t.Value, -1, tag(t.Name, "value", t.Value), 1, 1)
	}
	if len(r.RUA) == 0 {
		add(CodeNoRUA, plan.SeverityWarning, "", -1, nil, 1, 1)
	}
	if n := len(r.RUA) + len(r.RUF); n > 2 {
		add(CodeTooManyRUA, plan.SeverityWarning, "", -1, tag("", "count", strconv.Itoa(n)), 1, 1)
	}
	has := func(o string) bool {
		for _, x := range r.FO {
			if x == o {
				return true
			}
		}
		return false
	}
	if has("0") && has("1") {
		add(CodeFOConflict, plan.SeverityWarning, "fo="+strings.Join(r.FO, ":"), -1, tag("fo", "value", strings.Join(r.FO, ":")), 1, 1)
	}
	return fs
}

// Lint is RFC9989.Lint.
func Lint(text string) []plan.Finding { return RFC9989.Lint(text) }

// problemKV returns a finding's parameters for a problem: the code as
// error and its values (the tag aside, which the finding names itself),
// as names and values in turn, sorted.
func problemKV(p Problem, params map[string]string) []string {
	kv := []string{"error", string(p)}
	for _, k := range slices.Sorted(maps.Keys(params)) {
		if k != "tag" {
			kv = append(kv, k, params[k])
		}
	}
	return kv
}
