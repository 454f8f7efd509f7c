package plan_test

import (
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/golden"
	"github.com/domainauth/domainauth/plan"
)

// catalogued gives demoChanges' reasons the sentences the catalogue words
// for their codes, as the producers write them.
func catalogued(t *testing.T, cs plan.Changes) plan.Changes {
	t.Helper()
	params := map[plan.Code]i18n.Params{
		"dkim-clear":              {"name": "default._domainkey.customer.example"},
		"dkim-delegate":           {"name": "default._domainkey.customer.example"},
		"dkim-publish-key":        {"name": "long._domainkey.customer.example"},
		"spf-authorize":           {"domain": "customer.example", "term": "include:spf.vendor.example", "records": "2"},
		"dmarc-policy":            {"domain": "customer.example", "policy": "none"},
		"dmarc-authorize-reports": {"domain": "customer.example", "destination": "vendor.example"},
	}
	c := i18n.Default()
	out := make(plan.Changes, len(cs))
	for i, ch := range cs {
		ch.Reasons = nil
		for _, r := range cs[i].Reasons {
			p := params[r.Code]
			id := c.Variants(string(r.Code), i18n.PartReason)[0]
			text, err := c.Render(i18n.English, id, p)
			if err != nil {
				t.Fatal(err)
			}
			ch.Reasons = append(ch.Reasons, plan.Reason{Code: r.Code, Params: p, Text: text})
		}
		out[i] = ch
	}
	return out
}

// TestChangesInEachLanguage: the customer's steps in every language of
// the catalogue, compared whole with testdata; English is Text itself.
func TestChangesInEachLanguage(t *testing.T) {
	cs := catalogued(t, demoChanges(t)).For(plan.PartyCustomer)
	if cs.TextIn(language.English) != cs.Text() {
		t.Error("TextIn(English) differs from Text")
	}
	for _, lang := range i18n.Languages() {
		text := cs.TextIn(lang)
		golden.Check(t, "changes.customer."+lang.String()+".txt", text)
		for _, c := range cs {
			for _, r := range c.Added() {
				if !strings.Contains(text, strings.TrimSuffix(r.Value(), ".")) {
					t.Errorf("%s: the value %q is not shown verbatim", lang, r.Value())
				}
			}
		}
	}
	// Swiss German: the regional tag reads the German text.
	if cs.TextIn(language.MustParse("de-CH")) != cs.TextIn(language.German) {
		t.Error("de-CH does not read de")
	}
}

// TestChangesJSONInGerman: the JSON keeps codes and parameters and carries
// the step and the reasons in the reader's language.
func TestChangesJSONInGerman(t *testing.T) {
	cs := catalogued(t, demoChanges(t))
	de := cs.In(language.German)
	golden.Check(t, "changes.de.json", de.JSON())
	for i := range cs {
		if de[i].Reasons[0].Code != cs[i].Reasons[0].Code || len(de[i].Reasons[0].Params) != len(cs[i].Reasons[0].Params) {
			t.Errorf("change %d: the code or params changed", i)
		}
		if de[i].Text == "" {
			t.Errorf("change %d has no text", i)
		}
	}
	if cs[0].Text != "" {
		t.Error("In changed the original")
	}
}

func TestFindingIn(t *testing.T) {
	f := plan.Finding{Code: "spf-multiple-records", Severity: plan.SeverityError,
		Params:  map[string]string{"domain": "example.ch", "records": "2"},
		Message: "example.ch publishes 2 SPF records: receivers give permerror", Fix: "merge them into one record"}
	de := f.In(language.MustParse("de-CH"))
	if de.Message != "example.ch veröffentlicht 2 SPF-Einträge: Empfänger melden permerror" || de.Fix != "Führen Sie sie zu einem Eintrag zusammen" {
		t.Errorf("German: %q / %q", de.Message, de.Fix)
	}
	if de.Code != f.Code || de.Params["records"] != "2" {
		t.Error("In changed the code or params")
	}
	if en := f.In(language.English); en.Message != f.Message {
		t.Errorf("English changed: %q", en.Message)
	}
	unknown := plan.Finding{Code: "x-unknown", Message: "m", Fix: "f"}
	if got := unknown.In(language.French); got.Message != "m" || got.Fix != "f" {
		t.Errorf("an unknown code lost its English: %+v", got)
	}
}
