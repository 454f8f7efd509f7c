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
