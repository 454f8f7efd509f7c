package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
)

func TestBuild(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		var out bytes.Buffer
		if err := runBuild(&out, dmarc.Settings{Policy: dmarc.PolicyReject, Reports: []string{"d@x.example"}}, format); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, "build."+map[string]string{"text": "txt", "json": "json"}[format], out.String())
	}
}

func TestCheckGolden(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		var out bytes.Buffer
		c := check{rules: dmarc.RFC9989, rec: dmarc.Settings{Policy: dmarc.PolicyQuarantine, Reports: []string{"dmarc@vendor.example"}}, selectors: []string{"default"}, format: format}
		domains := []string{"customer.example", "ready.example", "new.example", "spaces.example", "misplaced.example"}
		if err := c.run(&out, demo.Zone(), domains); err != errChanges {
			t.Fatalf("err = %v, want changes needed", err)
		}
		if format == "json" {
			var doc struct {
				Domains []domainResult `json:"domains"`
			}
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil || len(doc.Domains) != len(domains) || strings.Contains(out.String(), "null") {
				t.Errorf("not one JSON document of %d domains without null: %v", len(domains), err)
			}
		}
		golden.Check(t, "check."+map[string]string{"text": "txt", "json": "json"}[format], out.String())
	}
}

// Each case with its exit status (0 nothing to change, 1 changes needed, 2
// usage or DNS failure), and errors in one sentence that name the value
// given, without the package's name twice.
func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		status int
		stdout string
		stderr string
	}{
		{[]string{"-build", "-p", "reject"}, 0, "v=DMARC1; p=reject", ""},
		{[]string{"-build", "-p", "reject", "-format", "json"}, 0, `"record": "v=DMARC1; p=reject"`, ""},
		{[]string{"-build", "-p", "strict"}, 2, "", `dmarc: invalid settings: policy "strict"`},
		{[]string{"customer.example"}, 1, "", ""},
		{[]string{"-format", "json", "customer.example"}, 1, `"domain": "customer.example"`, ""},
		{[]string{"-format", "yaml", "customer.example"}, 2, "", `-format "yaml"`},
		{[]string{"-recommend", "none", "-rua", "dmarc@ready.example", "ready.example"}, 0, "", ""},
		{[]string{"-rules", "rfc1234", "customer.example"}, 2, "", `-rules "rfc1234": use rfc9989 or rfc7489`},
		{[]string{"-rules", "bogus", "customer.example"}, 2, "", `-rules "bogus"`},
		{[]string{"-recommend", "bogus", "customer.example"}, 2, "", `-recommend or -rua: invalid settings: policy "bogus"`},
		{[]string{"customer.example", "-rules", "rfc7489"}, 2, "", "put flags first"},
		{[]string{"-selectors", "bad_one", "customer.example"}, 2, "", "-selectors"},
		{[]string{"https://customer.example/"}, 2, "", `did you mean "customer.example"`},
		{[]string{"-h"}, 0, "-rules", ""},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			got := realMain(tc.args, &stdout, &stderr)
			if got != tc.status || !strings.Contains(stdout.String(), tc.stdout) || !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("dmarc %v: status %d, stderr %q; want %d, %q\n%s", tc.args, got, stderr.String(), tc.status, tc.stderr, stdout.String())
			}
			if strings.Contains(stderr.String(), "dmarc: dmarc:") || strings.Contains(stderr.String(), "RFC 9989") {
				t.Errorf("stderr stutters or names another value: %q", stderr.String())
			}
		})
	}
}
