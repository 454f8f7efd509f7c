package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
)

var domains = []string{"customer.example", "klant.example", "twice.example", "dash.example", "ready.example", "new.example", "full.example", "loop.example", "hosted.example"}

func TestGolden(t *testing.T) {
	for _, format := range []string{"text", "zone", "nsupdate", "json"} {
		var out bytes.Buffer
		if err := run(&out, demo.Zone(), "include:spf.vendor.example", format, domains); err != errChanges {
			t.Fatalf("-format %s: err = %v, want changes needed", format, err)
		}
		if format == "json" && strings.Contains(out.String(), "null") {
			t.Errorf("the JSON holds a null")
		}
		golden.Check(t, "demo."+format, out.String())
	}
}

func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"ready.example"}, 0, ""},
		{[]string{"-format", "json", "ready.example"}, 0, ""},
		{[]string{"-h"}, 0, ""},
		{[]string{"customer.example"}, 1, ""},
		{[]string{"full.example"}, 1, ""}, // no safe change: still not ready
		{[]string{"-format", "yaml", "customer.example"}, 2, `-format "yaml"`},
		{[]string{"-term", "-all"}, 2, "-term"},
		{[]string{"customer.example", "-term", "mx"}, 2, "put flags first"},
		{[]string{"customer"}, 2, "single label"},
	} {
		var stdout, stderr bytes.Buffer
		if got := realMain(tc.args, &stdout, &stderr); got != tc.status || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("authorize %v: status %d, stderr %q; want %d, %q", tc.args, got, stderr.String(), tc.status, tc.stderr)
		}
		if strings.Contains(stdout.String(), "null") || tc.args[0] == "-h" && !strings.Contains(stdout.String(), "usage: authorize") {
			t.Errorf("authorize %v printed:\n%s", tc.args, stdout.String())
		}
		if strings.Contains(stderr.String(), "dnsrec: ") || strings.Contains(stderr.String(), "spf: ") {
			t.Errorf("authorize %v: stderr names a package: %q", tc.args, stderr.String())
		}
	}
}
