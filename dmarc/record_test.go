package dmarc_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/plan"
)

func TestParseString(t *testing.T) {
	tests := []struct {
		name, in, want string
		p, sp, np      dmarc.Policy
	}{
		// seed 001's three records
		{"seed 001 monitoring", "v=DMARC1; p=none; rua=mailto:postmaster@your_domain.com", "v=DMARC1; p=none; rua=mailto:postmaster@your_domain.com", "none", "none", "none"},
		{"seed 001 quarantine", "v=DMARC1; p=quarantine; pct=5; rua=mailto:postmaster@your_domain.com", "v=DMARC1; p=quarantine; pct=5; rua=mailto:postmaster@your_domain.com", "quarantine", "quarantine", "quarantine"},
		{"seed 001 reject", "v=DMARC1; p=reject; rua=mailto:postmaster@your_domain.com, mailto:dmarc@your_domain.com", "v=DMARC1; p=reject; rua=mailto:postmaster@your_domain.com,mailto:dmarc@your_domain.com", "reject", "reject", "reject"},
		{"all RFC 9989 tags", "v=DMARC1;p=reject;sp=quarantine;np=reject;psd=n;t=y;adkim=s;aspf=r;fo=1:d;rua=mailto:a@x.example;ruf=mailto:f@x.example", "v=DMARC1; p=reject; sp=quarantine; np=reject; psd=n; t=y; adkim=s; aspf=r; fo=1:d; rua=mailto:a@x.example; ruf=mailto:f@x.example", "reject", "quarantine", "reject"},
		{"case and spaces", "v=DMARC1 ;  P=Reject ; SP = none;", "v=DMARC1; p=reject; sp=none", "reject", "none", "none"},
		{"size suffix", "v=DMARC1; p=none; rua=mailto:a@x.example!10m", "v=DMARC1; p=none; rua=mailto:a@x.example!10m", "none", "none", "none"},
		{"RFC 7489 tags", "v=DMARC1; p=none; rf=afrf; ri=86400", "v=DMARC1; p=none; rf=afrf; ri=86400", "none", "none", "none"},
		{"unknown tag kept", "v=DMARC1; p=none; foo=bar", "v=DMARC1; p=none; foo=bar", "none", "none", "none"},
		// RFC 7489 6.6.3 and RFC 9989: no p but a valid rua is p=none.
		{"no p with rua", "v=DMARC1; rua=mailto:a@x.example", "v=DMARC1; rua=mailto:a@x.example", "none", "none", "none"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, rules := range []dmarc.Rules{dmarc.RFC9989, dmarc.RFC7489} {
				r, err := rules.Parse(tc.in)
				if err != nil {
					t.Fatalf("%s: %v", rules, err)
				}
				if got := r.String(); got != tc.want {
					t.Errorf("String() = %q\nwant       %q", got, tc.want)
				}
				back, err := rules.Parse(r.String())
				if err != nil || !back.Equal(r) {
					t.Errorf("Parse(String()) = %v, %v", back, err)
				}
				if r.EffectivePolicy() != tc.p || r.EffectiveSubdomainPolicy() != tc.sp || r.EffectiveNonexistentPolicy() != tc.np {
					t.Errorf("policies %s/%s/%s, want %s/%s/%s", r.EffectivePolicy(), r.EffectiveSubdomainPolicy(), r.EffectiveNonexistentPolicy(), tc.p, tc.sp, tc.np)
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		kind     error
		reason   string
	}{
		{"SPF", "v=spf1 -all", dmarc.ErrNotDMARC, `starts with the tag "v=DMARC1"`},
		{"leading whitespace (RFC 9989, Section 4.7: the record starts with dmarc-version)", " v=DMARC1; p=none", dmarc.ErrNotDMARC, "nothing before it"},
		{"version not first", "p=none; v=DMARC1", dmarc.ErrNotDMARC, "v=DMARC1"},
		{"lower-case version", "v=dmarc1; p=none", dmarc.ErrNotDMARC, "v=DMARC1"},
		{"duplicate p", "v=DMARC1; p=none; p=reject", dmarc.ErrSyntax, "appears twice"},
		{"no p, no rua", "v=DMARC1; sp=reject", dmarc.ErrSyntax, "no p= and no valid rua="},
		{"bad policy without rua", "v=DMARC1; p=block", dmarc.ErrSyntax, "p=block is not a policy"},
		{"bad sp without rua (RFC 9989, Section 4.10.1)", "v=DMARC1; p=none; sp=block", dmarc.ErrSyntax, "no valid rua="},
		{"rua without mailto and no p", "v=DMARC1; rua=dmarc@x.example", dmarc.ErrSyntax, "no p= and no valid rua="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dmarc.Parse(tc.in)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
			var pe *dmarc.ParseError
			if !errors.As(err, &pe) || !strings.Contains(pe.Reason, tc.reason) || pe.Offset < 0 || pe.Offset > len(tc.in) {
				t.Errorf("err = %v; want reason %q and an offset inside the input", err, tc.reason)
			}
		})
	}
	// The version tag: "v" in any case, spaces around "=", exactly DMARC1
	// (RFC 9989's dmarc-version, the same in RFC 7489).
	for _, in := range []string{"v = DMARC1; p = none", "V=DMARC1; p=none", "v\t=\tDMARC1;p=none", "v=DMARC1 ; p=none"} {
		if _, err := dmarc.Parse(in); err != nil {
			t.Errorf("Parse(%q): %v", in, err)
		}
	}
	// pct and ri allow leading zeros (pct = 1*3DIGIT).
	if r, err := dmarc.RFC7489.Parse("v=DMARC1; p=none; pct=050; ri=086400"); err != nil || r.Percent() != 50 {
		t.Errorf("pct=050: %v, %v", r, err)
	}
	// An invalid p with a valid rua is p=none (both RFCs).
	r, err := dmarc.Parse("v=DMARC1; p=block; rua=mailto:a@x.example")
	if err != nil || r.EffectivePolicy() != dmarc.PolicyNone {
		t.Errorf("invalid p with rua: %v, %v", r, err)
	}
}

// TestParseIgnores: what receivers discard from a record they apply is
// left out of the record, listed in Ignored with its offset, and the
// tag's default applies (RFC 9989, Section 4.7; RFC 7489, Section 6.3).
func TestParseIgnores(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, ignored string
	}{
		{"a tag without \"=\"", "v=DMARC1; p=reject; ruf", "v=DMARC1; p=reject", "ruf"},
		{"bad adkim", "v=DMARC1; p=none; adkim=x", "v=DMARC1; p=none", "adkim=x"},
		{"bad pct", "v=DMARC1; p=none; pct=150", "v=DMARC1; p=none", "pct=150"},
		{"bad fo", "v=DMARC1; p=none; fo=2", "v=DMARC1; p=none", "fo=2"},
		{"bad psd", "v=DMARC1; p=none; psd=maybe", "v=DMARC1; p=none", "psd=maybe"},
		{"bad rf", "v=DMARC1; p=none; rf=a b", "v=DMARC1; p=none", "rf=a b"},
		{"rua without mailto", "v=DMARC1; p=none; rua=dmarc@x.example", "v=DMARC1; p=none", "rua=dmarc@x.example"},
		{"one bad rua of two", "v=DMARC1; p=none; rua=mailto:a@x.example, b@x.example", "v=DMARC1; p=none; rua=mailto:a@x.example", "rua=b@x.example"},
		{"bad size", "v=DMARC1; p=none; rua=mailto:a@x.example!lots", "v=DMARC1; p=none", "rua=mailto:a@x.example!lots"},
		{"non-ASCII", "v=DMARC1; p=none; rua=mailto:ä@x.example", "v=DMARC1; p=none", "v=DMARC1; p=none; rua=mailto:ä@x.example"[18:]},
		{"bad sp with rua", "v=DMARC1; p=none; sp=block; rua=mailto:a@x.example", "v=DMARC1; rua=mailto:a@x.example", "p=none, sp=block"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := dmarc.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if r.String() != tc.want {
				t.Errorf("String() = %q, want %q", r, tc.want)
			}
			var ignored []string
			for _, ig := range r.Ignored {
				ignored = append(ignored, ig.String())
				if !strings.HasPrefix(tc.in[ig.Offset:], ig.Value) || ig.Reason == "" {
					t.Errorf("%+v: offset %d does not point at %q, or no reason", ig, ig.Offset, ig.Value)
				}
			}
			if got := strings.Join(ignored, ", "); got != tc.ignored {
				t.Errorf("Ignored = %q, want %q", got, tc.ignored)
			}
		})
	}
}

func TestBuild(t *testing.T) {
	tests := []struct {
		s    dmarc.Settings
		want string
	}{
		{dmarc.Settings{}, "v=DMARC1; p=none"},
		{dmarc.Settings{Reports: []string{"postmaster@your_domain.com"}}, "v=DMARC1; p=none; rua=mailto:postmaster@your_domain.com"},
		{dmarc.Settings{Policy: dmarc.PolicyQuarantine, Percent: 5, Rules: dmarc.RFC7489, Reports: []string{"postmaster@your_domain.com"}}, "v=DMARC1; p=quarantine; pct=5; rua=mailto:postmaster@your_domain.com"},
		{dmarc.Settings{Policy: dmarc.PolicyReject, Reports: []string{"postmaster@your_domain.com", "mailto:dmarc@your_domain.com"}}, "v=DMARC1; p=reject; rua=mailto:postmaster@your_domain.com,mailto:dmarc@your_domain.com"},
		{dmarc.Settings{Policy: dmarc.PolicyReject, SubdomainPolicy: dmarc.PolicyQuarantine, NonexistentPolicy: dmarc.PolicyReject, Testing: true, StrictDKIM: true, StrictSPF: true, FailureReports: []string{"f@x.example"}},
			"v=DMARC1; p=reject; sp=quarantine; np=reject; t=y; adkim=s; aspf=s; ruf=mailto:f@x.example"},
	}
	for _, tc := range tests {
		r, err := dmarc.Build(tc.s)
		if err != nil {
			t.Fatal(err)
		}
		if r.String() != tc.want {
			t.Errorf("Build = %q, want %q", r, tc.want)
		}
		if _, err := dmarc.Parse(r.String()); err != nil {
			t.Errorf("built record does not parse: %v", err)
		}
	}
	for _, bad := range []dmarc.Settings{{Policy: "block"}, {Percent: 101}, {Percent: 5 /* pct under RFC 9989 */}, {Reports: []string{"not an address"}}, {Reports: []string{"a@x.example,b@x.example"}}} {
		if _, err := dmarc.Build(bad); !errors.Is(err, dmarc.ErrSettings) {
			t.Errorf("Build(%+v) err = %v", bad, err)
		}
	}
}

func TestLint(t *testing.T) {
	tests := []struct {
		rules  dmarc.Rules
		record string
		code   plan.Code
	}{
		{dmarc.RFC9989, "v=DMARC1; p=none; rua=mailto:a@x.example", dmarc.CodePolicyNone},
		{dmarc.RFC9989, "v=DMARC1; p=quarantine; pct=5; rua=mailto:a@x.example", dmarc.CodeRemovedTag},
		{dmarc.RFC9989, "v=DMARC1; p=reject; ri=3600; rua=mailto:a@x.example", dmarc.CodeRemovedTag},
		{dmarc.RFC7489, "v=DMARC1; p=quarantine; pct=5; rua=mailto:a@x.example", dmarc.CodePct},
		{dmarc.RFC7489, "v=DMARC1; p=reject; np=reject; rua=mailto:a@x.example", dmarc.CodeNewTag},
		{dmarc.RFC9989, "v=DMARC1; p=reject", dmarc.CodeNoRUA},
		{dmarc.RFC9989, "v=DMARC1; p=reject; rua=mailto:a@x.example,mailto:b@x.example,mailto:c@x.example", dmarc.CodeTooManyRUA},
		{dmarc.RFC9989, "v=DMARC1; p=reject; rua=mailto:a@x.example!10m", dmarc.CodeSizeSuffix},
		{dmarc.RFC9989, "v=DMARC1; p=reject; fo=0:1; rua=mailto:a@x.example", dmarc.CodeFOConflict},
		{dmarc.RFC9989, "v=DMARC1; p=reject; foo=bar; rua=mailto:a@x.example", dmarc.CodeUnknownTag},
		{dmarc.RFC9989, "v=DMARC1; rua=mailto:a@x.example", dmarc.CodeNoPolicy},
		{dmarc.RFC9989, "v=DMARC1; p=reject; adkim=x; rua=mailto:a@x.example", dmarc.CodeInvalidValue},
		{dmarc.RFC9989, "v=DMARC1; p=reject; t=y; rua=mailto:a@x.example", dmarc.CodeTestingMode},
		{dmarc.RFC9989, "v=spf1 -all", dmarc.CodeNotDMARC},
		{dmarc.RFC9989, "v=DMARC1; p=none; p=reject", dmarc.CodeSyntax},
	}
	for _, tc := range tests {
		fs := tc.rules.Lint(tc.record)
		checkParams(t, fs)
		found := false
		for _, f := range fs {
			found = found || f.Code == tc.code
			if f.Message == "" {
				t.Errorf("%s: empty message", f.Code)
			}
		}
		if !found {
			t.Errorf("%s Lint(%q) lacks %s: %v", tc.rules, tc.record, tc.code, fs)
		}
	}
	if fs := dmarc.Lint("v=DMARC1; p=reject; rua=mailto:dmarc@x.example"); len(fs) != 0 {
		t.Errorf("a good record: %v", fs)
	}
}

// Lint says when a record would be ignored, or would fail at receivers
// that match the version text literally, and reports each problem once.
func TestLintRecordForm(t *testing.T) {
	for _, tc := range []struct {
		in   string
		code plan.Code
		sev  plan.Severity
		n    int // how many findings with code
	}{
		{"v = DMARC1; p=none; rua=mailto:a@x.example", dmarc.CodeVersionForm, plan.SeverityWarning, 1},
		{"V=DMARC1; p=none; rua=mailto:a@x.example", dmarc.CodeVersionForm, plan.SeverityWarning, 1},
		{" v=DMARC1; p=none", dmarc.CodeNotDMARC, plan.SeverityError, 1},
		{"v=DMARC1; p=block; rua=mailto:a@x.example", dmarc.CodeNoPolicy, plan.SeverityWarning, 1},
		{"v=DMARC1; p=reject; rua=mailto:a@x.example; ruf", dmarc.CodeMalformed, plan.SeverityWarning, 1},
		{"v=DMARC1; p=reject; rua=mailto:a@x.example; =x", dmarc.CodeMalformed, plan.SeverityWarning, 1},
		{"v=DMARC1; p=reject; sp=bogus; rua=mailto:a@x.example", dmarc.CodeInvalidPolicy, plan.SeverityWarning, 1},
		{"v=DMARC1;; p=reject; rua=mailto:a@x.example; ;", dmarc.CodeEmptyEntry, plan.SeverityWarning, 2},
		{"v=DMARC1; p=none; rua=mailto:a@x.example", dmarc.CodeVersionForm, "", 0},
	} {
		n := 0
		checkParams(t, dmarc.Lint(tc.in))
		for _, f := range dmarc.Lint(tc.in) {
			if f.Code == tc.code {
				n++
				if f.Severity != tc.sev {
					t.Errorf("Lint(%q): %s is %s, want %s", tc.in, f.Code, f.Severity, tc.sev)
				}
			}
		}
		if n != tc.n {
			t.Errorf("Lint(%q): %d %s findings, want %d: %v", tc.in, n, tc.code, tc.n, dmarc.Lint(tc.in))
		}
	}
}
