package main

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/examples/internal/demo"
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
		run(&out, demo.Zone(), ip, sender, "smtp1.vendor.example", true)
		if !strings.HasPrefix(out.String(), want) || !strings.Contains(out.String(), "Received-SPF: ") {
			t.Errorf("%s:\n%s", sender, out.String())
		}
	}
}

func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"info@ready.example"}, 0, ""},
		{[]string{"info@customer.example"}, 1, ""},
		{[]string{"-ip", "5.255.64.999", "ready.example"}, 2, "-ip"},
		{[]string{"ready.example", "-ip", "192.0.2.1"}, 2, "put flags first"},
		{[]string{"a.example", "b.example"}, 2, "one sender"},
		{[]string{"info@192.0.2.1"}, 2, "IP address"},
	} {
		var stdout, stderr bytes.Buffer
		if got := realMain(tc.args, &stdout, &stderr); got != tc.status || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("spfwhy %v: status %d, stderr %q; want %d, %q", tc.args, got, stderr.String(), tc.status, tc.stderr)
		}
	}
}
