package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/examples/internal/demo"
)

func TestBuild(t *testing.T) {
	var out bytes.Buffer
	if err := runBuild(&out, dmarc.Settings{Policy: dmarc.PolicyReject, Reports: []string{"d@x.example"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "v=DMARC1; p=reject; rua=mailto:d@x.example\n") {
		t.Errorf("output %q", out.String())
	}
	if strings.Contains(out.String(), "dmarc-external-rua") {
		t.Errorf("the vendor authorizes reports with a wildcard, yet:\n%s", out.String())
	}
}

func TestCheckDemo(t *testing.T) {
	var out bytes.Buffer
	rec := dmarc.Settings{Policy: dmarc.PolicyQuarantine, Reports: []string{"dmarc@vendor.example"}}
	if err := runCheck(&out, demo.Zone(), dmarc.RFC9989, []string{"customer.example", "ready.example", "new.example"}, rec, []string{"default"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"To:     v=DMARC1; p=quarantine; rua=mailto:postmaster@customer.example,mailto:dmarc@vendor.example",
		"== new.example (RFC 9989)",
		"Value:  v=DMARC1; p=quarantine; rua=mailto:dmarc@vendor.example",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
