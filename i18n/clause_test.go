package i18n_test

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
)

// TestClauses: a message inserts the clause its parameter names, in its
// own language and from its own parameters, a clause inside a clause too;
// an unknown code inserts nothing; values stay verbatim.
func TestClauses(t *testing.T) {
	c := catalog(t)
	params := i18n.Params{"error": "unknown-mechanism", "value": "–all{{.x}}<b>", "advice": "lookalike", "lookalike": "U+2013", "at": "34", "meant": "-"}
	en, err := c.Render(i18n.English, "spf-lookalike.message", params)
	if want := `unknown mechanism "–all{{.x}}<b>"; the record contains an en dash (U+2013) at offset 34 where "-" was meant (pasted from a document or web page?)`; err != nil || en != want {
		t.Errorf("English %q, %v; want %q", en, err, want)
	}
	de, err := c.Render(language.MustParse("de-CH"), "spf-lookalike.message", params)
	if err != nil || !strings.Contains(de, "unbekannter Mechanismus") || !strings.Contains(de, "Halbgeviertstrich (U+2013)") || !strings.Contains(de, "{{.x}}<b>") {
		t.Errorf("German %q, %v", de, err)
	}
	params["error"], params["advice"] = "no-such-problem", ""
	if got, _ := c.Render(i18n.English, "spf-lookalike.message", params); got != "" {
		t.Errorf("an unknown code inserted %q", got)
	}
	for _, code := range []string{"", "a.b", "x\x00"} {
		if got := c.Clause(i18n.English, "spf-problem", code, nil); got != "" {
			t.Errorf("Clause(%q) = %q", code, got)
		}
	}
	if got := c.Clause(language.French, "spf-char", "U+00A0", nil); got != "une espace insécable (U+00A0)" {
		t.Errorf("French U+00A0: %q", got)
	}
	if got := c.Selectors("spf-syntax.message"); !slices.Contains(got, "error") || !slices.Contains(got, "advice") || !slices.Contains(got, "lookalike") {
		t.Errorf("Selectors(spf-syntax.message) = %v", got)
	}
	if got := c.Selectors("spf-no-all.message"); len(got) != 0 {
		t.Errorf("Selectors(spf-no-all.message) = %v, want none", got)
	}
	if f := c.Fields(language.German, "spf-syntax.message"); !slices.Contains(f, "value") || !slices.Contains(f, "codepoint") {
		t.Errorf("Fields(de, spf-syntax.message) = %v: the clauses' parameters are missing", f)
	}
}
