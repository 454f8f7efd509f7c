package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/examples/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
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

func TestCheckGolden(t *testing.T) {
	var all bytes.Buffer
	for _, domain := range []string{"spaced.example", "ready.example", "customer.example"} {
		err := runCheck(&all, demo.Zone(), domain, "default", "vendor.example", domain != "spaced.example")
		if (err == nil) != (domain == "ready.example") {
			t.Errorf("%s: err = %v", domain, err)
		}
		all.WriteString("\n")
	}
	golden.Check(t, "check.txt", all.String())
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
	} {
		var stdout, stderr bytes.Buffer
		got := realMain(tc.args, &stdout, &stderr)
		if got != tc.status || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("dkimkey %v: status %d, stderr %q; want %d, %q", tc.args, got, stderr.String(), tc.status, tc.stderr)
		}
		if tc.status == 2 && strings.Contains(stdout.String(), "PRIVATE KEY") {
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
