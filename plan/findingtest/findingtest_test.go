package findingtest

import (
	"slices"
	"testing"

	"github.com/domainauth/domainauth/plan"
)

func TestUses(t *testing.T) {
	f := plan.Finding{Name: "_dmarc.example.com.", Subject: "rua=", Message: "no reports go to a@x.example and b@y.example", Fix: "add them"}
	for v, want := range map[string]bool{
		"example.com":              true, // in the name
		"rua":                      true, // in the subject
		"a@x.example, b@y.example": true, // a list: each item is there
		"a@x.example, c@z.example": false,
		"c@z.example":              false,
	} {
		if got := Uses(f, v); got != want {
			t.Errorf("Uses(%q) = %v, want %v", v, got, want)
		}
	}
	if p := Problems(plan.Finding{Code: "x", Message: "m"}); len(p) != 1 {
		t.Errorf("a finding without parameters: %v", p)
	}
}

func TestDocumented(t *testing.T) {
	names, err := documented("an ip4: inside an earlier one: term, wider, earlier (the wider term's offset); domain or name")
	if err != nil || !slices.Equal(names, []string{"term", "wider", "earlier", "domain", "name"}) {
		t.Errorf("documented = %v, %v", names, err)
	}
	if _, err := documented("p=none: monitoring only, no protection"); err == nil {
		t.Error("a comment without parameter names was accepted")
	}
}
