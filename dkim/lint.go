package dkim

import (
	"errors"
	"maps"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/internal/taglist"
	"github.com/domainauth/domainauth/plan"
)

// Finding codes. They are stable: match on them. The comment beside each
// names the keys of its findings' Params after the last colon; [KeyCheck]
// adds name (the selector's DNS name), selector and domain to every
// finding it makes. A finding whose sentences quote nothing variable
// (dkim-quoted, dkim-no-version) has only those, and none from Lint alone.
const (
	CodeSyntax          plan.Code = "dkim-syntax"                 // the record does not parse, and verifiers fail every signature: tag, error, name, found, char, value, byte, keytype, holds, other, type, bytes (error is the Problem of the ParseError, the others its values)
	CodeNotDKIM         plan.Code = "dkim-not-dkim"               // the TXT record at the selector's name is not a key record: error, name, found, char, value, byte, keytype, holds, other, type, bytes (as for dkim-syntax)
	CodeQuoted          plan.Code = "dkim-quoted"                 // the quotes were entered as part of the value: name
	CodeWhitespace      plan.Code = "dkim-whitespace-in-key"      // a space or line break inside p=: tag, whitespace ("space" or "line break"), offset
	CodeVersionNotFirst plan.Code = "dkim-version-not-first"      // v= must be the first tag (RFC 6376, Section 3.6.1): tag, value
	CodeNoVersion       plan.Code = "dkim-no-version"             // v=DKIM1 is missing (allowed, recommended): name
	CodeRevoked         plan.Code = "dkim-revoked"                // p= is empty, so the key is revoked: tag
	CodeTesting         plan.Code = "dkim-testing"                // t=y, so verifiers may ignore failures: tag, value
	CodeHashExcluded    plan.Code = "dkim-hash-excludes-sha256"   // h= does not allow sha256 (RFC 8301): tag, value
	CodeKeyTypeMismatch plan.Code = "dkim-key-type-mismatch"      // k= does not match the key in p=: tag, error, name, found, char, value, byte, keytype, holds, other, type, bytes (as for dkim-syntax)
	CodeUnknownKeyType  plan.Code = "dkim-unknown-key-type"       // k= names a key type verifiers do not know: tag, value
	CodePKCS1           plan.Code = "dkim-pkcs1-key"              // an RSA key as PKCS#1 rather than SPKI (RFC 6376 erratum 3017): tag
	CodeServiceExcluded plan.Code = "dkim-service-excludes-email" // s= does not allow email: tag, value
	CodeKeyTooShort     plan.Code = "dkim-key-too-short"          // under 1024 bits, so verifiers must reject it (RFC 8301, Section 3.2): bits
	CodeKeyWeak         plan.Code = "dkim-key-weak"               // 1024 bits, allowed but below RFC 8301's 2048: bits
	CodeKeyLong         plan.Code = "dkim-key-long"               // over 3072 bits, so several strings, which some forms refuse: bits

	CodeNotPublished  plan.Code = "dkim-not-published"      // nothing at the selector's name: name, kind ("CNAME record" or "key record"); or name, current (the end of its CNAME chain)
	CodeCNAMEExpected plan.Code = "dkim-cname-expected"     // a TXT record where the CNAME delegation belongs: target
	CodeTXTExpected   plan.Code = "dkim-txt-expected"       // a CNAME where the TXT key record belongs: current (the CNAME's target)
	CodeWrongTarget   plan.Code = "dkim-wrong-cname-target" // the CNAME points elsewhere: current, target
	CodeSelectorTaken plan.Code = "dkim-selector-taken"     // the selector is delegated to another mail service: selector, current, service, target
	CodeTargetMissing plan.Code = "dkim-target-missing"     // the CNAME is right but the vendor's key is not there: target
	CodeMultiple      plan.Code = "dkim-multiple-records"   // several key records at one name: records (the count), name
	CodeSplitRecords  plan.Code = "dkim-split-records"      // one key split into two TXT records instead of two strings: records
	CodeDifferentKey  plan.Code = "dkim-different-key"      // another key is published: position (the first character that differs), type, bits
	CodeKeyTruncated  plan.Code = "dkim-key-truncated"      // the key stops early: have, want (lengths), after, missing, rest
	CodeKeyExtra      plan.Code = "dkim-key-extra"          // characters added to the key: extra (the count), added, last or first
	CodeKeyChanged    plan.Code = "dkim-key-changed"        // a few characters differ from the key: position, offset, after, count, published, expected
	CodeValueCase     plan.Code = "dkim-value-case"         // k=RSA, h=SHA256, s=Email, while values are case-sensitive (RFC 6376, Section 3.2): tag, value, expected
)

// Lint checks the text of one key record and says what is wrong or weak.
func Lint(text string) []plan.Finding {
	var fs []plan.Finding
	// add records a finding worded by variants msg and fix of its code's
	// sentences in the catalogue.
	add := func(code plan.Code, sev plan.Severity, subject string, off int, params map[string]string, msg, fix int) {
		fs = append(fs, plan.Worded(plan.Finding{Code: code, Severity: sev, Subject: subject, Offset: plan.At(off), Params: params}, msg, fix))
	}
	tag := func(name, value string) map[string]string {
		if value == "" {
			return map[string]string{"tag": name}
		}
		return map[string]string{"tag": name, "value": value}
	}
	inner := text
	if q, ok := unquote(text); ok {
		add(CodeQuoted, plan.SeverityError, "", 0, nil, 1, 1)
		inner = q
	}
	r, err := Parse(inner)
	if err != nil {
		var pe *ParseError
		errors.As(err, &pe)
		params := maps.Clone(pe.Params)
		if params == nil {
			params = map[string]string{}
		}
		params["error"] = string(pe.Problem)
		switch {
		case errors.Is(err, ErrNotDKIM):
			add(CodeNotDKIM, plan.SeverityError, "", -1, params, 1, 1)
		case pe.Tag == "k":
			params["tag"] = "k"
			add(CodeKeyTypeMismatch, plan.SeverityError, "k=", pe.Offset, params, 1, 1)
		default:
			if pe.Tag != "" {
				params["tag"] = pe.Tag
			}
			add(CodeSyntax, plan.SeverityError, pe.Tag, pe.Offset, params, 1, 1)
		}
		return fs
	}
	tags, _ := taglist.Parse(inner)
	for i, t := range tags {
		switch strings.ToLower(t.Name) {
		case "v":
			if i != 0 {
				add(CodeVersionNotFirst, plan.SeverityWarning, "v="+t.Value, t.Offset, tag("v", t.Value), 1, 1)
			}
		case "p":
			if i := strings.IndexAny(t.Value, " \t\r\n"); i >= 0 {
				what := "space"
				if t.Value[i] != ' ' && t.Value[i] != '\t' {
					what = "line break"
				}
				params := map[string]string{"tag": "p", "whitespace": what, "offset": strconv.Itoa(t.ValueOffset + i)}
				add(CodeWhitespace, plan.SeverityWarning, "p=", t.ValueOffset+i, params, 1, 1)
			}
		}
	}
	if r.Version == "" {
		add(CodeNoVersion, plan.SeverityInfo, "", -1, nil, 1, 1)
	}
	if r.Revoked() {
		add(CodeRevoked, plan.SeverityError, "p=", -1, tag("p", ""), 1, 1)
		return fs
	}
	if r.Testing() {
		add(CodeTesting, plan.SeverityWarning, "t=y", -1, tag("t", "y"), 1, 1)
	}
	// Tag values are case-sensitive (RFC 6376, Section 3.2): "RSA",
	// "SHA256" and "Email" are not the values verifiers look for.
	caseErr := func(name, got, want string) {
		params := tag(name, got)
		params["expected"] = want
		add(CodeValueCase, plan.SeverityError, name+"="+got, -1, params, 1, 1)
	}
	kt := r.EffectiveKeyType()
	for _, known := range []KeyType{KeyRSA, KeyEd25519} {
		if kt != known && strings.EqualFold(string(kt), string(known)) {
			caseErr("k", string(kt), string(known))
			kt = known
		}
	}
	for _, h := range r.Hashes {
		if h != "sha256" && strings.EqualFold(h, "sha256") {
			caseErr("h", h, "sha256")
		}
	}
	for _, sv := range r.Services {
		if sv != "email" && strings.EqualFold(sv, "email") {
			caseErr("s", sv, "email")
		}
	}
	if r.Hashes != nil && !hasFold(r.Hashes, "sha256") {
		add(CodeHashExcluded, plan.SeverityError, "h="+strings.Join(r.Hashes, ":"), -1, tag("h", strings.Join(r.Hashes, ":")), 1, 1)
	}
	if kt != KeyRSA && kt != KeyEd25519 {
		add(CodeUnknownKeyType, plan.SeverityError, "k="+string(kt), -1, tag("k", string(kt)), 1, 1)
	}
	if r.Services != nil && !hasFold(r.Services, "email") && !hasFold(r.Services, "*") {
		add(CodeServiceExcluded, plan.SeverityError, "s="+strings.Join(r.Services, ":"), -1, tag("s", strings.Join(r.Services, ":")), 1, 1)
	}
	if k, pkcs1, err := decodePublicKey(r.EffectiveKeyType(), r.Key); err == nil {
		if pkcs1 {
			add(CodePKCS1, plan.SeverityWarning, "p=", -1, tag("p", ""), 1, 1)
		}
		fs = append(fs, KeyFindings(k)...)
	}
	return fs
}

// unquote removes double quotes kept around a whole value, and the quote
// pairs of a value pasted as several quoted strings ("a" "b").
func unquote(v string) (string, bool) {
	t := strings.TrimSpace(v)
	if len(t) < 2 || t[0] != '"' || t[len(t)-1] != '"' {
		return v, false
	}
	t = t[1 : len(t)-1]
	t = strings.ReplaceAll(t, "\" \"", "")
	t = strings.ReplaceAll(t, "\"\"", "")
	return t, true
}
