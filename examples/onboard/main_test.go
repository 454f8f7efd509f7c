package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/examples/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
)

// TestGolden compares every output format for every demo domain with the
// files in testdata/ (go test -update rewrites them).
func TestGolden(t *testing.T) {
	for _, format := range []string{"text", "zone", "nsupdate", "json"} {
		var out bytes.Buffer
		err := run(&out, demo.Zone(), defaultVendor(), format, demoDomains)
		if err != errChanges {
			t.Fatalf("-format %s: err = %v, want changes needed", format, err)
		}
		golden.Check(t, "demo."+format, out.String())
	}
}

func TestJSONIsOneDocument(t *testing.T) {
	var out bytes.Buffer
	run(&out, demo.Zone(), defaultVendor(), "json", []string{"customer.example", "ready.example"})
	var res []struct {
		Domain string
		Ready  bool
		Plan   struct {
			Reports []struct{ Satisfied bool }
			Changes []struct{ Party, Zone, Relative string }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || len(res) != 2 || len(res[0].Plan.Reports) != 3 {
		t.Fatalf("JSON: %v\n%s", err, out.String())
	}
	if c := res[0].Plan.Changes[0]; c.Party != "customer" || c.Zone != "customer.example." || c.Relative != "default._domainkey" {
		t.Errorf("change %+v", c)
	}
}

func TestExitStatus(t *testing.T) {
	ready := defaultVendor()
	ready.policy = "none"
	for _, tc := range []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"customer.example"}, 1, ""},
		{[]string{"-format", "xml", "customer.example"}, 2, `-format "xml"`},
		{[]string{"-policy", "strict"}, 2, `-policy "strict"`},
		{[]string{"-spf", "include:", "customer.example"}, 2, "-spf"},
		{[]string{"customer.example", "-format", "json"}, 2, "put flags first"},
		{[]string{"info@customer.example"}, 2, `did you mean "customer.example"`},
		{[]string{"-nosuchflag"}, 2, "flag provided but not defined"},
	} {
		var stdout, stderr bytes.Buffer
		if got := realMain(tc.args, &stdout, &stderr); got != tc.status || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("onboard %v: status %d, stderr %q; want %d, %q", tc.args, got, stderr.String(), tc.status, tc.stderr)
		}
		if tc.status == 2 && stdout.Len() > 0 {
			t.Errorf("onboard %v: a usage error printed to stdout: %q", tc.args, stdout.String())
		}
	}
}
