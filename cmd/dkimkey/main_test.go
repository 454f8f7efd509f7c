package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
)

func TestGenerate(t *testing.T) {
	var out bytes.Buffer
	if err := runGenerate(&out, "customer.example", "s1", dkim.KeyEd25519, 0, "", "vendor.example", "text"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"-----BEGIN PRIVATE KEY-----", "s1._domainkey.vendor.example.\t3600\tIN\tTXT\t\"v=DKIM1; k=ed25519; p=", "s1._domainkey.customer.example.\t3600\tIN\tCNAME\ts1._domainkey.vendor.example.",
		"What the customer publishes:\n1. Add a CNAME", "What the vendor publishes in its own zone (not a step for the customer):\n1. Add a TXT"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "2. ") {
		t.Errorf("the vendor's record is numbered among the customer's steps:\n%s", out.String())
	}
	// JSON: one document, the key and each party's records apart.
	out.Reset()
	if err := runGenerate(&out, "customer.example", "s1", dkim.KeyEd25519, 0, "", "vendor.example", "json"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		PrivateKey string `json:"private_key"`
		Customer   []struct {
			Name string `json:"name"`
		} `json:"customer_changes"`
		Vendor []struct {
			Name string `json:"name"`
		} `json:"vendor_changes"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || !strings.Contains(doc.PrivateKey, "PRIVATE KEY") || len(doc.Customer) != 1 || len(doc.Vendor) != 1 || strings.Contains(out.String(), "null") {
		t.Errorf("JSON %v:\n%s", err, out.String())
	}
}

func TestCheckGolden(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		var all bytes.Buffer
		for _, tc := range []struct {
			domain    string
			delegated bool
		}{{"spaced.example", false}, {"ready.example", true}, {"customer.example", true},
			// Delegated by CNAME, checked without -delegated: no advice to
			// delete the CNAME.
			{"ready.example", false}} {
			err := runCheck(&all, demo.Zone(), tc.domain, "default", "vendor.example", tc.delegated, format)
			if (err == nil) != (tc.domain == "ready.example") {
				t.Errorf("%s: err = %v", tc.domain, err)
			}
			all.WriteString("\n")
		}
		if strings.Contains(all.String(), "delete the CNAME") || strings.Contains(all.String(), "null") {
			t.Errorf("%s:\n%s", format, all.String())
		}
		golden.Check(t, "check."+map[string]string{"text": "txt", "json": "json"}[format], all.String())
	}
}

// No mistyped command prints or writes a private key.
func TestArgumentsBeforeKeys(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "key.pem")
	os.WriteFile(existing, []byte("keep me"), 0o600)
	for _, tc := range []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"mydomain.ch", "-out", filepath.Join(dir, "new.pem")}, 2, "put flags first"},
		{[]string{"mydomain.ch"}, 2, "unexpected argument"},
		{[]string{"-domain", "info@mydomain.ch"}, 2, `did you mean "mydomain.ch"`},
		{[]string{"-type", "dsa"}, 2, "-type"},
		{[]string{"-bits", "512"}, 2, "-bits 512"},
		{[]string{"-type", "ed25519", "-bits", "2048"}, 2, "RSA keys only"},
		{[]string{"-selector", "a b"}, 2, "-selector"},
		{[]string{"-out", existing}, 2, "never overwritten"},
		{[]string{"-check", "spaced.example"}, 1, ""},
		{[]string{"-check", "ready.example", "-delegated"}, 0, ""},
		{[]string{"-check", "ready.example"}, 0, ""},
		{[]string{"-check", ""}, 2, "-check needs the domain"},
		{[]string{"-check="}, 2, "-check needs the domain"},
		{[]string{"-format", "yaml"}, 2, `-format "yaml"`},
		{[]string{"-h"}, 0, ""},
		{[]string{"-check", "nonexistent.example", "-vendor", "nokey.example"}, 2, "the vendor publishes no usable key"},
	} {
		var stdout, stderr bytes.Buffer
		got := realMain(tc.args, &stdout, &stderr)
		if got != tc.status || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("dkimkey %v: status %d, stderr %q; want %d, %q", tc.args, got, stderr.String(), tc.status, tc.stderr)
		}
		if tc.status == 2 && strings.Contains(stdout.String(), "PRIVATE KEY") || tc.args[0] == "-h" && !strings.Contains(stdout.String(), "-format") {
			t.Errorf("dkimkey %v printed a private key", tc.args)
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Error("an existing key file was overwritten")
	}
	if _, err := os.Stat(filepath.Join(dir, "new.pem")); err == nil {
		t.Error("a key was written although the arguments were refused")
	}
}
