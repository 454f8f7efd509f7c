package findingtest

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/plan"
)

// CheckEnglish reports every finding whose Message or Fix differs from
// what the message catalogue's English renders from its code and
// parameters: the catalogue is the one source of the English, and a
// program that renders a finding itself (in any language) must get the
// sentences the producer wrote.
func CheckEnglish(t testing.TB, fs []plan.Finding) {
	t.Helper()
	c := i18n.Default()
	dump(fs)
	for _, f := range fs {
		if _, ok := Incomplete[f.Code]; ok {
			continue
		}
		for _, part := range []struct{ key, want string }{{"message", f.Message}, {"fix", f.Fix}} {
			if part.want == "" && len(c.Variants(string(f.Code), part.key)) == 0 {
				continue
			}
			id := c.Choose(string(f.Code), part.key, f.Params, part.want)
			if id == "" {
				t.Errorf("%s.%s: no message of the catalogue gives the producer's %q (params %v)", f.Code, part.key, part.want, f.Params)
				continue
			}
			got, err := c.Render(i18n.English, id, f.Params)
			if err != nil {
				t.Errorf("%s: %v", id, err)
				continue
			}
			if got != part.want {
				t.Errorf("%s: the catalogue renders\n\t%q\nthe producer wrote\n\t%q\nparams %v", id, got, part.want, f.Params)
			}
		}
	}
}

// Incomplete are the codes whose producer's sentence holds more than the
// finding's parameters carry, so that the catalogue words them from the
// parameters alone in a shorter form: each says what is missing. They are
// the vendor check's (package sender), to be given the parameter when it
// renders through the catalogue.
var Incomplete = map[plan.Code]string{
	"spf-vendor-fails":        "the check_host() explanation of a permerror (the parse error or the limit reached)",
	"spf-vendor-passes":       "the term that matched and the record it is in",
	"sending-spf":             "the vendor's record text and the check_host() explanation",
	"sending-helo-spf":        "the check_host() explanation",
	"dmarc-below-minimum":     "the vendor's name",
	"spf-authorizes-everyone": "the vendor's name",
}

// CheckReasonsEnglish is [CheckEnglish] for the reasons of changes.
func CheckReasonsEnglish(t testing.TB, cs []plan.Change) {
	t.Helper()
	c := i18n.Default()
	for _, ch := range cs {
		for _, r := range ch.Reasons {
			dumpReason(r)
			id := c.Choose(string(r.Code), i18n.PartReason, r.Params, r.Text)
			if id == "" {
				t.Errorf("%s.reason: no message of the catalogue gives the producer's %q (params %v)", r.Code, r.Text, r.Params)
				continue
			}
			got, err := c.Render(i18n.English, id, r.Params)
			if err != nil {
				t.Errorf("%s: %v", id, err)
				continue
			}
			if got != r.Text {
				t.Errorf("%s: the catalogue renders\n\t%q\nthe producer wrote\n\t%q\nparams %v", id, got, r.Text, r.Params)
			}
		}
	}
}

// dump appends the findings to the file $FINDINGTEST_DUMP names, one JSON
// object a line: the material a translator works from.
func dump(fs []plan.Finding) {
	name := os.Getenv("FINDINGTEST_DUMP")
	if name == "" {
		return
	}
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, x := range fs {
		_ = enc.Encode(map[string]any{"code": x.Code, "params": x.Params, "message": x.Message, "fix": x.Fix})
	}
}

func dumpReason(r plan.Reason) {
	name := os.Getenv("FINDINGTEST_DUMP")
	if name == "" {
		return
	}
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	_ = json.NewEncoder(f).Encode(map[string]any{"code": r.Code, "params": r.Params, "reason": r.Text})
}
