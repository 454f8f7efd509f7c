package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
)

// TestGoldenInEachLanguage: the samples and the test inputs explained in
// every language of the catalogue, compared whole with
// testdata/samples.<lang>.txt and inputs.<lang>.txt; -lang en is the
// English rendering, unchanged.
func TestGoldenInEachLanguage(t *testing.T) {
	readable := []string{in("forged.eml"), in("listed.eml"), in("no-from.eml")}
	for _, lang := range i18n.Languages() {
		for _, set := range []struct {
			name string
			args []string
		}{{"samples", nil}, {"inputs", readable}} {
			var out, errs bytes.Buffer
			if got := realMain(append([]string{"-lang", lang.String()}, set.args...), nil, &out, &errs); got != demo.ExitChanges {
				t.Fatalf("-lang %s %s: status %d\n%s", lang, set.name, got, errs.String())
			}
			if lang == i18n.English {
				if set.name == "samples" {
					golden.Check(t, "samples.txt", out.String())
				}
				continue
			}
			golden.Check(t, set.name+"."+lang.String()+".txt", out.String())
			for _, english := range []string{"The report says", "The customer's DNS changes", "A DMARC aggregate report from", "What to do:"} {
				if strings.Contains(out.String(), english) {
					t.Errorf("-lang %s %s: %q is still English", lang, set.name, english)
				}
			}
		}
	}
}

// TestJSONInFrench: the fixes in JSON carry their text and steps in French
// and keep the codes.
func TestJSONInFrench(t *testing.T) {
	var out, errs bytes.Buffer
	if got := realMain([]string{"-lang", "fr-CH", "-format", "json"}, nil, &out, &errs); got != demo.ExitChanges {
		t.Fatalf("status %d\n%s", got, errs.String())
	}
	s := out.String()
	for _, want := range []string{`"text": "Le rapport indique que DMARC a échoué`, `"code": "spf-authorize"`, `Ajoutez un enregistrement CNAME`} {
		if !strings.Contains(s, want) {
			t.Errorf("the French JSON lacks %q", want)
		}
	}
}

func TestBadLang(t *testing.T) {
	var out, errs bytes.Buffer
	if got := realMain([]string{"-lang", "!!"}, nil, &out, &errs); got != demo.ExitUsage {
		t.Errorf("status %d for a bad -lang", got)
	}
}
