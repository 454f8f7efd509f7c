package i18n_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/feedback"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/mailbox"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/plan/findingtest"
)

func catalog(t testing.TB) *i18n.Catalog {
	t.Helper()
	c, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMatch(t *testing.T) {
	c := catalog(t)
	for in, want := range map[string]string{
		"de-CH": "de", "de-AT": "de", "de": "de", "gsw": "de",
		"fr-CH": "fr", "fr-BE": "fr", "it-CH": "it", "nl-BE": "nl", "nl": "nl",
		"en-GB": "en", "ja": "en", "": "en", "not a tag": "en",
		"fr-CH, fr;q=0.9, en;q=0.5": "fr",
		"ja, nl-BE;q=0.8":           "nl",
	} {
		if got := c.MatchString(in).String(); got != want {
			t.Errorf("MatchString(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestPlurals: messages with a count choose their form by the language's
// CLDR rules.
func TestPlurals(t *testing.T) {
	c := catalog(t)
	de := language.German
	for n, want := range map[string]string{
		"1": "1 DMARC-Eintrag", "3": "3 DMARC-Einträge", "0": "0 DMARC-Einträge",
	} {
		got, err := c.Render(de, "dmarc-multiple-records.message_2", i18n.Params{"domain": "example.ch", "records": n})
		if err != nil || !strings.Contains(got, want) {
			t.Errorf("records=%s: %q, %v; want it to hold %q", n, got, err, want)
		}
	}
	// French counts 0 and 1 as one; English 0 as other.
	fr, err := c.Render(language.French, "dmarc-multiple-records.message_2", i18n.Params{"domain": "example.ch", "records": "0"})
	if err != nil || !strings.Contains(fr, "0 enregistrement DMARC") || strings.Contains(fr, "0 enregistrements") {
		t.Errorf("French zero: %q, %v", fr, err)
	}
}

func TestNumbersAndDates(t *testing.T) {
	c := catalog(t)
	for tag, want := range map[string]string{"en": "10,000", "de-CH": "10’000", "fr": "10\u00a0000", "it": "10.000", "nl": "10.000"} {
		if got := c.Number(language.MustParse(tag), "10000"); got != want {
			t.Errorf("Number(%s) = %q, want %q", tag, got, want)
		}
	}
	if got := c.Number(language.German, "not a number"); got != "not a number" {
		t.Errorf("a non-number changed: %q", got)
	}
}

// declared are the finding codes of the packages that emit findings, with
// the parameter names documented beside each.
func declared(t *testing.T) findingtest.Codes {
	all := findingtest.Codes{}
	for _, dir := range []string{"../spf", "../dkim", "../dmarc", "../domaincheck", "../mailbox"} {
		// sender documents some codes' parameters nowhere or in part
		// (undocumented below); its findings carry them all the same.
		for code, names := range findingtest.Declared(lenient{t}, dir) {
			all[code] = names
		}
	}
	all[plan.CodeWithheld] = []string{"type", "name", "codes"}
	for code, names := range feedback.Codes() {
		all[code] = names
	}
	for code, names := range undocumented {
		all[code] = append(all[code], names...)
	}
	return all
}

// undocumented are the parameters sender's findings carry that the
// comments beside its codes do not name.
var undocumented = map[plan.Code][]string{
	"sender-return-path-missing":  {"name", "target"},
	"sender-return-path-target":   {"name", "target", "current"},
	"sender-return-path-occupied": {"name", "target", "type"},
	"spf-void-ipv6":               {"domain", "terms", "empty"},
	"dmarc-below-minimum":         {"fix"},
	"sending-dkim-key":            {"problem"},
}

// lenient is a testing.TB whose Errorf does not fail the test: it reads
// sender's declarations, some of which name no parameters.
type lenient struct{ testing.TB }

func (lenient) Errorf(string, ...any) {}

// neverEmitted are declared codes no producer emits.
var neverEmitted = map[plan.Code]string{
	"dkim-advice": "declared in sender, emitted nowhere",
}

// fixOnly are codes that word a fix, never a message: a fix that is a
// step of the plan.
var fixOnly = map[plan.Code]bool{"rule-step": true}

// common are the parameters an entry point adds to every finding of a
// package (the record's domain; the proposed record), documented once.
var common = []string{"domain", "proposed", "name", "selector"}

// reasonCodes are the change reasons, with their parameters.
var reasonCodes = map[string][]string{
	"spf-create": {"domain", "term", "also"}, "spf-authorize": {"domain", "term", "records"}, "spf-repair": {"domain"},
	"dkim-delegate": {"name"}, "dkim-publish-key": {"name"}, "dkim-clear": {"name"},
	"dmarc-policy": {"domain", "policy", "written"}, "dmarc-authorize-reports": {"domain", "destination"}, "dmarc-misplaced": {"domain"},
	"sender-return-path-delegate": {"name", "target"},
}

// clauses are parameters whose values are English clauses, which a
// translation may word the situation without quoting: the vendor's broken
// key record's problem (its DKIM findings' messages, joined), and detail,
// the text of an error a program reports (a failed Domain Connect
// discovery, whose cause a translation words by its code) or that another
// part of the program wrote (the stored reports' shortfall). Parse errors
// and conditions are codes with their values (clauses of sets such as
// text.spf-problem, inserted with sub), so no translation quotes them.
var clauses = []string{"problem", "detail"}

var idForm = regexp.MustCompile(`^([a-z0-9-]+)\.(message|fix|reason|requirement)(_[2-9])?$`)

// requirementCodes are the codes whose "requirement" sentences word what a
// requirement asks for (plan.About), with their parameters.
var requirementCodes = map[string][]string{
	"dkim-delegate": {"name", "target"}, "dkim-publish-key": {"name"}, "dmarc-policy": {"domain", "policy", "reports"},
	"sender-return-path-delegate": {"name", "target"}, "spf-authorize": {"domain", "term"},
}

// TestEveryCodeHasItsSentences: every code the library emits has a
// message (and a fix where English has one) in every language, using only
// parameters the code documents; every change reason has its sentence;
// and no catalogue holds an entry for a code that does not exist.
func TestEveryCodeHasItsSentences(t *testing.T) {
	c := catalog(t)
	codes := declared(t)
	for code, names := range codes {
		if _, ok := neverEmitted[code]; ok {
			continue
		}
		msgs := c.Variants(string(code), i18n.PartMessage)
		if len(msgs) == 0 && !fixOnly[code] {
			t.Errorf("%s has no message", code)
		}
		allowed := append(slices.Clone(names), common...)
		used := map[string]bool{}
		for _, id := range append(msgs, c.Variants(string(code), i18n.PartFix)...) {
			for _, f := range c.Fields(i18n.English, id) {
				used[f] = true
				if !slices.Contains(allowed, f) {
					t.Errorf("%s uses the parameter %s, which %s does not document (%s)", id, f, code, strings.Join(names, ", "))
				}
			}
		}
	}
	for code, names := range reasonCodes {
		ids := c.Variants(code, i18n.PartReason)
		if len(ids) == 0 {
			t.Errorf("the change reason %s has no sentence", code)
		}
		for _, id := range ids {
			for _, f := range c.Fields(i18n.English, id) {
				if !slices.Contains(names, f) {
					t.Errorf("%s uses the parameter %s, which the reason does not carry", id, f)
				}
			}
		}
	}
	for code, names := range requirementCodes {
		ids := c.Variants(code, i18n.PartRequirement)
		if len(ids) == 0 {
			t.Errorf("the requirement %s has no sentence", code)
		}
		for _, id := range ids {
			for _, f := range c.Fields(i18n.English, id) {
				if !slices.Contains(names, f) {
					t.Errorf("%s uses the parameter %s, which the requirement does not carry", id, f)
				}
			}
		}
	}
	for _, id := range c.IDs(i18n.English) {
		m := idForm.FindStringSubmatch(id)
		switch {
		case strings.HasPrefix(id, "format.") || strings.HasPrefix(id, "text."):
		case strings.HasPrefix(id, "mailbox-rule."):
			rule, part, _ := strings.Cut(strings.TrimPrefix(id, "mailbox-rule."), ".")
			r, ok := mailbox.Lookup(mailbox.RuleID(rule))
			switch {
			case !ok:
				t.Errorf("stray entry %s: no such mailbox rule", id)
			case part != "summary" && (part != "where" || r.Where == ""):
				t.Errorf("stray entry %s: a rule has a summary, and a where when it is checked elsewhere", id)
			}
		case m == nil:
			t.Errorf("stray entry %s: not code.part", id)
		case m[2] == i18n.PartRequirement:
			if _, ok := requirementCodes[m[1]]; !ok {
				t.Errorf("stray entry %s: no such requirement", id)
			}
		case m[2] == i18n.PartReason:
			if _, ok := reasonCodes[m[1]]; !ok {
				t.Errorf("stray entry %s: no such change reason", id)
			}
		default:
			if _, ok := codes[plan.Code(m[1])]; !ok {
				t.Errorf("stray entry %s: no such finding code", id)
			}
		}
	}
}

// TestTranslationsAgree: every language has exactly the English entries,
// no more and no fewer; each uses the parameters its English uses (a
// clause in English aside), and no other; and each renders for every
// plural form its language has.
func TestTranslationsAgree(t *testing.T) {
	c := catalog(t)
	en := c.IDs(i18n.English)
	for _, lang := range i18n.Languages()[1:] {
		ids := c.IDs(lang)
		for _, id := range en {
			if !slices.Contains(ids, id) {
				t.Errorf("%s: %s is missing", lang, id)
			}
		}
		for _, id := range ids {
			if !slices.Contains(en, id) {
				t.Errorf("%s: stray entry %s, which English does not have", lang, id)
				continue
			}
			want, got := c.Fields(i18n.English, id), c.Fields(lang, id)
			// A translation may use what the English of another part of
			// the same code uses (the value a clause in English quotes).
			allowed := slices.Clone(want)
			if m := idForm.FindStringSubmatch(id); m != nil {
				for _, part := range []string{i18n.PartMessage, i18n.PartFix, i18n.PartReason, i18n.PartRequirement} {
					for _, other := range c.Variants(m[1], part) {
						allowed = append(allowed, c.Fields(i18n.English, other)...)
					}
				}
			}
			for _, f := range got {
				if !slices.Contains(allowed, f) {
					t.Errorf("%s: %s uses %s, which the English of its code does not", lang, id, f)
				}
			}
			for _, f := range want {
				if !slices.Contains(got, f) && !slices.Contains(clauses, f) {
					t.Errorf("%s: %s leaves out %s, which the English uses", lang, id, f)
				}
			}
			params := i18n.Params{}
			for _, f := range got {
				params[f] = "x"
			}
			for _, n := range []string{"0", "1", "2", "3", "5", "11", "21", "1000000"} {
				for _, f := range got {
					params[f] = n
				}
				if _, err := c.Render(lang, id, params); err != nil {
					t.Errorf("%s: %s with %s: %v", lang, id, n, err)
				}
			}
		}
	}
}
