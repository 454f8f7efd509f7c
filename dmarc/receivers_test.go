package dmarc_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/plan"
)

// receiverCase is a record published at _dmarc.example.com and what the
// rules decide about it: how Parse reads it (the error, or the policies
// receivers apply and the entries they discard), what Lint says, and the
// policy discovery finds for example.com itself, for sub.example.com (which
// exists) and for nx.example.com (which does not).
type receiverCase struct {
	name    string
	section string // where the rules say so
	rules   dmarc.Rules
	record  string

	err       error        // ErrSyntax when receivers do not use the record; then no policy applies
	p, sp, np dmarc.Policy // the effective policies
	ignored   []string     // Record.Ignored, as each prints
	codes     []plan.Code  // Lint's codes, sorted
	// discovery: the policy for example.com, sub.example.com and
	// nx.example.com; "" when none applies
	org, sub, nx dmarc.Policy
}

const rua = "; rua=mailto:d@example.com"

var (
	none, quarantine, reject = dmarc.PolicyNone, dmarc.PolicyQuarantine, dmarc.PolicyReject
	rfc9989, rfc7489         = dmarc.RFC9989, dmarc.RFC7489
)

// receiverCases are records that receivers apply in part, or not at all,
// under RFC 9989 and RFC 7489, with valid records as controls.
var receiverCases = []receiverCase{
	// pct and ri: no longer tags under RFC 9989 (unknown tags are
	// ignored); under RFC 7489 an invalid value is discarded for the
	// default (100, 86400).
	{"pct=101", "RFC 9989, Section 4.7", rfc9989, "v=DMARC1; p=reject; pct=101" + rua, nil, reject, reject, reject, []string{"pct=101"}, []plan.Code{dmarc.CodeRemovedTag}, reject, reject, reject},
	{"pct=101", "RFC 7489, Section 6.3", rfc7489, "v=DMARC1; p=reject; pct=101" + rua, nil, reject, reject, reject, []string{"pct=101"}, []plan.Code{dmarc.CodeInvalidValue}, reject, reject, reject},
	{"pct=-1", "RFC 9989, Section 4.7", rfc9989, "v=DMARC1; p=reject; pct=-1" + rua, nil, reject, reject, reject, []string{"pct=-1"}, []plan.Code{dmarc.CodeRemovedTag}, reject, reject, reject},
	{"pct=-1", "RFC 7489, Section 6.3", rfc7489, "v=DMARC1; p=reject; pct=-1" + rua, nil, reject, reject, reject, []string{"pct=-1"}, []plan.Code{dmarc.CodeInvalidValue}, reject, reject, reject},
	{"pct=50.5", "RFC 9989, Section 4.7", rfc9989, "v=DMARC1; p=quarantine; pct=50.5" + rua, nil, quarantine, quarantine, quarantine, []string{"pct=50.5"}, []plan.Code{dmarc.CodeRemovedTag}, quarantine, quarantine, quarantine},
	{"pct=50.5", "RFC 7489, Section 6.3", rfc7489, "v=DMARC1; p=quarantine; pct=50.5" + rua, nil, quarantine, quarantine, quarantine, []string{"pct=50.5"}, []plan.Code{dmarc.CodeInvalidValue}, quarantine, quarantine, quarantine},
	{"pct=abc", "RFC 9989, Section 4.7", rfc9989, "v=DMARC1; p=reject; pct=abc" + rua, nil, reject, reject, reject, []string{"pct=abc"}, []plan.Code{dmarc.CodeRemovedTag}, reject, reject, reject},
	{"pct=abc", "RFC 7489, Section 6.3", rfc7489, "v=DMARC1; p=reject; pct=abc" + rua, nil, reject, reject, reject, []string{"pct=abc"}, []plan.Code{dmarc.CodeInvalidValue}, reject, reject, reject},
	{"ri=abc", "RFC 9989, Section 4.7", rfc9989, "v=DMARC1; p=reject; ri=abc" + rua, nil, reject, reject, reject, []string{"ri=abc"}, []plan.Code{dmarc.CodeRemovedTag}, reject, reject, reject},
	{"ri=abc", "RFC 7489, Section 6.3", rfc7489, "v=DMARC1; p=reject; ri=abc" + rua, nil, reject, reject, reject, []string{"ri=abc"}, []plan.Code{dmarc.CodeInvalidValue}, reject, reject, reject},
	{"ri=-5", "RFC 9989, Section 4.7", rfc9989, "v=DMARC1; p=reject; ri=-5" + rua, nil, reject, reject, reject, []string{"ri=-5"}, []plan.Code{dmarc.CodeRemovedTag}, reject, reject, reject},
	{"ri=-5", "RFC 7489, Section 6.3", rfc7489, "v=DMARC1; p=reject; ri=-5" + rua, nil, reject, reject, reject, []string{"ri=-5"}, []plan.Code{dmarc.CodeInvalidValue}, reject, reject, reject},

	// np, psd, t: an invalid np= with a valid rua= reads as p=none
	// everywhere; without one the record is not used. RFC 7489 does not
	// know np, psd and t: they are ignored.
	{"np=bogus with rua", "RFC 9989, Section 4.10.1", rfc9989, "v=DMARC1; p=reject; np=bogus" + rua, nil, none, none, none, []string{"p=reject", "np=bogus"}, []plan.Code{dmarc.CodeInvalidPolicy}, none, none, none},
	{"np=bogus with rua", "RFC 7489, Section 6.3 (unknown tag)", rfc7489, "v=DMARC1; p=reject; np=bogus" + rua, nil, reject, reject, reject, []string{"np=bogus"}, []plan.Code{dmarc.CodeInvalidValue}, reject, reject, reject},
	{"np=bogus without rua", "RFC 9989, Section 4.10.1", rfc9989, "v=DMARC1; p=reject; np=bogus", dmarc.ErrSyntax, "", "", "", nil, []plan.Code{dmarc.CodeSyntax}, "", "", ""},
	{"np=bogus without rua", "RFC 7489, Section 6.3 (unknown tag)", rfc7489, "v=DMARC1; p=reject; np=bogus", nil, reject, reject, reject, []string{"np=bogus"}, []plan.Code{dmarc.CodeInvalidValue, dmarc.CodeNoRUA}, reject, reject, reject},
	{"psd=x", "RFC 9989, Section 4.7", rfc9989, "v=DMARC1; p=reject; psd=x" + rua, nil, reject, reject, reject, []string{"psd=x"}, []plan.Code{dmarc.CodeInvalidValue}, reject, reject, reject},
	{"t=x", "RFC 9989, Section 4.7", rfc9989, "v=DMARC1; p=reject; t=x" + rua, nil, reject, reject, reject, []string{"t=x"}, []plan.Code{dmarc.CodeInvalidValue}, reject, reject, reject},
	{"t=x", "RFC 7489, Section 6.3 (unknown tag)", rfc7489, "v=DMARC1; p=reject; t=x" + rua, nil, reject, reject, reject, []string{"t=x"}, []plan.Code{dmarc.CodeInvalidValue}, reject, reject, reject},

	// ";;" is no dmarc-sep: the grammar is broken, the record applies.
	{"empty entries", "RFC 9989, Sections 4.7 and 4.8", rfc9989, "v=DMARC1;; p=none;;", nil, none, none, none, nil, []plan.Code{dmarc.CodeEmptyEntry, dmarc.CodeNoRUA, dmarc.CodePolicyNone}, none, none, none},
	{"a trailing separator", "RFC 9989, Section 4.8", rfc9989, "v=DMARC1; p=reject" + rua + ";", nil, reject, reject, reject, nil, nil, reject, reject, reject},

	// rf: only afrf is registered; RFC 9989 removes the tag.
	{"rf=iodef", "RFC 7489, Section 6.3", rfc7489, "v=DMARC1; p=reject; rf=iodef" + rua, nil, reject, reject, reject, nil, []plan.Code{dmarc.CodeReportFormat}, reject, reject, reject},
	{"rf=afrf:iodef", "RFC 7489, Section 6.3", rfc7489, "v=DMARC1; p=reject; rf=afrf:iodef" + rua, nil, reject, reject, reject, nil, []plan.Code{dmarc.CodeReportFormat}, reject, reject, reject},
	{"rf=iodef", "RFC 9989, Section 4.7", rfc9989, "v=DMARC1; p=reject; rf=iodef" + rua, nil, reject, reject, reject, nil, []plan.Code{dmarc.CodeRemovedTag}, reject, reject, reject},

	// No p= with a valid rua=: p=none.
	{"no p with rua", "RFC 9989, Section 4.10.1", rfc9989, "v=DMARC1" + rua, nil, none, none, none, nil, []plan.Code{dmarc.CodeNoPolicy}, none, none, none},
	{"no p with rua", "RFC 7489, Section 6.6.3", rfc7489, "v=DMARC1" + rua, nil, none, none, none, nil, []plan.Code{dmarc.CodeNoPolicy}, none, none, none},
	{"invalid p with rua", "RFC 9989, Section 4.10.1", rfc9989, "v=DMARC1; p=rejekt" + rua, nil, none, none, none, []string{"p=rejekt"}, []plan.Code{dmarc.CodeNoPolicy}, none, none, none},
	{"no p without rua", "RFC 9989, Section 4.10.1", rfc9989, "v=DMARC1; sp=reject", dmarc.ErrSyntax, "", "", "", nil, []plan.Code{dmarc.CodeSyntax}, "", "", ""},

	// An invalid sp= at the organizational domain: p=none with a valid
	// rua=, for the domain and its subdomains; the record is not used
	// without one.
	{"sp=bogus with rua", "RFC 9989, Section 4.10.1", rfc9989, "v=DMARC1; p=reject; sp=bogus" + rua, nil, none, none, none, []string{"p=reject", "sp=bogus"}, []plan.Code{dmarc.CodeInvalidPolicy}, none, none, none},
	{"sp=bogus with rua", "RFC 7489, Section 6.6.3", rfc7489, "v=DMARC1; p=reject; sp=bogus" + rua, nil, none, none, none, []string{"p=reject", "sp=bogus"}, []plan.Code{dmarc.CodeInvalidPolicy}, none, none, none},
	{"sp=bogus without rua", "RFC 9989, Section 4.10.1", rfc9989, "v=DMARC1; p=reject; sp=bogus", dmarc.ErrSyntax, "", "", "", nil, []plan.Code{dmarc.CodeSyntax}, "", "", ""},

	// Controls.
	{"valid", "RFC 9989, Section 4.7", rfc9989, "v=DMARC1; p=reject" + rua, nil, reject, reject, reject, nil, nil, reject, reject, reject},
	{"valid sp and np", "RFC 9989, Section 4.10.1", rfc9989, "v=DMARC1; p=reject; sp=quarantine; np=none" + rua, nil, reject, quarantine, none, nil, nil, reject, quarantine, none},
	{"valid sp and np", "RFC 7489, Section 6.6.3 (np unknown)", rfc7489, "v=DMARC1; p=reject; sp=quarantine; np=none" + rua, nil, reject, quarantine, none, nil, []plan.Code{dmarc.CodeNewTag}, reject, quarantine, quarantine},
	{"pct=50", "RFC 7489, Section 6.3", rfc7489, "v=DMARC1; p=quarantine; pct=50" + rua, nil, quarantine, quarantine, quarantine, nil, []plan.Code{dmarc.CodePct}, quarantine, quarantine, quarantine},
	{"repeated p", "RFC 9989, Section 4.7", rfc9989, "v=DMARC1; p=none; p=reject" + rua, dmarc.ErrSyntax, "", "", "", nil, []plan.Code{dmarc.CodeSyntax}, "", "", ""},
}

// TestRecordsAsReceiversRead: each record is read, linted and applied as
// its RFC says.
func TestRecordsAsReceiversRead(t *testing.T) {
	ctx := context.Background()
	for _, tc := range receiverCases {
		t.Run(tc.rules.String()+"/"+tc.name, func(t *testing.T) {
			r, err := tc.rules.Parse(tc.record)
			switch {
			case tc.err != nil:
				if !errors.Is(err, tc.err) {
					t.Errorf("Parse(%q) err = %v, want %v (%s)", tc.record, err, tc.err, tc.section)
				}
			case err != nil:
				t.Errorf("Parse(%q): %v; receivers apply this record (%s)", tc.record, err, tc.section)
			default:
				if got := [3]dmarc.Policy{r.EffectivePolicy(), r.EffectiveSubdomainPolicy(), r.EffectiveNonexistentPolicy()}; got != [3]dmarc.Policy{tc.p, tc.sp, tc.np} {
					t.Errorf("Parse(%q): p/sp/np %v, want %s/%s/%s (%s)", tc.record, got, tc.p, tc.sp, tc.np, tc.section)
				}
				var ignored []string
				for _, ig := range r.Ignored {
					ignored = append(ignored, ig.String())
					if ig.Offset < 0 || ig.Offset+len(ig.Value) > len(tc.record) || tc.record[ig.Offset:ig.Offset+len(ig.Value)] != ig.Value || ig.Reason == "" {
						t.Errorf("Ignored %+v: the offset does not point at the value, or no reason", ig)
					}
				}
				if !slices.Equal(ignored, tc.ignored) {
					t.Errorf("Ignored = %q, want %q", ignored, tc.ignored)
				}
				back, err := tc.rules.Parse(r.String())
				if err != nil || !back.Equal(r) || len(back.Ignored) != 0 {
					t.Errorf("Parse(%q) = %v, %v: want an equal record with nothing ignored", r.String(), back, err)
				}
			}
			fs := tc.rules.Lint(tc.record)
			checkParams(t, fs)
			var codes []plan.Code
			for _, f := range fs {
				if !slices.Contains(codes, f.Code) {
					codes = append(codes, f.Code)
				}
				switch f.Code {
				case dmarc.CodeRemovedTag, dmarc.CodeInvalidValue, dmarc.CodeInvalidPolicy, dmarc.CodeEmptyEntry, dmarc.CodeReportFormat:
					if f.Offset == nil || f.Fix == "" || (f.Params["tag"] == "" && f.Params["separator"] == "") || f.Severity != plan.SeverityWarning {
						t.Errorf("%s: want a warning with its tag, offset and fix: %+v", f.Code, f)
					}
				}
			}
			slices.Sort(codes)
			if !slices.Equal(codes, tc.codes) {
				t.Errorf("Lint codes %v, want %v\n%v", codes, tc.codes, fs)
			}
			z := dnstest.MustZone("")
			if err := z.AddRecords(
				dnsrec.Record{Name: "_dmarc.example.com.", Type: dnsrec.TypeTXT, TTL: 60, Txt: dnsrec.SplitTXT(tc.record)},
				dnsrec.Record{Name: "example.com.", Type: dnsrec.TypeA, TTL: 60, Data: "192.0.2.1"},
				dnsrec.Record{Name: "sub.example.com.", Type: dnsrec.TypeA, TTL: 60, Data: "192.0.2.1"},
			); err != nil {
				t.Fatal(err)
			}
			for _, want := range []struct {
				author string
				policy dmarc.Policy
			}{{"example.com", tc.org}, {"sub.example.com", tc.sub}, {"nx.example.com", tc.nx}} {
				d, err := tc.rules.Discover(ctx, z, want.author)
				if err != nil {
					t.Fatal(err)
				}
				if d.Policy != want.policy {
					t.Errorf("Discover(%s) = %s=%q, want %q (%s)", want.author, d.PolicyTag, d.Policy, want.policy, tc.section)
				}
			}
		})
	}
}
