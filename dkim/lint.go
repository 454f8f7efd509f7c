package dkim

import (
	"errors"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/internal/taglist"
	"github.com/domainauth/domainauth/plan"
)

// Finding codes. They are stable: match on them.
const (
	CodeSyntax          plan.Code = "dkim-syntax"                 // the record does not parse: verifiers fail every signature
	CodeNotDKIM         plan.Code = "dkim-not-dkim"               // the TXT record at the selector's name is not a key record
	CodeQuoted          plan.Code = "dkim-quoted"                 // the quotes were entered as part of the value
	CodeWhitespace      plan.Code = "dkim-whitespace-in-key"      // a space or line break inside p=
	CodeVersionNotFirst plan.Code = "dkim-version-not-first"      // v= must be the first tag
	CodeNoVersion       plan.Code = "dkim-no-version"             // v=DKIM1 is missing (allowed, recommended)
	CodeRevoked         plan.Code = "dkim-revoked"                // p= is empty: the key is revoked
	CodeTesting         plan.Code = "dkim-testing"                // t=y: verifiers may ignore failures
	CodeHashExcluded    plan.Code = "dkim-hash-excludes-sha256"   // h= does not allow sha256
	CodeKeyTypeMismatch plan.Code = "dkim-key-type-mismatch"      // k= does not match the key in p=
	CodeUnknownKeyType  plan.Code = "dkim-unknown-key-type"       // k= names a key type verifiers do not know
	CodePKCS1           plan.Code = "dkim-pkcs1-key"              // an RSA key as PKCS#1 rather than SPKI
	CodeServiceExcluded plan.Code = "dkim-service-excludes-email" // s= does not allow email
	CodeKeyTooShort     plan.Code = "dkim-key-too-short"          // under 1024 bits: verifiers must reject it
	CodeKeyWeak         plan.Code = "dkim-key-weak"               // 1024 bits: allowed, but below RFC 8301's 2048
	CodeKeyLong         plan.Code = "dkim-key-long"               // over 3072 bits: several strings, some forms refuse it

	CodeNotPublished  plan.Code = "dkim-not-published"      // nothing at the selector's name
	CodeCNAMEExpected plan.Code = "dkim-cname-expected"     // a TXT record where the CNAME delegation belongs
	CodeTXTExpected   plan.Code = "dkim-txt-expected"       // a CNAME where the TXT key record belongs
	CodeWrongTarget   plan.Code = "dkim-wrong-cname-target" // the CNAME points elsewhere
	CodeTargetMissing plan.Code = "dkim-target-missing"     // the CNAME is right but the vendor's key is not there
	CodeMultiple      plan.Code = "dkim-multiple-records"   // several key records at one name
	CodeSplitRecords  plan.Code = "dkim-split-records"      // one key split into two TXT records instead of two strings
	CodeDifferentKey  plan.Code = "dkim-different-key"      // another key is published
	CodeKeyTruncated  plan.Code = "dkim-key-truncated"      // the key stops early
	CodeKeyExtra      plan.Code = "dkim-key-extra"          // characters added to the key
	CodeKeyChanged    plan.Code = "dkim-key-changed"        // a few characters differ from the key
	CodeValueCase     plan.Code = "dkim-value-case"         // k=RSA, h=SHA256, s=Email: values are case-sensitive
)

// Lint checks the text of one key record and says what is wrong or weak.
func Lint(text string) []plan.Finding {
	var fs []plan.Finding
	add := func(code plan.Code, sev plan.Severity, subject string, off int, msg, fix string) {
		fs = append(fs, plan.Finding{Code: code, Severity: sev, Subject: subject, Offset: plan.At(off), Message: msg, Fix: fix})
	}
	inner := text
	if q, ok := unquote(text); ok {
		add(CodeQuoted, plan.SeverityError, "", 0,
			"the value starts and ends with a double quote: the quotes were entered as part of the record, so verifiers cannot read it",
			"enter the value without the surrounding quotes (the DNS provider adds its own)")
		inner = q
	}
	r, err := Parse(inner)
	if err != nil {
		var pe *ParseError
		errors.As(err, &pe)
		switch {
		case errors.Is(err, ErrNotDKIM):
			add(CodeNotDKIM, plan.SeverityError, "", -1,
				fmt.Sprintf("this is not a DKIM key record (%s)", pe.Reason),
				"publish the key record the signer gave you: it starts with v=DKIM1 and holds p=")
		case pe.Tag == "k":
			add(CodeKeyTypeMismatch, plan.SeverityError, "k=", pe.Offset, pe.Reason, "correct k= to match the key")
		default:
			add(CodeSyntax, plan.SeverityError, pe.Tag, pe.Offset, pe.Reason+": verifiers fail every signature made with this selector",
				"publish the record exactly as the signer gave it")
		}
		return fs
	}
	tags, _ := taglist.Parse(inner)
	for i, t := range tags {
		switch strings.ToLower(t.Name) {
		case "v":
			if i != 0 {
				add(CodeVersionNotFirst, plan.SeverityWarning, "v="+t.Value, t.Offset,
					"v=DKIM1 must be the first tag (RFC 6376, Section 3.6.1); strict verifiers ignore the record",
					"move v=DKIM1 to the start of the record")
			}
		case "p":
			if i := strings.IndexAny(t.Value, " \t\r\n"); i >= 0 {
				what := "a space"
				if t.Value[i] != ' ' && t.Value[i] != '\t' {
					what = "a line break"
				}
				add(CodeWhitespace, plan.SeverityWarning, "p=", t.ValueOffset+i,
					fmt.Sprintf("the key contains %s at offset %d (pasted from a PEM file or a wrapped web page?); RFC 6376 allows whitespace there, but some verifiers and DNS provider forms do not", what, t.ValueOffset+i),
					"remove all spaces and line breaks from the key: p= must be one unbroken line")
			}
		}
	}
	if r.Version == "" {
		add(CodeNoVersion, plan.SeverityInfo, "", -1, "the record has no v=DKIM1; that is allowed, but recommended", "start the record with v=DKIM1;")
	}
	if r.Revoked() {
		add(CodeRevoked, plan.SeverityError, "p=", -1,
			"p= is empty: the key is revoked, and every signature made with this selector fails",
			"publish the current key, or stop signing with this selector")
		return fs
	}
	if r.Testing() {
		add(CodeTesting, plan.SeverityWarning, "t=y", -1,
			"t=y marks the domain as testing DKIM: verifiers may treat failures as if there were no signature",
			"remove t=y once signatures verify")
	}
	// Tag values are case-sensitive (RFC 6376, Section 3.2): "RSA",
	// "SHA256" and "Email" are not the values verifiers look for.
	caseErr := func(tag, got, want string) {
		add(CodeValueCase, plan.SeverityError, tag+"="+got, -1,
			fmt.Sprintf("%s=%s: tag values are case-sensitive (RFC 6376, Section 3.2), so verifiers do not recognize %q and every signature with this selector fails", tag, got, got),
			fmt.Sprintf("write %s=%s", tag, want))
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
		add(CodeHashExcluded, plan.SeverityError, "h="+strings.Join(r.Hashes, ":"), -1,
			"h= does not allow sha256, the only hash RFC 8301 lets signers use, so signatures fail",
			"remove h= or write h=sha256")
	}
	if kt != KeyRSA && kt != KeyEd25519 {
		add(CodeUnknownKeyType, plan.SeverityError, "k="+string(kt), -1,
			fmt.Sprintf("k=%s is not a key type verifiers know (rsa, ed25519)", kt), "write k=rsa or k=ed25519, matching the key")
	}
	if r.Services != nil && !hasFold(r.Services, "email") && !hasFold(r.Services, "*") {
		add(CodeServiceExcluded, plan.SeverityError, "s="+strings.Join(r.Services, ":"), -1,
			"s= does not include email, so verifiers must not use this key for mail", "remove s= or write s=email")
	}
	if k, pkcs1, err := decodePublicKey(r.EffectiveKeyType(), r.Key); err == nil {
		if pkcs1 {
			add(CodePKCS1, plan.SeverityWarning, "p=", -1,
				"the RSA key is a bare PKCS#1 RSAPublicKey; most verifiers accept it (RFC 6376 erratum 3017), but the record should hold a SubjectPublicKeyInfo",
				"publish the key in SPKI form (the \"PUBLIC KEY\" PEM block, base64 without its header lines)")
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
