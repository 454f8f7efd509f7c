package spf_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

func TestLint(t *testing.T) {
	tests := []struct {
		name    string
		record  string
		code    plan.Code
		sev     plan.Severity
		subject string // "" when the finding is about the whole record
		fix     string // substring
	}{
		{"plus all", "v=spf1 mx +all", spf.CodePlusAll, plan.SeverityError, "+all", "-all"},
		{"bare all", "v=spf1 mx all", spf.CodePlusAll, plan.SeverityError, "all", "-all"},
		{"neutral all", "v=spf1 mx ?all", spf.CodeNeutralAll, plan.SeverityWarning, "?all", "-all"},
		{"softfail all", "v=spf1 mx ~all", spf.CodeSoftFailAll, plan.SeverityInfo, "~all", "-all"},
		// seed 003: the customer's record has no all at all.
		{"no all (seed 003)", "v=spf1 include:spf.protection.outlook.com", spf.CodeNoAll, plan.SeverityWarning, "", "end the record with -all"},
		{"after all", "v=spf1 -all include:spf.vendor.example", spf.CodeAfterAll, plan.SeverityWarning, "include:spf.vendor.example", "move it before -all"},
		{"redirect with all", "v=spf1 -all redirect=_spf.example.com", spf.CodeRedirectIgnored, plan.SeverityWarning, "redirect=_spf.example.com", "remove"},
		{"ptr", "v=spf1 ptr -all", spf.CodePTR, plan.SeverityWarning, "ptr", "ip4:/ip6:"},
		{"duplicate", "v=spf1 include:a.example INCLUDE:A.example -all", spf.CodeDuplicate, plan.SeverityWarning, "INCLUDE:A.example", "remove this copy"},
		{"duplicate with plus", "v=spf1 mx +mx -all", spf.CodeDuplicate, plan.SeverityWarning, "+mx", "remove"},
		{"shadowed ip4", "v=spf1 ip4:192.0.2.0/24 ip4:192.0.2.10 -all", spf.CodeShadowed, plan.SeverityWarning, "ip4:192.0.2.10", "remove it"},
		{"shadowed ip6", "v=spf1 ip6:2001:db8::/32 -ip6:2001:db8:1::/48 -all", spf.CodeShadowed, plan.SeverityWarning, "-ip6:2001:db8:1::/48", "move it"},
		{"host bits", "v=spf1 ip4:192.0.2.1/24 -all", spf.CodeHostBits, plan.SeverityWarning, "ip4:192.0.2.1/24", "ip4:192.0.2.0/24"},
		{"all network", "v=spf1 ip4:0.0.0.0/0 -all", spf.CodeAllNetwork, plan.SeverityError, "ip4:0.0.0.0/0", "sending networks"},
		{"unknown modifier", "v=spf1 mx default=deny -all", spf.CodeUnknownModifier, plan.SeverityWarning, "default=deny", "remove"},
		{"too long", "v=spf1 " + strings.Repeat("ip4:192.0.2.1 ", 35) + "-all", spf.CodeTooLong, plan.SeverityWarning, "", "include:"},
		{"syntax", "v=spf1 ip4:192.0.2.0/33 -all", spf.CodeSyntax, plan.SeverityError, "ip4:192.0.2.0/33", "permerror"},
		{"en dash", "v=spf1 include:spf.protection.outlook.com –all", spf.CodeLookalike, plan.SeverityError, "–all", "publish exactly: v=spf1 include:spf.protection.outlook.com -all"},
		{"line break", "v=spf1 mx\n-all", spf.CodeLookalike, plan.SeverityError, "mx\n-all", "publish exactly: v=spf1 mx -all"},
		{"quoted", `"v=spf1 mx -all"`, spf.CodeQuoted, plan.SeverityError, "", "publish exactly: v=spf1 mx -all"},
		{"nbsp after version", "v=spf1\u00a0mx -all", spf.CodeLookalike, plan.SeverityError, "", "publish exactly: v=spf1 mx -all"},
		{"missing space after version", "v=spf1mx -all", spf.CodeNotSPF, plan.SeverityError, "", "publish exactly: v=spf1 mx -all"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := spf.Lint(tc.record)
			checkParams(t, fs)
			checkParams(t, spf.LintTXT("example.com.", [][]string{dnsrec.SplitTXT(tc.record)}))
			var f *plan.Finding
			for i := range fs {
				if fs[i].Code == tc.code {
					f = &fs[i]
				}
			}
			if f == nil {
				t.Fatalf("no %s finding in %v", tc.code, fs)
			}
			if f.Severity != tc.sev {
				t.Errorf("severity %s, want %s", f.Severity, tc.sev)
			}
			if f.Subject != tc.subject {
				t.Errorf("subject %q, want %q", f.Subject, tc.subject)
			}
			// The offset points into the subject: at its start, or at the
			// offending character of a term that does not parse.
			if at := strings.Index(tc.record, f.Subject); f.Subject != "" && (f.Offset == nil || *f.Offset < at || *f.Offset >= at+len(f.Subject)) {
				t.Errorf("offset %v is not inside %q", f.Offset, f.Subject)
			}
			if !strings.Contains(f.Fix, tc.fix) {
				t.Errorf("fix %q, want it to contain %q", f.Fix, tc.fix)
			}
			if f.Message == "" {
				t.Error("no message")
			}
		})
	}
}

func TestLintClean(t *testing.T) {
	for _, rec := range []string{
		"v=spf1 include:spf.protection.outlook.com include:spf.vendor.example -all",
		"v=spf1 a mx a:host05.ayra.ch -all",
		"v=spf1 redirect=_spf.example.com",
		"google-site-verification=abcdef", // not SPF, and not meant as SPF
	} {
		if fs := spf.Lint(rec); len(fs) != 0 {
			t.Errorf("Lint(%q) = %v, want nothing", rec, fs)
		}
	}
}

func TestLintTXT(t *testing.T) {
	long := strings.Repeat("a", 300)
	fs := spf.LintTXT("example.com.", [][]string{
		{"v=spf1 include:spf.protection.outlook.com -all"},
		{"v=spf1 include:spf.vendor.example -all"},
		{long},
		{"google-site-verification=x"},
	})
	checkParams(t, fs)
	codes := map[plan.Code]int{}
	for _, f := range fs {
		codes[f.Code]++
		if f.Name != "example.com." {
			t.Errorf("finding %s has name %q", f.Code, f.Name)
		}
	}
	if codes[spf.CodeMultiple] != 1 || codes[spf.CodeStringTooLong] != 1 || len(fs) != 2 {
		t.Errorf("findings = %v", fs)
	}
}

// manyNetworks is a record of n distinct /32 networks and, last, one that
// lies inside the first.
func manyNetworks(n int) string {
	var b strings.Builder
	b.WriteString("v=spf1 ip4:10.0.0.0/16")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, " ip4:172.%d.%d.%d", 16+i>>16&0xf, i>>8&0xff, i&0xff)
	}
	b.WriteString(" ip4:10.0.3.0/24 -all")
	return b.String()
}

func TestLintManyTerms(t *testing.T) {
	fs := spf.Lint(manyNetworks(20000))
	shadowed := 0
	for _, f := range fs {
		if f.Code == spf.CodeShadowed {
			shadowed++
			if f.Subject != "ip4:10.0.3.0/24" || !strings.Contains(f.Message, "inside ip4:10.0.0.0/16") {
				t.Errorf("shadowed finding %v", f)
			}
		}
	}
	if shadowed != 1 {
		t.Errorf("%d shadowed findings, want 1", shadowed)
	}
}

// BenchmarkLintManyTerms lints a record of 5,000 networks: linear in the
// number of terms (it was quadratic).
func BenchmarkLintManyTerms(b *testing.B) {
	rec := manyNetworks(5000)
	b.ReportAllocs()
	for b.Loop() {
		spf.Lint(rec)
	}
}
