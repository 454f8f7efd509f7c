package received

import (
	"strings"
	"testing"
)

func TestFields(t *testing.T) {
	for _, tc := range []struct {
		v           string
		by, from    string
		fromOutside bool
	}{
		{"from smtp1.vendor.example (smtp1.vendor.example. [198.51.100.7]) by MX.Google.com. with ESMTPS id x1", "mx.google.com", "smtp1.vendor.example", true},
		{"from app.vendor.example (app.vendor.example [10.0.0.5]) by smtp1.vendor.example with ESMTP", "smtp1.vendor.example", "app.vendor.example", false},
		{"from [IPv6:fd00::1] by mx.example.com", "mx.example.com", "[ipv6:fd00::1]", false},
		{"from [IPv6:2a00:1450::1] by mx.example.com", "mx.example.com", "[ipv6:2a00:1450::1]", true},
		{"from relay.example.net by mx.example.com with ESMTP", "mx.example.com", "relay.example.net", true},
		{"from a.mx.example.com by b.mx.example.com with ESMTP", "b.mx.example.com", "a.mx.example.com", false},
		{"from localhost by mx.example.com", "mx.example.com", "localhost", false},
		{"by 2002:a05:6a10:9e8c::1 with SMTP id z12", "2002", "", false}, // an address is no name: only its first group is read,
		{"", "", "", false},
		{"from " + strings.Repeat("x", 5000) + " by mx.example.com", "", "", false},
	} {
		if got := By(tc.v); got != tc.by {
			t.Errorf("By(%.40q) = %q, want %q", tc.v, got, tc.by)
		}
		if got := FromName(tc.v); got != tc.from {
			t.Errorf("FromName(%.40q) = %q, want %q", tc.v, got, tc.from)
		}
		if got := FromOutside(tc.v); got != tc.fromOutside {
			t.Errorf("FromOutside(%.40q) = %v, want %v", tc.v, got, tc.fromOutside)
		}
	}
}

func TestNames(t *testing.T) {
	for name, want := range map[string]bool{
		"mx.example.com": true, "localhost": false, "mail.local": false, "host.home.arpa": false,
		"192.0.2.1": false, "2001:db8::1": false, "example": false,
	} {
		if got := PublicName(name); got != want {
			t.Errorf("PublicName(%q) = %v, want %v", name, got, want)
		}
	}
	if got := Parent("a.b.example"); got != "b.example" {
		t.Errorf("Parent = %q", got)
	}
	if got := Parent("b.example"); got != "" {
		t.Errorf("Parent of two labels = %q", got)
	}
	for name, want := range map[string]bool{
		"bn2pepf000044a5.mail.protection.outlook.com": true, "outlook.office365.com": true,
		"notoutlook.com": false, "outlook.com.example": false,
	} {
		if got := MicrosoftHost(name); got != want {
			t.Errorf("MicrosoftHost(%q) = %v, want %v", name, got, want)
		}
	}
}

// Whatever a field holds, the readers answer from the field's own words:
// the "by" and "from" names are words of the field, lower-cased.
func FuzzFields(f *testing.F) {
	f.Add("from smtp1.vendor.example (5.255.64.53) by BN2PEPF000044A5.mail.protection.outlook.com with Microsoft SMTP Server")
	f.Add("by localhost with LMTP")
	f.Add("from [IPv6:::ffff:10.0.0.1] by x.example")
	f.Fuzz(func(t *testing.T, v string) {
		low := strings.ToLower(clip(v))
		if by := By(v); by != "" && !strings.Contains(low, by) {
			t.Errorf("By gave %q, not in the field", by)
		}
		if from := FromName(v); from != "" && !strings.Contains(low, from) {
			t.Errorf("FromName gave %q, not in the field", from)
		}
		if FromOutside(v) {
			if _, ok := From(v); !ok {
				t.Error("from outside without a from part")
			}
		}
	})
}
