package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/examples/internal/demo"
)

func TestGenerate(t *testing.T) {
	var out bytes.Buffer
	if err := runGenerate(&out, "customer.example", "s1", dkim.KeyEd25519, 0, "", "vendor.example"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"-----BEGIN PRIVATE KEY-----", "s1._domainkey.vendor.example.\t3600\tIN\tTXT\t\"v=DKIM1; k=ed25519; p=", "s1._domainkey.customer.example.\t3600\tIN\tCNAME\ts1._domainkey.vendor.example."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestCheckDemoZone(t *testing.T) {
	for domain, want := range map[string]string{
		"spaced.example":   "dkim-whitespace-in-key",
		"ready.example":    "signatures will verify.",
		"customer.example": "dkim-not-published",
	} {
		var out bytes.Buffer
		if err := runCheck(&out, demo.Zone(), domain, "default", "vendor.example", domain == "ready.example"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("%s: output lacks %q:\n%s", domain, want, out.String())
		}
	}
}
