package spf_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/golden"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// problemCases has a record for every Problem and every Advice.
var problemCases = []struct {
	record  string
	problem spf.Problem
	advice  spf.Advice
}{
	{"google-site-verification=abc", spf.ProblemNotSPF, ""},
	{"v=spf1mx -all", spf.ProblemNoSpace, spf.AdviceSpaceAfterVersion},
	{"v=spf1\u00a0mx -all", spf.ProblemNotSPF, spf.AdviceVersionLookalike},
	{"v=spf1\tmx -all", spf.ProblemNotSPF, spf.AdviceVersionLookalike},
	{"spf2.0/pra include:x.example -all", spf.ProblemNotSPF, spf.AdviceSenderID},
	{" v=spf1 -all", spf.ProblemNotSPF, spf.AdviceLeadingSpace},
	{`"v=spf1 include:spf.vendor.example -all"`, spf.ProblemNotSPF, spf.AdviceQuoted},
	{"TXT v=spf1 -all", spf.ProblemNotSPF, spf.AdviceTextBefore},
	{"spf1 include:x.example -all", spf.ProblemNotSPF, spf.AdviceVersionMisspelt},
	{"v=spf1 redirect=", spf.ProblemModifierNeedsDomain, ""},
	{"v=spf1 include -all", spf.ProblemMechanismNeedsDomain, ""},
	{"v=spf1 all:x", spf.ProblemAllArgument, ""},
	{"v=spf1 ptr/24", spf.ProblemPTRArgument, ""},
	{"v=spf1 a: -all", spf.ProblemExpectedDomain, ""},
	{"v=spf1 a/33 -all", spf.ProblemPrefix4, ""},
	{"v=spf1 mx//129 -all", spf.ProblemPrefix6, ""},
	{"v=spf1 ip6 -all", spf.ProblemNeedsAddress, ""},
	{"v=spf1 ip4:x -all", spf.ProblemNotAddress, ""},
	{"v=spf1 ip4:2001:db8::1 -all", spf.ProblemNotIPv4, ""},
	{"v=spf1 ip6:192.0.2.1 -all", spf.ProblemNotIPv6, ""},
	{"v=spf1 ip4:192.0.2.0/33 -all", spf.ProblemPrefix, ""},
	{"v=spf1 + -all", spf.ProblemQualifierAlone, ""},
	{"v=spf1 mx foo -all", spf.ProblemUnknownMechanism, ""},
	{"v=spf1 inclde:spf.vendor.example -all", spf.ProblemUnknownMechanism, spf.AdviceDidYouMean},
	{"v=spf1 redirect:spf.vendor.example", spf.ProblemUnknownMechanism, spf.AdviceModifierEquals},
	{"v=spf1 include:spf.vendor.example \u2013all", spf.ProblemUnknownMechanism, spf.AdviceLookalike},
	{"v=spf1 mx\u200b -all", spf.ProblemUnknownMechanism, spf.AdviceLookalike},
	{"v=spf1 mx\n-all", spf.ProblemUnknownMechanism, spf.AdviceLineBreak},
	{"v=spf1 redirect=a.example redirect=b.example", spf.ProblemDuplicateModifier, ""},
	{"v=spf1 include:vendor -all", spf.ProblemNotFQDN, ""},
	{"v=spf1 include:vendor.123 -all", spf.ProblemTopLabel, ""},
	{"v=spf1 include:bücher.example -all", spf.ProblemMacroCharacter, spf.AdviceNonASCII},
	{"v=spf1 x-tag=a\x01b", spf.ProblemMacroCharacter, ""},
	{"v=spf1 exists:%{i}.%", spf.ProblemMacroPercentEnd, ""},
	{"v=spf1 exists:%{i", spf.ProblemMacroUnclosed, ""},
	{"v=spf1 x-tag=%{}", spf.ProblemMacroEmpty, ""},
	{"v=spf1 exists:%{c}.example", spf.ProblemMacroExplanation, ""},
	{"v=spf1 exists:%{q}.example", spf.ProblemMacroUnknownLetter, ""},
	{"v=spf1 exists:%{d0}.example", spf.ProblemMacroParts, ""},
	{"v=spf1 exists:%{d1!}.example", spf.ProblemMacroDelimiter, ""},
	{"v=spf1 exists:%x.example", spf.ProblemNotMacro, ""},
}

// allProblems and allAdvice are every constant, for the test to see each
// one produced.
var (
	allProblems = []spf.Problem{spf.ProblemNotSPF, spf.ProblemNoSpace, spf.ProblemModifierNeedsDomain, spf.ProblemMechanismNeedsDomain,
		spf.ProblemAllArgument, spf.ProblemPTRArgument, spf.ProblemExpectedDomain, spf.ProblemPrefix4, spf.ProblemPrefix6,
		spf.ProblemNeedsAddress, spf.ProblemNotAddress, spf.ProblemNotIPv4, spf.ProblemNotIPv6, spf.ProblemPrefix,
		spf.ProblemQualifierAlone, spf.ProblemUnknownMechanism, spf.ProblemDuplicateModifier, spf.ProblemTermSpaces,
		spf.ProblemNotFQDN, spf.ProblemTopLabel, spf.ProblemMacroCharacter, spf.ProblemMacroPercentEnd, spf.ProblemMacroUnclosed,
		spf.ProblemMacroEmpty, spf.ProblemMacroExplanation, spf.ProblemMacroUnknownLetter, spf.ProblemMacroParts,
		spf.ProblemMacroDelimiter, spf.ProblemNotMacro}
	allAdvice = []spf.Advice{spf.AdviceVersionLookalike, spf.AdviceSpaceAfterVersion, spf.AdviceSenderID, spf.AdviceLeadingSpace,
		spf.AdviceQuoted, spf.AdviceTextBefore, spf.AdviceVersionMisspelt, spf.AdviceLookalike, spf.AdviceLineBreak,
		spf.AdviceNonASCII, spf.AdviceDidYouMean, spf.AdviceModifierEquals}
)

// TestProblemCodes: each parse error names its problem and advice as
// codes, with Reason and Hint their catalogue English, and every code has
// its clause in every language.
func TestProblemCodes(t *testing.T) {
	c := i18n.Default()
	seenP, seenA := map[spf.Problem]bool{}, map[spf.Advice]bool{}
	check := func(name string, err error, problem spf.Problem, advice spf.Advice) {
		t.Helper()
		var pe *spf.ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("%s: %v is not a *ParseError", name, err)
		}
		if pe.Problem != problem || pe.Advice != advice {
			t.Errorf("%s: Problem %q, Advice %q; want %q, %q (%v)", name, pe.Problem, pe.Advice, problem, advice, err)
		}
		seenP[pe.Problem], seenA[pe.Advice] = true, true
		if want := c.Clause(i18n.English, "spf-problem", string(pe.Problem), pe.Params); pe.Reason != want || want == "" {
			t.Errorf("%s: Reason %q, the catalogue's %q", name, pe.Reason, want)
		}
		if want := c.Clause(i18n.English, "spf-advice", string(pe.Advice), pe.Params); pe.Hint != want {
			t.Errorf("%s: Hint %q, the catalogue's %q", name, pe.Hint, want)
		}
	}
	for _, tc := range problemCases {
		_, err := spf.Parse(tc.record)
		check(fmt.Sprintf("%q", tc.record), err, tc.problem, tc.advice)
	}
	for _, p := range allProblems {
		// term-spaces is Insert's defence: every term with a space that
		// reaches it has failed to parse already.
		if !seenP[p] && p != spf.ProblemTermSpaces {
			t.Errorf("no case gives the problem %s", p)
		}
		for _, lang := range i18n.Languages() {
			if !c.Has(lang, i18n.ClauseID("spf-problem", string(p))) {
				t.Errorf("%s: no clause for the problem %s", lang, p)
			}
		}
	}
	for _, a := range allAdvice {
		if !seenA[a] {
			t.Errorf("no case gives the advice %s", a)
		}
		for _, lang := range i18n.Languages() {
			if !c.Has(lang, i18n.ClauseID("spf-advice", string(a))) {
				t.Errorf("%s: no clause for the advice %s", lang, a)
			}
		}
	}
}

// TestParseFindingsTranslated: the findings about a record that does not
// parse read wholly in the reader's language: no English reason or hint is
// left in a translation, and the golden file shows each in every
// language.
func TestParseFindingsTranslated(t *testing.T) {
	var b strings.Builder
	for _, tc := range problemCases {
		_, err := spf.Parse(tc.record)
		var pe *spf.ParseError
		errors.As(err, &pe)
		fs := spf.LintTXT("example.com.", [][]string{{tc.record}})
		if tc.problem == spf.ProblemNotSPF && tc.advice == "" {
			if len(fs) != 0 {
				t.Errorf("%q: findings %v for a TXT record of another kind", tc.record, fs)
			}
			continue
		}
		fmt.Fprintf(&b, "==== %q\n", tc.record)
		for _, f := range fs {
			if f.Code == spf.CodeNoAll {
				continue
			}
			for _, lang := range i18n.Languages() {
				g := f.In(lang)
				fmt.Fprintf(&b, "%s %s: %s\n", lang, g.Code, g.Message)
				if lang == i18n.English {
					continue
				}
				for _, english := range []string{pe.Reason, pe.Hint} {
					if english != "" && strings.Contains(g.Message, english) {
						t.Errorf("%s %q: %s keeps the English %q: %s", lang, tc.record, f.Code, english, g.Message)
					}
				}
				if g.Message == f.Message || strings.Contains(g.Message, "<no value>") {
					t.Errorf("%s %q: %s not translated: %s", lang, tc.record, f.Code, g.Message)
				}
			}
		}
	}
	golden.Check(t, "parse-problems.txt", b.String())
}

// TestIncludeParseErrorTranslated: Analyze's finding about an include
// whose record does not parse quotes the record and the offset, and the
// translation words the rest.
func TestIncludeParseErrorTranslated(t *testing.T) {
	f := plan.Finding{Code: spf.CodeSyntax}
	_, err := spf.Parse("v=spf1 ip4:192.0.2.0/33 -all")
	var pe *spf.ParseError
	if !errors.As(err, &pe) {
		t.Fatal(err)
	}
	f.Params = map[string]string{"domain": "bad.example", "record": pe.Input, "offset": strconv.Itoa(pe.Offset), "error": string(pe.Problem), "value": pe.Params["value"], "max": pe.Params["max"]}
	f.Message = plan.SentenceOf(string(f.Code), "message", 1, f.Params)
	if f.Message != err.Error() {
		t.Errorf("English %q, want the error's own %q", f.Message, err.Error())
	}
	de := f.In(language.German).Message
	if want := `der SPF-Eintrag "v=spf1 ip4:192.0.2.0/33 -all" ist fehlerhaft: die Präfixlänge "/33" muss eine Zahl von 0 bis 32 sein (an Position 20)`; de != want {
		t.Errorf("German %q, want %q", de, want)
	}
}
