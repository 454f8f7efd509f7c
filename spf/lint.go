package spf

import (
	"errors"
	"maps"
	"net/netip"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
)

// Finding codes of [Lint], [LintTXT], [Analyze] and [Authorize]. They are
// stable: match on them. The comment beside each names the keys of its
// findings' Params after the last colon. [LintTXT] adds domain (the name
// the records are published at) to every finding; a finding whose
// sentences quote nothing variable (spf-no-all) has only domain, and none
// from Lint alone. When [Authorize] rewords a fix as the record to publish,
// the finding gains proposed (that record) and loses suggestion.
const (
	CodeSyntax           plan.Code = "spf-syntax"           // the record does not parse, and receivers give permerror: term, error, advice, mechanism, modifier, value, char, macro, max, example, lookalike, at, meant, before, character, codepoint, suggestion (error and advice are the Problem and Advice of the ParseError, the others their values); domain, record, offset (of an include, from Analyze, with the error, the advice and their values)
	CodeLookalike        plan.Code = "spf-lookalike"        // a pasted character (en dash, curly quote, NBSP, line break): term, error, advice, mechanism, modifier, value, char, macro, max, example, lookalike, at, meant, before, character, codepoint, suggestion (as for spf-syntax)
	CodeQuoted           plan.Code = "spf-quoted"           // the quotes were entered as part of the value: error, advice, mechanism, modifier, value, char, macro, max, example, lookalike, at, meant, before, character, codepoint, suggestion (as for spf-syntax, without error)
	CodeNotSPF           plan.Code = "spf-not-spf"          // looks meant as SPF but is not one (space, version): error, advice, mechanism, modifier, value, char, macro, max, example, lookalike, at, meant, before, character, codepoint, suggestion (as for spf-syntax, without error)
	CodeMultiple         plan.Code = "spf-multiple-records" // more than one SPF record at the name, so permerror: records (the count), domain
	CodePlusAll          plan.Code = "spf-plus-all"         // +all authorizes every host on the internet: term
	CodeNeutralAll       plan.Code = "spf-neutral-all"      // ?all asserts nothing about other hosts: term
	CodeSoftFailAll      plan.Code = "spf-softfail-all"     // ~all, fine while testing: term
	CodeNoAll            plan.Code = "spf-no-all"           // neither all nor redirect, so unlisted hosts get neutral: domain
	CodeAfterAll         plan.Code = "spf-after-all"        // terms after all are never evaluated: term, all
	CodeRedirectIgnored  plan.Code = "spf-redirect-ignored" // redirect= next to all is ignored: term
	CodePTR              plan.Code = "spf-ptr"              // ptr is slow and unreliable, and RFC 7208 says do not use it: term
	CodeDuplicate        plan.Code = "spf-duplicate-term"   // the same term twice: term, earlier (the first copy's offset)
	CodeShadowed         plan.Code = "spf-shadowed-term"    // an ip4:/ip6: inside an earlier one never decides anything: term, network, wider, earlier (the wider term's offset)
	CodeHostBits         plan.Code = "spf-host-bits"        // ip4:192.0.2.1/24, host bits set under the prefix: term, prefix, network, mechanism
	CodeAllNetwork       plan.Code = "spf-all-network"      // ip4:0.0.0.0/0 or ip6:::/0 authorizes everyone: term
	CodeUnknownModifier  plan.Code = "spf-unknown-modifier" // an unknown modifier is ignored by receivers: term, modifier
	CodeStringTooLong    plan.Code = "spf-string-too-long"  // a TXT string over 255 bytes cannot be published: string (its position), bytes, strings (the value split)
	CodeTooLong          plan.Code = "spf-too-long"         // over 450 bytes, which may not fit a UDP answer: bytes, limit
	CodeTooManyLookups   plan.Code = "spf-too-many-lookups" // over 10 DNS-querying terms in all, so permerror: domain, lookups, limit, costliest, proposed, term (the last two for a proposed record)
	CodeVoidLookups      plan.Code = "spf-void-lookups"     // more than 2 lookups find nothing (permerror), or one term finds nothing: domain, voids, limit (in all); term, target, limit (one term)
	CodeIncludeNone      plan.Code = "spf-include-none"     // an include or redirect names a domain without SPF: term, target
	CodeIncludeLoop      plan.Code = "spf-include-loop"     // includes or redirects come back to a domain already on the path: term, target
	CodeTooManyMX        plan.Code = "spf-too-many-mx"      // an mx term's domain has more than 10 MX records: term, target, records, limit
	CodeMacroNotFollowed plan.Code = "spf-macro"            // a term depends on the sender and is not followed statically: term
)

// maxRecordLen is the size RFC 7208, Section 3.4 advises an SPF record to
// stay under, so that the answer fits a 512-byte UDP response.
const maxRecordLen = 450

// Lint checks the text of one SPF record and returns what a support
// engineer should know about it. Text that is not an SPF record gives no
// findings, unless it looks like one mistyped (quotes, a look-alike
// character after v=spf1). What only shows across the records at one name
// (two SPF records, an over-long string) is [LintTXT]'s.
func Lint(text string) []plan.Finding {
	r, err := Parse(text)
	if err != nil {
		return parseFindings(err)
	}
	var fs []plan.Finding
	// add records a finding about term i (or the whole record, i < 0);
	// params gains the term as written, and the sentences are the
	// catalogue's message and fix of the code (variant suffix: "", "_2"…).
	add := func(code plan.Code, sev plan.Severity, i int, params map[string]string) {
		if params == nil {
			params = map[string]string{}
		}
		f := plan.Finding{Code: code, Severity: sev, Params: params}
		if i >= 0 {
			f.Subject, f.Offset = r.Terms[i].String(), plan.At(r.Offset(i))
			if f.Offset != nil {
				off := *f.Offset
				end := strings.IndexByte(text[off:], ' ')
				if end < 0 {
					end = len(text) - off
				}
				f.Subject = text[off : off+end]
			}
			params["term"] = f.Subject
		}
		f.Message, f.Fix = plan.Sentence(string(code)+".message", params), plan.Sentence(string(code)+".fix", params)
		fs = append(fs, f)
	}

	all := r.All()
	_, redirect := r.Modifier(ModRedirect)
	if all >= 0 {
		t := r.Terms[all]
		switch t.Qualifier {
		case QualifierNone, QualifierPass:
			add(CodePlusAll, plan.SeverityError, all, nil)
		case QualifierNeutral:
			add(CodeNeutralAll, plan.SeverityWarning, all, nil)
		case QualifierSoftFail:
			add(CodeSoftFailAll, plan.SeverityInfo, all, nil)
		}
		for i := all + 1; i < len(r.Terms); i++ {
			if !r.Terms[i].IsModifier() {
				add(CodeAfterAll, plan.SeverityWarning, i, map[string]string{"all": r.Terms[all].String()})
			}
		}
		if redirect >= 0 {
			add(CodeRedirectIgnored, plan.SeverityWarning, redirect, nil)
		}
	} else if redirect < 0 {
		add(CodeNoAll, plan.SeverityWarning, -1, nil)
	}

	seen := map[string]int{}
	networks := map[netip.Prefix]int{} // earlier ip4:/ip6: networks, by masked prefix
	for i, t := range r.Terms {
		key := strings.ToLower(t.String())
		if t.Qualifier == QualifierPass {
			key = key[1:]
		}
		if j, dup := seen[key]; dup {
			add(CodeDuplicate, plan.SeverityWarning, i, map[string]string{"earlier": strconv.Itoa(r.Offset(j))})
			continue
		}
		seen[key] = i
		switch {
		case t.Mechanism == MechPTR:
			add(CodePTR, plan.SeverityWarning, i, nil)
		case t.IsModifier() && t.Modifier != ModRedirect && t.Modifier != ModExp:
			add(CodeUnknownModifier, plan.SeverityWarning, i, map[string]string{"modifier": t.Modifier + "="})
		case t.Mechanism == MechIP4 || t.Mechanism == MechIP6:
			if t.Net.Bits() == 0 {
				add(CodeAllNetwork, plan.SeverityError, i, nil)
				continue
			}
			if t.Net.Masked().Addr() != t.Net.Addr() {
				params := map[string]string{"prefix": strconv.Itoa(t.Net.Bits()), "network": t.Net.Masked().String(), "mechanism": string(t.Mechanism)}
				add(CodeHostBits, plan.SeverityWarning, i, params)
			}
			// An earlier network that contains this one: look up each
			// wider prefix (at most 33 or 129 probes), not every earlier
			// term, so that a record of thousands of networks lints in
			// linear time.
			j := -1
			for b := 0; b <= t.Net.Bits(); b++ {
				if k, ok := networks[netip.PrefixFrom(t.Net.Addr(), b).Masked()]; ok && (j < 0 || k < j) {
					j = k
				}
			}
			if j >= 0 {
				params := map[string]string{"network": t.Net.Masked().String(), "wider": r.Terms[j].String(), "earlier": strconv.Itoa(r.Offset(j))}
				add(CodeShadowed, plan.SeverityWarning, i, params)
			}
			if _, ok := networks[t.Net.Masked()]; !ok {
				networks[t.Net.Masked()] = i
			}
		}
	}
	if n := len(r.Text()); n > maxRecordLen {
		add(CodeTooLong, plan.SeverityWarning, -1, map[string]string{"bytes": strconv.Itoa(n), "limit": strconv.Itoa(maxRecordLen)})
	}
	return fs
}

// parseFindings turns a parse error into findings.
func parseFindings(err error) []plan.Finding {
	var pe *ParseError
	if !errors.As(err, &pe) {
		return nil
	}
	params := pe.params()
	params["term"], params["suggestion"] = pe.Term, pe.Suggestion
	f := plan.Finding{Severity: plan.SeverityError, Subject: pe.Term, Offset: plan.At(pe.Offset), Params: nonEmpty(params)}
	lower := strings.ToLower(pe.Input)
	message := ".message"
	switch {
	case errors.Is(err, ErrNotSPF):
		if pe.Advice == "" {
			return nil // a TXT record of another kind
		}
		f.Code = CodeNotSPF
		switch {
		case pe.Advice == AdviceQuoted:
			f.Code = CodeQuoted
		case pe.Advice == AdviceVersionLookalike && !controlLookalike(pe.Params["lookalike"]):
			f.Code, message = CodeLookalike, ".message_2"
		}
		delete(f.Params, "error") // the advice says it
		if !strings.Contains(lower, "v=spf1") {
			f.Severity = plan.SeverityWarning
		}
	case pe.Advice == AdviceLookalike || pe.Advice == AdviceLineBreak:
		f.Code = CodeLookalike
	default:
		f.Code = CodeSyntax
	}
	f.Message, f.Fix = plan.Sentence(string(f.Code)+message, f.Params), plan.Sentence(string(f.Code)+".fix", f.Params)
	return []plan.Finding{f}
}

// params returns the parameters of a finding about the parse error: the
// problem as error, the advice as advice, and the values of both.
func (e *ParseError) params() map[string]string {
	params := maps.Clone(e.Params)
	if params == nil {
		params = map[string]string{}
	}
	params["error"], params["advice"] = string(e.Problem), string(e.Advice)
	return params
}

// controlLookalike reports whether the look-alike character of code is a
// tab, a line break or a carriage return: a record whose "v=spf1" one of
// them follows is not an SPF record, rather than an SPF record with a
// pasted character.
func controlLookalike(code string) bool {
	return code == "U+0009" || code == "U+000A" || code == "U+000D"
}

// LintTXT checks all TXT records published at one name (each given as its
// strings): more than one SPF record, strings over 255 bytes, and then
// [Lint] for each SPF record. name fills the findings' Name. Use it on
// what DNS returned; use Lint on one record's text, as a person typed it.
func LintTXT(name string, records [][]string) []plan.Finding {
	var fs []plan.Finding
	var spf []string
	for _, strs := range records {
		v := dnsrec.JoinTXT(strs)
		for i, s := range strs {
			if len(s) > dnsrec.MaxStringLen {
				split := dnsrec.QuoteTXT(dnsrec.SplitTXT(v))
				params := map[string]string{"string": strconv.Itoa(i + 1), "bytes": strconv.Itoa(len(s)), "strings": split}
				fs = append(fs, plan.Finding{Code: CodeStringTooLong, Severity: plan.SeverityError, Params: params,
					Message: plan.Sentence("spf-string-too-long.message", params), Fix: plan.Sentence("spf-string-too-long.fix", params)})
			}
		}
		if IsSPF(v) {
			spf = append(spf, v)
		}
		fs = append(fs, Lint(v)...)
	}
	if len(spf) > 1 {
		params := map[string]string{"records": strconv.Itoa(len(spf))}
		fs = append(fs, plan.Finding{Code: CodeMultiple, Severity: plan.SeverityError, Params: params,
			Message: plan.Sentence("spf-multiple-records.message", params), Fix: plan.Sentence("spf-multiple-records.fix", params)})
	}
	for i := range fs {
		fs[i].Name = name
		if name != "" {
			fs[i].Params = withParam(fs[i].Params, "domain", dnsrec.TrimDot(name))
		}
	}
	return fs
}

// nonEmpty returns params without its empty values.
func nonEmpty(params map[string]string) map[string]string {
	for k, v := range params {
		if v == "" {
			delete(params, k)
		}
	}
	return params
}

// withParam returns a copy of params with key set to value, so that a
// finding copied from another never changes the other's parameters.
func withParam(params map[string]string, key, value string) map[string]string {
	out := maps.Clone(params)
	if out == nil {
		out = map[string]string{}
	}
	out[key] = value
	return out
}
