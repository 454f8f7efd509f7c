package dmarc

import (
	"errors"
	"fmt"
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
	CodeSyntax       plan.Code = "dmarc-syntax"           // the record is broken, so receivers ignore it: tag, reason; or domain, record
	CodeNotDMARC     plan.Code = "dmarc-not-dmarc"        // the TXT record at _dmarc is not a DMARC record: tag, reason
	CodeVersionForm  plan.Code = "dmarc-version-form"     // "v = DMARC1" or "V=DMARC1", valid but ignored by receivers matching the text: version
	CodeMalformed    plan.Code = "dmarc-malformed-entry"  // an entry that is not tag=value, which receivers ignore: reason
	CodeInvalidValue plan.Code = "dmarc-invalid-value"    // a tag's value is invalid, and receivers use its default: tag, reason
	CodeNoPolicy     plan.Code = "dmarc-no-policy"        // no valid p= (none or an invalid one), so receivers act as p=none because of rua=: tag; value (the invalid one)
	CodePolicyNone   plan.Code = "dmarc-p-none"           // p=none, monitoring only, no protection: tag, policy
	CodeRemovedTag   plan.Code = "dmarc-removed-tag"      // pct, rf or ri under RFC 9989: tag, value; reason (when the value is invalid under RFC 7489 too)
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
		return []plan.Finding{{Code: CodeRules, Severity: plan.SeverityError, Subject: string(rules), Params: map[string]string{"rules": string(rules)},
			Message: fmt.Sprintf("the record cannot be checked: %q names no DMARC specification", string(rules)), Fix: "use rfc9989 (the default) or rfc7489"}}
	}
	var fs []plan.Finding
	add := func(code plan.Code, sev plan.Severity, subject string, off int, params map[string]string, msg, fix string) {
		fs = append(fs, plan.Finding{Code: code, Severity: sev, Subject: subject, Offset: plan.At(off), Params: params, Message: msg, Fix: fix})
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
			add(CodeNotDMARC, plan.SeverityError, "v", 0, tag("v"), "the record starts with whitespace before v=DMARC1; a DMARC record must start with its version tag (RFC 9989, Section 4.7), so receivers ignore it",
				"remove the whitespace before v=DMARC1")
			return fs
		}
		if errors.Is(err, ErrNotDMARC) {
			add(CodeNotDMARC, plan.SeverityError, pe.Tag, pe.Offset, tag(pe.Tag, "reason", pe.Reason), "this is not a DMARC record: "+pe.Reason+"; receivers ignore it",
				"publish a record that starts with v=DMARC1;")
		} else {
			add(CodeSyntax, plan.SeverityError, pe.Tag, pe.Offset, tag(pe.Tag, "reason", pe.Reason), pe.Reason+"; receivers ignore the whole record", "correct the record")
		}
		return fs
	}
	if !strings.HasPrefix(text, "v=DMARC1") {
		version := text[:strings.Index(text, "DMARC1")+len("DMARC1")]
		add(CodeVersionForm, plan.SeverityWarning, version, 0, map[string]string{"version": version},
			"the version tag is valid as written, but receivers that look for the text \"v=DMARC1\" (many do) ignore the record",
			"write it exactly v=DMARC1: lower-case v, no spaces around \"=\"")
	}
	lintIssues(rules, text, issues, add, tag)
	if r.EffectivePolicy() == PolicyNone && r.Policy != "" {
		add(CodePolicyNone, plan.SeverityWarning, "p=none", -1, tag("p", "policy", string(PolicyNone)),
			"p=none only asks for reports: mail that fails DMARC is delivered as usual, so the domain is not protected against spoofing",
			"once the reports show that all legitimate mail passes, move to p=quarantine and then p=reject")
	}
	if r.Testing() {
		if rules.is7489() {
			add(CodeNewTag, plan.SeverityInfo, "t=y", -1, tag("t", "value", "y"), "t= is an RFC 9989 tag; RFC 7489 receivers ignore it", "")
		} else {
			add(CodeTestingMode, plan.SeverityInfo, "t=y", -1, tag("t", "value", "y"),
				"t=y: receivers apply the policy one step more leniently (reject as quarantine, quarantine as none) while the domain tests it", "remove t=y when the policy should apply in full")
		}
	}
	if rules.is7489() {
		if r.Pct != "" && r.Percent() != 100 {
			add(CodePct, plan.SeverityWarning, "pct="+r.Pct, -1, tag("pct", "value", r.Pct, "percent", strconv.Itoa(r.Percent())),
				fmt.Sprintf("pct=%s applies the policy to only %d%% of failing mail; the rest is handled as one step more lenient", r.Pct, r.Percent()),
				"raise pct to 100 (or remove it) once the reports look clean; RFC 9989 removes pct")
		}
		lintReportFormat(text, r, add, tag)
		for _, tv := range [][2]string{{"np", string(r.NonexistentPolicy)}, {"psd", string(r.PSD)}} {
			if name, v := tv[0], tv[1]; v != "" {
				add(CodeNewTag, plan.SeverityInfo, name+"="+v, -1, tag(name, "value", v), name+"= is an RFC 9989 tag; RFC 7489 receivers ignore it", "")
			}
		}
	} else {
		lintRemoved(text, r, issues, add, tag)
		for _, u := range append(append([]URI{}, r.RUA...), r.RUF...) {
			if u.Size != "" {
				add(CodeSizeSuffix, plan.SeverityInfo, u.String(), -1, tag("", "size", u.Size, "uri", u.URI), "the \"!"+u.Size+"\" size limit was removed by RFC 9989; receivers ignore it", "write "+u.URI)
			}
		}
	}
	for _, t := range r.Extra {
		add(CodeUnknownTag, plan.SeverityInfo, t.Name+"="+t.Value, -1, tag(t.Name, "value", t.Value), fmt.Sprintf("%q is not a DMARC tag; receivers ignore it", t.Name), "remove it, or check its spelling")
	}
	if len(r.RUA) == 0 {
		add(CodeNoRUA, plan.SeverityWarning, "", -1, nil,
			"no rua=: nobody receives aggregate reports, so there is no way to see who sends mail as the domain before tightening the policy",
			"add rua=mailto:<an address that collects reports>")
	}
	if n := len(r.RUA) + len(r.RUF); n > 2 {
		add(CodeTooManyRUA, plan.SeverityWarning, "", -1, tag("", "count", strconv.Itoa(n)),
			fmt.Sprintf("%d report addresses: receivers are asked to send each report to every one, and some send to the first two only", n),
			"keep at most two, or forward reports from one address")
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
		add(CodeFOConflict, plan.SeverityWarning, "fo="+strings.Join(r.FO, ":"), -1, tag("fo", "value", strings.Join(r.FO, ":")),
			"fo=0 (report when everything fails) and fo=1 (report when anything fails) together mean fo=1; fo=0 adds nothing", "write fo=1")
	}
	return fs
}

// Lint is RFC9989.Lint.
func Lint(text string) []plan.Finding { return RFC9989.Lint(text) }
