package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
)

func TestPreview(t *testing.T) {
	var out bytes.Buffer
	inputs := []string{"Jane Doe <jane@customer.example>", "info@new.example", "info@ready.example", `"ceo@customer.example" <x@evil.example>`}
	if err := run(&out, demo.PolicyJSON(), nil, "Sales", inputs, "text"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`From:     "Jane Doe" <jane@customer.example>`,
		"From:     \"Sales Team\" <sales@vendor.example>\nReply-To: <info@new.example>",
		"From:     <info@ready.example>",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "From:     \"ceo") {
		t.Errorf("the hostile display name got through:\n%s", out.String())
	}
	out.Reset()
	// With DNS verification, a domain that is not listed but delegates to the
	// vendor (the demo's ready.example is listed; spaced.example authorizes
	// the vendor in SPF only) is allowed.
	if err := run(&out, demo.PolicyJSON(), demo.Zone(), "", []string{"info@spaced.example"}, "text"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "From:     <info@spaced.example>") || !strings.Contains(out.String(), "SPF passed") {
		t.Errorf("DNS mode:\n%s", out.String())
	}
}

// -format json: the same previews as one JSON document, compared whole.
func TestPreviewJSON(t *testing.T) {
	var out bytes.Buffer
	inputs := []string{"Jane Doe <jane@customer.example>", "info@new.example", `"ceo@customer.example" <x@evil.example>`, "info@spaced.example"}
	if err := run(&out, demo.PolicyJSON(), demo.Zone(), "Sales", inputs, "json"); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "previews.json", out.String())
}

func TestFormatFlag(t *testing.T) {
	var out, errs bytes.Buffer
	if got := realMain([]string{"-format", "xml"}, &out, &errs); got != demo.ExitUsage || !strings.Contains(errs.String(), "-format") {
		t.Errorf("-format xml: exit %d, %q", got, errs.String())
	}
}
