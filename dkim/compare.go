package dkim

// How a published key record differs from the key the vendor signs with:
// a key split over several records, cut short, with a space pasted inside,
// in another encoding. The findings say where the two part ways.

import (
	"crypto"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/taglist"
	"github.com/domainauth/domainauth/plan"
)

// several handles more than one TXT record at the selector's name: one key
// split into two records, or several keys.
func (g *diagnoser) several(want dnsrec.Record, wantB64 string) {
	values := make([]string, len(g.txts))
	for i, t := range g.txts {
		values[i] = t.Value()
	}
	if _, ok := joinSplit(values, wantB64); ok {
		g.add(CodeSplitRecords, plan.SeverityError, map[string]string{"records": strconv.Itoa(len(values))}, 1, 1)
	} else {
		g.add(CodeMultiple, plan.SeverityError, map[string]string{"records": strconv.Itoa(len(values))}, 1, 1)
	}
	if wantB64 == "" {
		return
	}
	g.d.Edits = []plan.Edit{setTo(g.name, dnsrec.TypeTXT, plan.PartyCustomer, []dnsrec.Record{want}, ReasonPublishKey, 3)}
}

// joinSplit reports whether the values, joined in some order, form a key
// record (holding the expected key, when one is given).
func joinSplit(values []string, wantB64 string) (string, bool) {
	if len(values) > 4 {
		return "", false
	}
	var try func(prefix string, rest []string) (string, bool)
	try = func(prefix string, rest []string) (string, bool) {
		if len(rest) == 0 {
			r, err := Parse(prefix)
			if err != nil {
				return "", false
			}
			if wantB64 != "" && r.KeyBase64() != wantB64 {
				return "", false
			}
			return prefix, true
		}
		for i := range rest {
			others := append(append([]string{}, rest[:i]...), rest[i+1:]...)
			if s, ok := try(prefix+rest[i], others); ok {
				return s, true
			}
		}
		return "", false
	}
	return try("", values)
}

// compare diagnoses the one published value against the expected key.
func (g *diagnoser) compare(value, wantB64 string) {
	inner, quoted := unquote(value)
	if quoted {
		g.add(CodeQuoted, plan.SeverityError, nil, 1, 2)
	}
	raw, pOff, ok := pValue(inner)
	if !ok {
		g.d.Findings = append(g.d.Findings, Lint(inner)...)
		return
	}
	got := stripSpace(raw)
	switch {
	case got == wantB64:
		// The key is right; lint the rest of the record (whitespace, t=y, h=, ...).
		for _, f := range Lint(inner) {
			if f.Code != CodeQuoted {
				g.d.Findings = append(g.d.Findings, f)
			}
		}
		g.d.Record, _ = Parse(inner)
		return
	case got == "":
		g.d.Findings = append(g.d.Findings, Lint(inner)...)
		return
	case strings.HasPrefix(wantB64, got):
		after, rest := tail(got, 12), head(wantB64[len(got):], 12)
		params := map[string]string{"have": strconv.Itoa(len(got)), "want": strconv.Itoa(len(wantB64)), "after": after, "missing": strconv.Itoa(len(wantB64) - len(got)), "rest": rest}
		g.add(CodeKeyTruncated, plan.SeverityError, params, 1, 1)
	case strings.HasPrefix(got, wantB64):
		added, last := head(got[len(wantB64):], 40), tail(wantB64, 8)
		g.add(CodeKeyExtra, plan.SeverityError, map[string]string{"extra": strconv.Itoa(len(got) - len(wantB64)), "added": added, "last": last}, 2, 2)
	case strings.HasSuffix(got, wantB64):
		added, first := head(got[:len(got)-len(wantB64)], 40), head(wantB64, 8)
		g.add(CodeKeyExtra, plan.SeverityError, map[string]string{"extra": strconv.Itoa(len(got) - len(wantB64)), "added": added, "first": first}, 1, 1)
	default:
		if same, pkcs1 := sameKey("p="+got, "p="+wantB64); same && pkcs1 {
			g.d.Findings = append(g.d.Findings, Lint(inner)...)
			return
		}
		pre := commonPrefix(got, wantB64)
		suf := commonSuffix(got[pre:], wantB64[pre:])
		diffGot, diffWant := len(got)-pre-suf, len(wantB64)-pre-suf
		at := pOff + rawOffset(raw, pre)
		switch {
		case pre+suf >= len(wantB64)-16 && diffGot <= 16:
			n := max(diffGot, diffWant)
			after, published, expected := tail(got[:pre], 12), got[pre:pre+diffGot], wantB64[pre:pre+diffWant]
			params := map[string]string{"position": strconv.Itoa(pre + 1), "offset": strconv.Itoa(at), "after": after, "count": strconv.Itoa(n)}
			if published != "" {
				params["published"] = published
			}
			if expected != "" {
				params["expected"] = expected
			}
			// The catalogue's sentence says whether characters differ, are
			// missing (no published) or were added (no expected).
			g.d.Findings = append(g.d.Findings, plan.Worded(plan.Finding{Code: CodeKeyChanged, Severity: plan.SeverityError, Subject: "p=", Offset: plan.At(at), Params: params}, 1, 1))
			return
		default:
			params := map[string]string{"position": strconv.Itoa(pre + 1)}
			if k, err := Parse(inner); err == nil {
				if pub, err := k.PublicKey(); err == nil {
					params["type"], params["bits"] = keyName(TypeOf(pub)), strconv.Itoa(KeyBits(pub))
				}
			}
			g.add(CodeDifferentKey, plan.SeverityError, params, 1, 1)
		}
	}
}

// pValue returns the raw p= value of a tag-list and its offset.
func pValue(s string) (string, int, bool) {
	tags, err := taglist.Parse(s)
	if err != nil {
		i := strings.Index(s, "p=")
		if i < 0 {
			return "", 0, false
		}
		v := s[i+2:]
		if j := strings.IndexByte(v, ';'); j >= 0 {
			v = v[:j]
		}
		return strings.TrimSpace(v), i + 2, true
	}
	for _, t := range tags {
		if strings.EqualFold(t.Name, "p") {
			return t.Value, t.ValueOffset, true
		}
	}
	return "", 0, false
}

// matchesKey reports whether a published value holds the key wantB64.
func matchesKey(value, wantB64 string) (bool, error) {
	inner, _ := unquote(value)
	raw, _, ok := pValue(inner)
	return ok && stripSpace(raw) == wantB64, nil
}

// sameKey reports whether two values hold the same public key, and whether
// one of them encodes it as PKCS#1.
func sameKey(a, b string) (same, pkcs1 bool) {
	ka, pa, errA := keyOf(a)
	kb, pb, errB := keyOf(b)
	if errA != nil || errB != nil {
		return false, false
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := ka.(equaler)
	return ok && e.Equal(kb), pa || pb
}

// keyOf decodes the key of a published value, whatever else is wrong
// with the record around it.
func keyOf(v string) (crypto.PublicKey, bool, error) {
	inner, _ := unquote(v)
	raw, _, ok := pValue(inner)
	if !ok {
		return nil, false, ErrNotDKIM
	}
	kt := KeyRSA
	if tags, err := taglist.Parse(inner); err == nil {
		for _, t := range tags {
			if strings.EqualFold(t.Name, "k") {
				kt = KeyType(strings.ToLower(t.Value))
			}
		}
	}
	b, err := base64.StdEncoding.DecodeString(stripSpace(raw))
	if err != nil {
		return nil, false, fmt.Errorf("%w: %w", ErrPublicKeyParse, err)
	}
	return decodePublicKey(kt, b)
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func commonSuffix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}

func head(s string, n int) string { return s[:min(n, len(s))] }
func tail(s string, n int) string { return s[max(0, len(s)-n):] }
