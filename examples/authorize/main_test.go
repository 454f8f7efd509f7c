package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/examples/internal/demo"
)

func TestRunOnDemoZone(t *testing.T) {
	var out bytes.Buffer
	domains := []string{"customer.example", "twice.example", "dash.example", "ready.example", "new.example"}
	if err := run(&out, demo.Zone(), "include:spf.vendor.example", "text", domains); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"To:     v=spf1 include:spf.protection.outlook.example include:spf.vendor.example -all",
		"2. Remove this TXT record:",
		"error spf-lookalike (dash.example",
		"Nothing to do for the TXT record at ready.example.",
		"1. Add a TXT record:\n     Name:   new.example",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := run(&out, demo.Zone(), "include:spf.vendor.example", "json", []string{"customer.example"}); err != nil {
		t.Fatal(err)
	}
	var changes []map[string]any
	if err := json.Unmarshal(out.Bytes(), &changes); err != nil || len(changes) != 1 || changes[0]["action"] != "update" {
		t.Errorf("JSON output %s: %v", out.String(), err)
	}
	if err := run(&out, demo.Zone(), "include:spf.vendor.example", "yaml", []string{"customer.example"}); err == nil {
		t.Error("an unknown format was accepted")
	}
}
