package dmarc_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/golden"
)

// problemRecords has a record for every problem a finding quotes, under
// the rules that give it.
var problemRecords = []struct {
	record  string
	rules   dmarc.Rules
	problem dmarc.Problem
}{
	{"DMARC1; p=none", dmarc.RFC9989, dmarc.ProblemNotDMARC},
	{"v=DMARC1; p=none; p=reject", dmarc.RFC9989, dmarc.ProblemDuplicateTag},
	{"v=DMARC1; adkim=r", dmarc.RFC9989, dmarc.ProblemNoPolicy},
	{"v=DMARC1; p=block", dmarc.RFC9989, dmarc.ProblemInvalidPolicy},
	{"v=DMARC1; p=none; =x", dmarc.RFC9989, dmarc.ProblemTagName},
	{"v=DMARC1; p=none; foo", dmarc.RFC9989, dmarc.ProblemTagEquals},
	{"v=DMARC1; p=none; x=a\x01", dmarc.RFC9989, dmarc.ProblemTagCharacter},
	{"v=DMARC1; p=none; np=block", dmarc.RFC7489, dmarc.ProblemPolicyValue},
	{"v=DMARC1; p=none; psd=x", dmarc.RFC9989, dmarc.ProblemPSDValue},
	{"v=DMARC1; p=none; t=x", dmarc.RFC9989, dmarc.ProblemTValue},
	{"v=DMARC1; p=none; aspf=q", dmarc.RFC9989, dmarc.ProblemAlignValue},
	{"v=DMARC1; p=none; fo=9", dmarc.RFC9989, dmarc.ProblemFOValue},
	{"v=DMARC1; p=none; pct=150", dmarc.RFC7489, dmarc.ProblemPctValue},
	{"v=DMARC1; p=none; pct=150", dmarc.RFC9989, dmarc.ProblemPctValue},
	{"v=DMARC1; p=none; rf=a b", dmarc.RFC7489, dmarc.ProblemRFValue},
	{"v=DMARC1; p=none; ri=abc", dmarc.RFC7489, dmarc.ProblemRIValue},
	{"v=DMARC1; p=none; rua=mailto:a@b.example,,mailto:c@d.example", dmarc.RFC9989, dmarc.ProblemURIEmpty},
	{"v=DMARC1; p=none; rua=mailto:a@b.example!x", dmarc.RFC9989, dmarc.ProblemURISize},
	{"v=DMARC1; p=none; rua=a@b.example", dmarc.RFC9989, dmarc.ProblemURIScheme},
	{"v=DMARC1; p=none; rua=mailto:x", dmarc.RFC9989, dmarc.ProblemURIAddress},
}

// TestProblemCodes: a parse error names its problem as a code, with
// Reason the catalogue's English; every problem has its clause in every
// language.
func TestProblemCodes(t *testing.T) {
	c := i18n.Default()
	for _, tc := range problemRecords[:4] {
		_, err := tc.rules.Parse(tc.record)
		var pe *dmarc.ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("%q: %v is not a *ParseError", tc.record, err)
		}
		if pe.Problem != tc.problem {
			t.Errorf("%q: Problem %q, want %q", tc.record, pe.Problem, tc.problem)
		}
		if want := c.Clause(i18n.English, "dmarc-problem", string(pe.Problem), pe.Params); pe.Reason != want || want == "" {
			t.Errorf("%q: Reason %q, the catalogue's %q", tc.record, pe.Reason, want)
		}
	}
	// What receivers discard says why as a code too.
	r, err := dmarc.RFC7489.Parse("v=DMARC1; p=none; pct=150; ;; rua=mailto:a@b.example,mailto:x")
	if err != nil {
		t.Fatal(err)
	}
	var got []dmarc.Problem
	for _, ig := range r.Ignored {
		got = append(got, ig.Problem)
		if want := c.Clause(i18n.English, "dmarc-problem", string(ig.Problem), ig.Params); ig.Reason != want || want == "" {
			t.Errorf("Ignored %s: Reason %q, the catalogue's %q", ig, ig.Reason, want)
		}
	}
	if want := []dmarc.Problem{dmarc.ProblemPctValue, dmarc.ProblemURIAddress}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Ignored problems %v, want %v", got, want)
	}
	all := []dmarc.Problem{dmarc.ProblemNotDMARC, dmarc.ProblemDuplicateTag, dmarc.ProblemNoPolicy, dmarc.ProblemInvalidPolicy,
		dmarc.ProblemTagName, dmarc.ProblemTagEquals, dmarc.ProblemTagCharacter, dmarc.ProblemEmptyEntry, dmarc.ProblemPolicyValue,
		dmarc.ProblemMissingP, dmarc.ProblemReplaced, dmarc.ProblemPSDValue, dmarc.ProblemTValue, dmarc.ProblemAlignValue,
		dmarc.ProblemFOValue, dmarc.ProblemPctValue, dmarc.ProblemRFValue, dmarc.ProblemRIValue, dmarc.ProblemURIEmpty,
		dmarc.ProblemURISize, dmarc.ProblemURIScheme, dmarc.ProblemURIAddress}
	for _, lang := range i18n.Languages() {
		if got := len(c.Clauses(lang, "dmarc-problem")); got != len(all) {
			t.Errorf("%s: %d problem clauses, want %d", lang, got, len(all))
		}
		for _, p := range all {
			if !c.Has(lang, i18n.ClauseID("dmarc-problem", string(p))) {
				t.Errorf("%s: no clause for %s", lang, p)
			}
		}
	}
}

// TestProblemFindingsTranslated: the findings that quote a problem read
// wholly in the reader's language, as the golden file shows in every
// language.
func TestProblemFindingsTranslated(t *testing.T) {
	c := i18n.Default()
	var b strings.Builder
	for _, tc := range problemRecords {
		fmt.Fprintf(&b, "==== %s %q\n", tc.rules, tc.record)
		found := false
		for _, f := range tc.rules.Lint(tc.record) {
			if f.Params["error"] != string(tc.problem) {
				continue
			}
			found = true
			english := c.Clause(i18n.English, "dmarc-problem", f.Params["error"], f.Params)
			for _, lang := range i18n.Languages() {
				g := f.In(lang)
				fmt.Fprintf(&b, "%s %s: %s\n", lang, g.Code, g.Message)
				if lang != i18n.English && (strings.Contains(g.Message, english) || g.Message == f.Message) {
					t.Errorf("%s %q: %s keeps the English %q: %s", lang, tc.record, f.Code, english, g.Message)
				}
			}
		}
		if !found {
			t.Errorf("%s %q: no finding quotes the problem %s", tc.rules, tc.record, tc.problem)
		}
	}
	golden.Check(t, "problems.txt", b.String())
}
