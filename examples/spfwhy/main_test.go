package main

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
)

func TestWhy(t *testing.T) {
	ip := netip.MustParseAddr("5.255.64.53")
	for sender, want := range map[string]string{
		"info@customer.example": "SPF result: fail\n\ncustomer.example has declared that 5.255.64.53 may not send mail for it",
		"info@ready.example":    "SPF result: pass\n\nready.example has authorized 5.255.64.53 to send mail for it",
		"new.example":           "SPF result: none\n\nnew.example has not published an SPF policy",
		"dash.example":          "SPF result: permerror",
	} {
		var out bytes.Buffer
		run(&out, demo.Zone(), ip, sender, "smtp1.vendor.example", true, "text")
		if !strings.HasPrefix(out.String(), want) || !strings.Contains(out.String(), "Received-SPF: ") {
			t.Errorf("%s:\n%s", sender, out.String())
		}
	}
}

// The JSON rendering of each result, compared whole: one document per
// check, no null.
func TestJSONGolden(t *testing.T) {
	ip := netip.MustParseAddr("5.255.64.53")
	var all bytes.Buffer
	for _, sender := range []string{"info@customer.example", "info@ready.example", "new.example", "dash.example"} {
		var out bytes.Buffer
		status := run(&out, demo.Zone(), ip, sender, "smtp1.vendor.example", true, "json")
		var doc output
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.Status != status || len(doc.Steps) == 0 || strings.Contains(out.String(), "null") {
			t.Errorf("%s: %v\n%s", sender, err, out.String())
		}
		all.Write(out.Bytes())
	}
	golden.Check(t, "why.json", all.String())
}

func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		status int
		stdout string
		stderr string
	}{
		{[]string{"info@ready.example"}, 0, "SPF result: pass", ""},
		{[]string{"-format", "json", "info@ready.example"}, 0, `"status": "pass"`, ""},
		{[]string{"info@customer.example"}, 1, "", ""},
		{[]string{"-format", "json", "info@customer.example"}, 1, `"status": "fail"`, ""},
		{[]string{"-format", "xml", "info@customer.example"}, 2, "", `-format "xml"`},
		{[]string{"-ip", "5.255.64.999", "ready.example"}, 2, "", "-ip"},
		{[]string{"ready.example", "-ip", "192.0.2.1"}, 2, "", "put flags first"},
		{[]string{"a.example", "b.example"}, 2, "", "one sender"},
		{[]string{"info@192.0.2.1"}, 2, "", "IP address"},
		{[]string{"-h"}, 0, "-format", ""},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := realMain(tc.args, &stdout, &stderr); got != tc.status || !strings.Contains(stdout.String(), tc.stdout) || !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("spfwhy %v: status %d, stderr %q; want %d, %q", tc.args, got, stderr.String(), tc.status, tc.stderr)
			}
			if strings.Contains(stderr.String(), "dnsrec: ") {
				t.Errorf("stderr names a package: %q", stderr.String())
			}
		})
	}
}
