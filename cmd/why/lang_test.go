package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
)

// TestGoldenInEachLanguage: the samples and the test inputs explained in
// every language of the catalogue, compared whole with
// testdata/samples.<lang>.txt, inputs.<lang>.txt, receivers.<lang>.txt
// and override.<lang>.txt; -lang en is the English rendering, unchanged.
func TestGoldenInEachLanguage(t *testing.T) {
	readable := []string{in("forged.eml"), in("arc.eml"), in("no-from.eml"), in("listed.eml"), in("headerless-bounce.txt")}
	receivers := []string{in("microsoft.eml"), in("forged-below.eml"), in("microsoft-elsewhere.eml")}
	for _, lang := range i18n.Languages() {
		for _, set := range []struct {
			name string
			args []string
		}{{"samples", nil}, {"inputs", readable}, {"receivers", receivers}, {"override", []string{in("forwarded-override.xml")}}} {
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

// TestNoEnglishLeft: every input of the tests (the samples, the messages
// of testdata/inputs, and the header fields of feedback's tests), explained
// in each language, holds no line of its English explanation, except
// lines made of values alone (names, addresses, record values).
func TestNoEnglishLeft(t *testing.T) {
	inputs := [][]string{nil} // the samples
	for _, pattern := range []string{"testdata/inputs/*", "../../feedback/testdata/headers/*.eml"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil && len(bytes.TrimSpace(b)) > 0 && !strings.HasSuffix(f, ".png") && !strings.Contains(f, "headerless-note") {
				inputs = append(inputs, []string{f})
			}
		}
	}
	if len(inputs) < 20 {
		t.Fatalf("%d inputs", len(inputs))
	}
	for _, args := range inputs {
		english := explainLines(t, "en", args)
		for _, lang := range i18n.Languages()[1:] {
			translated := explainLines(t, lang.String(), args)
			for line := range translated {
				if english[line] && !verbatim(line) {
					t.Errorf("why -lang %s %v: an English line: %q", lang, args, line)
				}
			}
		}
	}
}

// explainLines runs why in a language and returns the lines of its
// output, trimmed.
func explainLines(t *testing.T, lang string, args []string) map[string]bool {
	t.Helper()
	var out, errs bytes.Buffer
	if got := realMain(append([]string{"-lang", lang}, args...), nil, &out, &errs); got == demo.ExitUsage {
		t.Fatalf("-lang %s %v: %s", lang, args, errs.String())
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(out.String(), "\n") {
		lines[strings.TrimSpace(l)] = true
	}
	return lines
}

// verbatim reports whether a line of why's output is made of values
// alone, the same in every language: empty, an input's file name, a
// record's name, type or value in a plan's step ("Name: @ (example.ch)",
// "Type: TXT"; the labels some languages share with English), or the
// receiver's words.
func verbatim(line string) bool {
	if line == "" || strings.HasPrefix(line, "==== testdata/") || strings.HasPrefix(line, "==== ../") {
		return true
	}
	label, _, ok := strings.Cut(line, ":")
	return ok && slices.Contains([]string{"Name", "Type", "TTL"}, label)
}

// TestJSONFeedbackInFrench: in JSON, the bounce's status words, advice and
// provider rule, the header fields' results and the inputs' names are in
// French, and the English JSON (TestGolden's inputs.json) keeps its words.
func TestJSONFeedbackInFrench(t *testing.T) {
	var out, errs bytes.Buffer
	args := []string{"-lang", "fr", "-format", "json", in("listed.eml"), in("microsoft.eml")}
	if got := realMain(args, nil, &out, &errs); got != demo.ExitChanges {
		t.Fatalf("status %d\n%s", got, errs.String())
	}
	s := out.String()
	for _, want := range []string{
		`"status_text": "échec définitif: plusieurs vérifications`,
		`"rule": "le message doit s'authentifier`,
		`"advice": "Cherchez pourquoi 5.255.64.53 figure sur Spamhaus ZEN`,
		`"text": "le message ne porte aucune signature DKIM"`,
		`"text": "Microsoft a jugé l'expéditeur usurpé`,
		`"status": "5.7.26"`, `"class": "authentication"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the French JSON lacks %s", want)
		}
	}
	out.Reset()
	if got := realMain([]string{"-lang", "de", "-format", "json"}, nil, &out, &errs); got != demo.ExitChanges || !strings.Contains(out.String(), `"input": "das Beispiel bounce.eml"`) {
		t.Errorf("status %d; the German JSON does not name the sample in German", got)
	}
}
