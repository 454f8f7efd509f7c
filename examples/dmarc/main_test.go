package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/examples/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
)

func TestBuild(t *testing.T) {
	var out bytes.Buffer
	if err := runBuild(&out, dmarc.Settings{Policy: dmarc.PolicyReject, Reports: []string{"d@x.example"}}); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "build.txt", out.String())
}

func TestCheckGolden(t *testing.T) {
	var out bytes.Buffer
	c := check{rules: dmarc.RFC9989, rec: dmarc.Settings{Policy: dmarc.PolicyQuarantine, Reports: []string{"dmarc@vendor.example"}}, selectors: []string{"default"}}
	domains := []string{"customer.example", "ready.example", "new.example", "spaces.example", "misplaced.example"}
	if err := c.run(&out, demo.Zone(), domains); err != errChanges {
		t.Fatalf("err = %v, want changes needed", err)
	}
	golden.Check(t, "check.txt", out.String())
}

func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"-build", "-p", "reject"}, 0, ""},
		{[]string{"-build", "-p", "strict"}, 2, "strict"},
		{[]string{"customer.example"}, 1, ""},
		{[]string{"-recommend", "none", "-rua", "dmarc@ready.example", "ready.example"}, 0, ""},
		{[]string{"-rules", "rfc1234", "customer.example"}, 2, "-rules"},
		{[]string{"customer.example", "-rules", "rfc7489"}, 2, "put flags first"},
		{[]string{"-selectors", "bad_one", "customer.example"}, 2, "-selectors"},
		{[]string{"https://customer.example/"}, 2, `did you mean "customer.example"`},
	} {
		var stdout, stderr bytes.Buffer
		if got := realMain(tc.args, &stdout, &stderr); got != tc.status || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("dmarc %v: status %d, stderr %q; want %d, %q\n%s", tc.args, got, stderr.String(), tc.status, tc.stderr, stdout.String())
		}
	}
}
