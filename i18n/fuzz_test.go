package i18n_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/i18n"
)

// hostile are parameter values a DNS name, a record or a user can carry.
var hostile = []string{
	"%s%d%!", "{{.domain}}", "{{", "}}", "{{template \"x\"}}", "<script>alert(1)</script>",
	"a.example.\x00", "ü.example", "\"quoted\"", "100%", "$(rm -rf /)", "", "7", "1", "-1", "1e9",
}

// FuzzRender: whatever the values, every message of every language renders
// without an error and without a panic, inserts each value it shows
// verbatim, and leaves no placeholder: once the values are taken out, no
// "{{", "}}", "<no value>" or "%!" remains.
func FuzzRender(f *testing.F) {
	for _, h := range hostile {
		f.Add(h, "3")
	}
	c := catalog(f)
	type msg struct {
		lang   int
		id     string
		fields []string
	}
	var msgs []msg
	langs := i18n.Languages()
	for li, lang := range langs {
		for _, id := range c.IDs(lang) {
			msgs = append(msgs, msg{li, id, c.Fields(lang, id)})
		}
	}
	f.Fuzz(func(t *testing.T, value, count string) {
		for _, m := range msgs {
			params := i18n.Params{}
			for i, name := range m.fields {
				if i%2 == 0 {
					params[name] = value
				} else {
					params[name] = count
				}
			}
			out, err := c.Render(langs[m.lang], m.id, params)
			if err != nil {
				t.Fatalf("%s %s with %q: %v", langs[m.lang], m.id, value, err)
			}
			rest := out
			for _, v := range []string{value, count} {
				if v != "" {
					// as q quotes it, then as it is
					rest = strings.ReplaceAll(rest, strconv.Quote(v), "")
					rest = strings.ReplaceAll(rest, v, "")
				}
			}
			for _, bad := range []string{"{{", "}}", "<no value>", "%!"} {
				if strings.Contains(rest, bad) {
					t.Fatalf("%s %s with %q: %q is left in %q", langs[m.lang], m.id, value, bad, out)
				}
			}
		}
	})
}

// TestMissingParamsRenderEmpty: a message rendered without its parameters
// still renders, with nothing where a value was (never "<no value>").
func TestMissingParamsRenderEmpty(t *testing.T) {
	c := catalog(t)
	for _, lang := range i18n.Languages() {
		for _, id := range c.IDs(lang) {
			out, err := c.Render(lang, id, nil)
			if err != nil || strings.Contains(out, "<no value>") || strings.Contains(out, "{{") {
				t.Errorf("%s %s without params: %q, %v", lang, id, out, err)
			}
		}
	}
}

func TestUnknownMessage(t *testing.T) {
	c := catalog(t)
	if _, err := c.Render(i18n.English, "no-such-code.message", nil); err == nil {
		t.Error("an unknown id rendered")
	}
	if c.Text(i18n.English, "no-such-code.message", nil) != "" {
		t.Error("Text of an unknown id is not empty")
	}
}
