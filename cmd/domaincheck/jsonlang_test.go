package main

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/domainauth/domainauth/mailbox"
	"golang.org/x/text/language"
)

// A program that stored the English JSON of a check words its mailbox
// rules in German from the codes and params the JSON carries, exactly as
// domaincheck -lang de does.
func TestJSONRulesReworded(t *testing.T) {
	type doc struct {
		Domains []struct {
			Domain  string
			Mailbox []struct {
				Provider string
				Rules    []mailbox.RuleResult
			}
		}
	}
	read := func(name string) doc {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var d doc
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return d
	}
	en, de := read("testdata/demo.json"), read("testdata/demo.de.json")
	german := map[string][]mailbox.RuleResult{}
	for _, d := range de.Domains {
		for _, p := range d.Mailbox {
			german[d.Domain+" "+p.Provider] = p.Rules
		}
	}
	n := 0
	for _, d := range en.Domains {
		for _, p := range d.Mailbox {
			want, ok := german[d.Domain+" "+p.Provider]
			if !ok {
				continue
			}
			if len(want) != len(p.Rules) {
				t.Fatalf("%s %s: %d rules in English, %d in German", d.Domain, p.Provider, len(p.Rules), len(want))
			}
			for i, r := range p.Rules {
				if r.Code == "" {
					t.Errorf("%s %s: rule %d has no code in the JSON", d.Domain, p.Provider, i)
				}
				got := r.In(language.German)
				if got.Sentence != want[i].Sentence || got.Fix != want[i].Fix {
					t.Errorf("%s %s rule %d: reworded %q / %q, domaincheck -lang de wrote %q / %q", d.Domain, p.Provider, i, got.Sentence, got.Fix, want[i].Sentence, want[i].Fix)
				}
				n++
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d rules compared", n)
	}
}
