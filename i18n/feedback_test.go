package i18n_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/feedback"
	"github.com/domainauth/domainauth/i18n"
)

// TestFeedbackSentences: the sentences package feedback words (a status
// code in words, a provider's rule and fix, a recipient's advice, a
// header field's result, a report's why) use exactly the parameters
// feedback.Codes names for them, in English; and every language words
// each of them in its own words: a translation that renders as its
// English, whatever the values, is English left in the catalogue.
func TestFeedbackSentences(t *testing.T) {
	c := catalog(t)
	codes := feedback.Codes()
	if len(codes) < 100 {
		t.Fatalf("feedback.Codes: %d codes", len(codes))
	}
	for code, names := range codes {
		ids := slices.Concat(c.Variants(string(code), i18n.PartMessage), c.Variants(string(code), i18n.PartFix))
		if len(ids) == 0 {
			t.Errorf("%s has no message", code)
			continue
		}
		used := map[string]bool{}
		for _, id := range ids {
			for _, f := range c.Fields(i18n.English, id) {
				used[f] = true
			}
		}
		for _, n := range names {
			if !used[n] {
				t.Errorf("%s carries %s, which its English does not use", code, n)
			}
		}
		params := i18n.Params{}
		for _, n := range names {
			params[n] = "v" + n // a value, the same in every language
		}
		for _, id := range ids {
			en, err := c.Render(i18n.English, id, params)
			if err != nil || en == "" || strings.Contains(en, "{{") {
				t.Errorf("%s in English: %q, %v", id, en, err)
			}
			for _, lang := range i18n.Languages()[1:] {
				got, err := c.Render(lang, id, params)
				switch {
				case err != nil || got == "":
					t.Errorf("%s in %s: %q, %v", id, lang, got, err)
				case got == en:
					t.Errorf("%s in %s is its English: %q", id, lang, got)
				}
			}
		}
	}
}

// TestFeedbackPlurals: a report's counts choose their language's form.
func TestFeedbackPlurals(t *testing.T) {
	c := catalog(t)
	for _, tc := range []struct {
		lang   string
		id     string
		params i18n.Params
		want   string
	}{
		{"de", "feedback-why-aligned.message", i18n.Params{"passed": "1"}, "ihre übrige Nachricht besteht ausgerichtet"},
		{"de", "feedback-why-aligned.message", i18n.Params{"passed": "12000"}, "ihre übrigen 12’000 Nachrichten bestehen"},
		{"fr", "feedback-hurt-source.message", i18n.Params{"source": "192.0.2.1", "failed": "0", "messages": "0", "why": "x"}, "192.0.2.1: sur 0 message, 0 en échec, x"},
		{"nl", "feedback-hurt-source.message", i18n.Params{"source": "192.0.2.1", "failed": "1", "messages": "1", "why": "x"}, "192.0.2.1: 1 van 1 bericht mislukt, x"},
		{"it", "feedback-why-override.message", i18n.Params{"overridden": "1", "override": "forwarded"}, "1 dei suoi messaggi non ha superato DMARC"},
	} {
		got, err := c.Render(c.MatchString(tc.lang), tc.id, tc.params)
		if err != nil || !strings.Contains(got, tc.want) {
			t.Errorf("%s %s %v: %q, %v; want it to hold %q", tc.lang, tc.id, tc.params, got, err, tc.want)
		}
	}
}
