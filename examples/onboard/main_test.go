package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/examples/internal/demo"
)

func TestOnboardDemo(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, demo.Zone(), "text", []string{"customer.example", "ready.example", "twice.example", "new.example"}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{
		"[MISSING] the SPF record of customer.example authorizes include:spf.vendor.example",
		"[ok     ] default._domainkey.ready.example publishes a CNAME to default._domainkey.vendor.example",
		"[MISSING] _dmarc.customer.example publishes p=quarantine or stricter, with aggregate reports to dmarc@vendor.example",
		"To:     v=DMARC1; p=reject; rua=mailto:dmarc@ready.example,mailto:dmarc@vendor.example",
		"2. Remove this TXT record:\n     Name:   twice.example", // the second SPF record is merged away
		"1. Add a TXT record:\n     Name:   new.example\n     Type:   TXT\n     Value:  v=spf1 include:spf.vendor.example -all",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	out.Reset()
	if err := run(&out, demo.Zone(), "json", []string{"ready.example"}); err != nil {
		t.Fatal(err)
	}
	var res []struct {
		Domain  string
		Reports []struct{ Satisfied bool }
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || len(res) != 1 || len(res[0].Reports) != 3 || !res[0].Reports[0].Satisfied {
		t.Errorf("JSON: %v\n%s", err, out.String())
	}
	if err := run(&out, demo.Zone(), "xml", []string{"ready.example"}); err == nil {
		t.Error("an unknown format was accepted")
	}
}
