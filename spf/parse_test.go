package spf_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/spf"
)

func TestParseString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"v=spf1", "v=spf1"},
		{"v=spf1 -all", "v=spf1 -all"},
		{"V=SPF1 INCLUDE:spf.protection.outlook.com  -ALL ", "v=spf1 include:spf.protection.outlook.com -all"},
		{"v=spf1 a mx a:host05.ayra.ch -all", "v=spf1 a mx a:host05.ayra.ch -all"},
		{"v=spf1 +a/24 ~mx:example.com//64 ?a:x.example/0//0", "v=spf1 +a/24 ~mx:example.com//64 ?a:x.example/0//0"},
		{"v=spf1 ip4:46.140.111.80/28 ip4:192.0.2.1 ip6:2001:DB8::/32 -all", "v=spf1 ip4:46.140.111.80/28 ip4:192.0.2.1 ip6:2001:db8::/32 -all"},
		{"v=spf1 ip6:::ffff:192.0.2.1", "v=spf1 ip6:::ffff:192.0.2.1"},
		{"v=spf1 ptr ptr:example.org exists:%{ir}.%{l1r+-}._spf.%{d}", "v=spf1 ptr ptr:example.org exists:%{ir}.%{l1r+-}._spf.%{d}"},
		{"v=spf1 include:_spf.example.com redirect=_spf.example.net exp=explain._spf.%{d}", "v=spf1 include:_spf.example.com redirect=_spf.example.net exp=explain._spf.%{d}"},
		{"v=spf1 Redirect=_spf.example.net", "v=spf1 redirect=_spf.example.net"},
		{"v=spf1 default=deny moo.cow-far_out=man:dog/cat", "v=spf1 default=deny moo.cow-far_out=man:dog/cat"},
		{"v=spf1 a:example.com. -all", "v=spf1 a:example.com. -all"},
		{"v=spf1 a:%{H} -all", "v=spf1 a:%{H} -all"},
		{"v=spf1 a:foo-bar.com-1 -all", "v=spf1 a:foo-bar.com-1 -all"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			r, err := spf.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
			if r.Text() != tc.in {
				t.Errorf("Text() = %q, want the input", r.Text())
			}
			back, err := spf.Parse(r.String())
			if err != nil {
				t.Fatalf("Parse(String()): %v", err)
			}
			if !back.Equal(r) {
				t.Errorf("Parse(String()) = %#v, want %#v", back.Terms, r.Terms)
			}
			b, _ := r.MarshalText()
			var fromText spf.Record
			if err := fromText.UnmarshalText(b); err != nil || !fromText.Equal(r) {
				t.Errorf("text round trip: %v", err)
			}
		})
	}
}

func TestParseTerms(t *testing.T) {
	r := spf.MustParse("v=spf1 -mx:example.com/24//64 ip4:192.0.2.1/24 include:x.example exp=e.%{d}")
	mx := r.Terms[0]
	if mx.Qualifier != spf.QualifierFail || mx.Mechanism != spf.MechMX || mx.Domain != "example.com" || mx.CIDR4 != 24 || mx.CIDR6 != 64 {
		t.Errorf("mx term = %+v", mx)
	}
	if ip := r.Terms[1]; ip.Net.String() != "192.0.2.1/24" || ip.CIDR4 != 24 || ip.Qualifier.Status() != spf.StatusPass {
		t.Errorf("ip4 term = %+v", ip)
	}
	if exp, i := r.Modifier("EXP"); i != 3 || exp.Domain != "e.%{d}" {
		t.Errorf("Modifier(exp) = %+v, %d", exp, i)
	}
	if r.All() != -1 {
		t.Errorf("All() = %d", r.All())
	}
	if r.Offset(2) != strings.Index(r.Text(), "include") {
		t.Errorf("Offset(2) = %d", r.Offset(2))
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		kind       error
		offset     int
		reason     string // substring of the error
		hint       string // substring of the hint
		suggestion string
	}{
		{"verification token", "google-site-verification=abc", spf.ErrNotSPF, 0, "does not start", "", ""},
		{"version 10", "v=spf10", spf.ErrNotSPF, 6, "not followed by a space", "", ""},
		{"sender id", "spf2.0/pra include:x.example -all", spf.ErrNotSPF, 0, "", "Sender ID", ""},
		{"quoted", `"v=spf1 include:spf.vendor.example -all"`, spf.ErrNotSPF, 0, "", "quotes are part of the published value", "v=spf1 include:spf.vendor.example -all"},
		{"curly quotes", "“v=spf1 -all”", spf.ErrNotSPF, 0, "", "quotes", "v=spf1 -all"},
		{"nbsp after version", "v=spf1\u00a0mx -all", spf.ErrNotSPF, 6, "", "non-breaking space", "v=spf1 mx -all"},
		{"leading space", " v=spf1 -all", spf.ErrNotSPF, 0, "", "remove the space", "v=spf1 -all"},
		{"missing v=", "spf1 include:x.example -all", spf.ErrNotSPF, 0, "", `must start with "v=spf1"`, "v=spf1 include:x.example -all"},
		// seed 003's own text types "–all" with an en dash.
		{"en dash", "v=spf1 include:spf.protection.outlook.com –all", spf.ErrSyntax, 42, `unknown mechanism "–all"`, "en dash (U+2013) at offset 42", "v=spf1 include:spf.protection.outlook.com -all"},
		{"nbsp between terms", "v=spf1 mx\u00a0-all", spf.ErrSyntax, 7, "", "non-breaking space", "v=spf1 mx -all"},
		{"split across lines", "v=spf1 include:a.example\n-all", spf.ErrSyntax, 24, "", "split across lines at offset 24", "v=spf1 include:a.example -all"},
		{"misspelt include", "v=spf1 inclde:x.example -all", spf.ErrSyntax, 7, `unknown mechanism "inclde"`, `did you mean "include"`, "v=spf1 include:x.example -all"},
		{"modifier with colon", "v=spf1 redirect:x.example", spf.ErrSyntax, 7, "unknown mechanism", `written with "="`, ""},
		{"include without domain", "v=spf1 include -all", spf.ErrSyntax, 14, "needs a domain", "", ""},
		{"all with domain", "v=spf1 all:x.example", spf.ErrSyntax, 10, "takes no domain", "", ""},
		{"ip4 prefix too long", "v=spf1 ip4:192.0.2.0/33", spf.ErrSyntax, 20, "from 0 to 32", "", ""},
		{"ip4 leading zero prefix", "v=spf1 ip4:192.0.2.0/024", spf.ErrSyntax, 20, "", "", ""},
		{"ip4 with v6", "v=spf1 ip4:2001:db8::1", spf.ErrSyntax, 11, "not an IPv4 address", "", ""},
		{"ip6 with v4", "v=spf1 ip6:192.0.2.1", spf.ErrSyntax, 11, "not an IPv6 address", "", ""},
		{"ip6 zone", "v=spf1 ip6:fe80::1%eth0", spf.ErrSyntax, 11, "not an IP address", "", ""},
		{"a prefix too long", "v=spf1 a/33", spf.ErrSyntax, 8, "from 0 to 32", "", ""},
		{"a v6 prefix too long", "v=spf1 a//129", spf.ErrSyntax, 8, "from 0 to 128", "", ""},
		{"numeric top label", "v=spf1 a:192.0.2.1", spf.ErrSyntax, 17, "top-level label", "", ""},
		{"single label", "v=spf1 a:museum", spf.ErrSyntax, 9, "not a fully qualified", "", ""},
		{"bad macro letter", "v=spf1 exists:%{x}.example.com", spf.ErrSyntax, 14, "unknown macro letter", "", ""},
		{"explanation-only macro", "v=spf1 exists:%{c}.example.com", spf.ErrSyntax, 14, "only allowed in explanations", "", ""},
		{"zero transformer", "v=spf1 exists:%{d0}.example.com", spf.ErrSyntax, 14, "1 or more", "", ""},
		{"lone percent", "v=spf1 exists:100%.example.com", spf.ErrSyntax, 17, "not a macro", "", ""},
		{"empty exp", "v=spf1 exp= -all", spf.ErrSyntax, 11, "needs a domain", "", ""},
		{"two redirects", "v=spf1 redirect=a.example redirect=b.example", spf.ErrSyntax, 26, "appears twice", "", ""},
		{"qualified modifier", "v=spf1 -redirect=a.example", spf.ErrSyntax, 8, "unknown mechanism", "", ""},
		{"bare qualifier", "v=spf1 - all", spf.ErrSyntax, 8, "qualifier must be followed", "", ""},
		{"unknown modifier bad macro", "v=spf1 foo=%{q}", spf.ErrSyntax, 11, "unknown macro letter", "", ""},
		{"non-ascii", "v=spf1 a:bücher.example -all", spf.ErrSyntax, 10, "", "non-ASCII", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := spf.Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want an error", tc.in, r)
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("err = %v, want %v", err, tc.kind)
			}
			other := spf.ErrSyntax
			if tc.kind == spf.ErrSyntax {
				other = spf.ErrNotSPF
			}
			if errors.Is(err, other) {
				t.Errorf("err is both ErrNotSPF and ErrSyntax")
			}
			var pe *spf.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err is %T, want *spf.ParseError", err)
			}
			if pe.Offset != tc.offset {
				t.Errorf("Offset = %d, want %d (%v)", pe.Offset, tc.offset, err)
			}
			if !strings.Contains(pe.Reason, tc.reason) {
				t.Errorf("Reason = %q, want it to contain %q", pe.Reason, tc.reason)
			}
			if !strings.Contains(pe.Hint, tc.hint) || (tc.hint == "" && pe.Hint != "" && tc.kind == spf.ErrNotSPF) {
				t.Errorf("Hint = %q, want it to contain %q", pe.Hint, tc.hint)
			}
			if pe.Suggestion != tc.suggestion {
				t.Errorf("Suggestion = %q, want %q", pe.Suggestion, tc.suggestion)
			}
			if !strings.Contains(err.Error(), "(at offset ") || !strings.HasPrefix(err.Error(), "spf: parse ") {
				t.Errorf("Error() = %q lacks the offset or the prefix", err)
			}
		})
	}
}

func TestIsSPF(t *testing.T) {
	for s, want := range map[string]bool{
		"v=spf1": true, "v=spf1 -all": true, "V=SpF1 mx": true,
		"v=spf10": false, "v=spf1\t-all": false, "": false, " v=spf1": false, "v=spf": false,
	} {
		if got := spf.IsSPF(s); got != want {
			t.Errorf("IsSPF(%q) = %v, want %v", s, got, want)
		}
	}
}
