package dkim_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/golden"
)

// problemRecords has a record for every Problem Parse can give.
func problemRecords(t *testing.T) []struct {
	record  string
	problem dkim.Problem
} {
	// A fixed P-256 point, so that the golden file stays the same.
	k := &ecdsa.PublicKey{Curve: elliptic.P256(), X: elliptic.P256().Params().Gx, Y: elliptic.P256().Params().Gy}
	spki, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		t.Fatal(err)
	}
	ed := base64.StdEncoding.EncodeToString(make([]byte, 32))
	return []struct {
		record  string
		problem dkim.Problem
	}{
		{"v=DKIM1; =abc", dkim.ProblemTagName},
		{"v=DKIM1; p", dkim.ProblemTagEquals},
		{"v=DKIM1; n=a\x01b; p=QUJD", dkim.ProblemTagCharacter},
		{"v=DKIM1; p=QUJD; p=QUJD", dkim.ProblemDuplicateTag},
		{"v=DKIM2; p=QUJD", dkim.ProblemVersion},
		{"k=rsa; t=y", dkim.ProblemNoKey},
		{"v=DKIM1; k=rsa", dkim.ProblemNoP},
		{"v=DKIM1; p=QU!D", dkim.ProblemBase64},
		{"v=DKIM1; p=" + ed, dkim.ProblemKeyTypeMismatch},
		{"v=DKIM1; p=QUJD", dkim.ProblemNotRSA},
		{"v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(spki), dkim.ProblemRSAHoldsOther},
		{"v=DKIM1; k=ed25519; p=QUJD", dkim.ProblemEd25519Size},
	}
}

// TestProblemCodes: a parse error names its problem as a code, with
// Reason the catalogue's English of it, and every problem has its clause
// in every language.
func TestProblemCodes(t *testing.T) {
	c := i18n.Default()
	for _, tc := range problemRecords(t) {
		_, err := dkim.Parse(tc.record)
		var pe *dkim.ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("%q: %v is not a *ParseError", tc.record, err)
		}
		if pe.Problem != tc.problem {
			t.Errorf("%q: Problem %q, want %q (%v)", tc.record, pe.Problem, tc.problem, err)
		}
		if want := c.Clause(i18n.English, "dkim-problem", string(pe.Problem), pe.Params); pe.Reason != want || want == "" {
			t.Errorf("%q: Reason %q, the catalogue's %q", tc.record, pe.Reason, want)
		}
	}
	all := []dkim.Problem{dkim.ProblemTagName, dkim.ProblemTagEquals, dkim.ProblemTagCharacter, dkim.ProblemDuplicateTag,
		dkim.ProblemVersion, dkim.ProblemNoKey, dkim.ProblemNoP, dkim.ProblemBase64, dkim.ProblemKeyTypeMismatch,
		dkim.ProblemNotRSA, dkim.ProblemRSAHoldsOther, dkim.ProblemEd25519Size, dkim.ProblemKeyType}
	for _, lang := range i18n.Languages() {
		if got := len(c.Clauses(lang, "dkim-problem")); got != len(all) {
			t.Errorf("%s: %d problem clauses, want %d", lang, got, len(all))
		}
		for _, p := range all {
			if !c.Has(lang, i18n.ClauseID("dkim-problem", string(p))) {
				t.Errorf("%s: no clause for %s", lang, p)
			}
		}
	}
}

// TestParseFindingsTranslated: the findings about a key record that does
// not parse read wholly in the reader's language (no English reason left),
// as the golden file shows for each problem in every language.
func TestParseFindingsTranslated(t *testing.T) {
	var b strings.Builder
	for _, tc := range problemRecords(t) {
		_, err := dkim.Parse(tc.record)
		var pe *dkim.ParseError
		errors.As(err, &pe)
		fmt.Fprintf(&b, "==== %q\n", tc.record)
		for _, f := range dkim.Lint(tc.record) {
			if f.Params["error"] == "" {
				continue
			}
			for _, lang := range i18n.Languages() {
				g := f.In(lang)
				fmt.Fprintf(&b, "%s %s: %s\n", lang, g.Code, g.Message)
				if lang != i18n.English && (strings.Contains(g.Message, pe.Reason) || g.Message == f.Message) {
					t.Errorf("%s %q: %s keeps the English %q: %s", lang, tc.record, f.Code, pe.Reason, g.Message)
				}
			}
		}
	}
	golden.Check(t, "parse-problems.txt", b.String())
}
