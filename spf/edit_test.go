package spf_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/spf"
)

func TestInsert(t *testing.T) {
	tests := []struct {
		name, record, term, want string
		changed                  bool
	}{
		// seed 000: "the additional include should be added like this"
		{"before -all", "v=spf1 include:spf.protection.outlook.com -all", "include:spf.tocco.ch",
			"v=spf1 include:spf.protection.outlook.com include:spf.tocco.ch -all", true},
		{"keeps ~all and spacing", "v=spf1  a   mx  ~all", "ip4:192.0.2.25", "v=spf1  a   mx  ip4:192.0.2.25 ~all", true},
		{"keeps case as written", "V=SPF1 INCLUDE:X.example -ALL", "include:spf.vendor.example", "V=SPF1 INCLUDE:X.example include:spf.vendor.example -ALL", true},
		// seed 003: no all; the term goes at the end.
		{"no all", "v=spf1 include:spf.protection.outlook.com", "a:smtp1.blueinkt.com",
			"v=spf1 include:spf.protection.outlook.com a:smtp1.blueinkt.com", true},
		{"before redirect", "v=spf1 mx redirect=_spf.example.com", "include:spf.vendor.example",
			"v=spf1 mx include:spf.vendor.example redirect=_spf.example.com", true},
		{"all then exp", "v=spf1 mx -all exp=why.example.com", "ip6:2001:db8::/48", "v=spf1 mx ip6:2001:db8::/48 -all exp=why.example.com", true},
		{"empty record", "v=spf1", "include:spf.vendor.example", "v=spf1 include:spf.vendor.example", true},
		{"already there", "v=spf1 include:spf.vendor.example -all", "include:spf.vendor.example", "v=spf1 include:spf.vendor.example -all", false},
		{"already there, other case", "v=spf1 INCLUDE:SPF.Vendor.Example -all", "include:spf.vendor.example", "v=spf1 INCLUDE:SPF.Vendor.Example -all", false},
		{"already there with +", "v=spf1 +include:spf.vendor.example -all", "include:spf.vendor.example", "v=spf1 +include:spf.vendor.example -all", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, changed, err := spf.Insert(tc.record, tc.term)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want || changed != tc.changed {
				t.Errorf("Insert = %q, %v; want %q, %v", got, changed, tc.want, tc.changed)
			}
			again, changed, err := spf.Insert(got, tc.term)
			if err != nil || again != got || changed {
				t.Errorf("second Insert = %q, %v, %v; want no change", again, changed, err)
			}
		})
	}
	for _, bad := range []string{"-all", "redirect=x.example", "include:", "ip4:192.0.2.1 -all", "inclde:x.example"} {
		if _, _, err := spf.Insert("v=spf1 -all", bad); !errors.Is(err, spf.ErrSyntax) {
			t.Errorf("Insert(%q): err = %v, want ErrSyntax", bad, err)
		}
	}
	if _, _, err := spf.Insert("v=spf1 –all", "mx"); !errors.Is(err, spf.ErrSyntax) {
		t.Errorf("Insert into a broken record: err = %v", err)
	}
}

func TestMerge(t *testing.T) {
	tests := []struct {
		name     string
		records  []string
		want     string
		conflict bool
	}{
		{"two records", []string{"v=spf1 include:spf.protection.outlook.com -all", "v=spf1 include:spf.vendor.example ~all"},
			"v=spf1 include:spf.protection.outlook.com include:spf.vendor.example -all", false},
		{"strictest all wins", []string{"v=spf1 a ?all", "v=spf1 mx ~all"}, "v=spf1 a mx ~all", false},
		{"dedupe", []string{"v=spf1 a mx -all", "v=spf1 MX ip4:192.0.2.1 -all"}, "v=spf1 a mx ip4:192.0.2.1 -all", false},
		{"no all anywhere", []string{"v=spf1 a", "v=spf1 mx"}, "v=spf1 a mx", false},
		{"same exp kept once", []string{"v=spf1 a -all exp=e.example", "v=spf1 mx exp=e.example"}, "v=spf1 a mx -all exp=e.example", false},
		{"same redirect", []string{"v=spf1 a redirect=r.example", "v=spf1 mx redirect=r.example"}, "v=spf1 a mx redirect=r.example", false},
		{"redirect ignored next to its own all", []string{"v=spf1 a -all redirect=r.example", "v=spf1 mx -all"}, "v=spf1 a mx -all", false},
		{"two redirects", []string{"v=spf1 redirect=a.example", "v=spf1 redirect=b.example"}, "", true},
		{"two exps", []string{"v=spf1 -all exp=a.example", "v=spf1 -all exp=b.example"}, "", true},
		{"redirect against all", []string{"v=spf1 redirect=a.example", "v=spf1 mx -all"}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, fs, err := spf.Merge(tc.records...)
			if tc.conflict {
				if !errors.Is(err, spf.ErrMergeConflict) || len(fs) == 0 {
					t.Fatalf("Merge = %q, %v, %v; want a conflict with findings", got, fs, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Merge = %q, want %q", got, tc.want)
			}
		})
	}
	if _, _, err := spf.Merge("v=spf1 a", "v=spf1 +alll"); !errors.Is(err, spf.ErrSyntax) {
		t.Errorf("merging a broken record: err = %v", err)
	}
}

const editZone = `
spf.vendor.example.     IN TXT "v=spf1 ip4:5.255.64.53 ip4:192.0.2.0/28 -all"
_spf.vendor.example.    IN TXT "v=spf1 include:spf.vendor.example -all"
smtp1.vendor.example.   IN A 5.255.64.53
outlook.example.        IN TXT "v=spf1 include:a.outlook.example include:b.outlook.example -all"
a.outlook.example.      IN TXT "v=spf1 ip4:198.51.100.0/24 -all"
b.outlook.example.      IN TXT "v=spf1 ip4:203.0.113.0/24 -all"
heavy.example.          IN TXT "v=spf1 a mx include:outlook.example a:x.heavy.example a:y.heavy.example ptr exists:z.heavy.example -all"
heavy.example.          IN A 192.0.2.99
heavy.example.          IN MX 10 heavy.example.
x.heavy.example.        IN A 192.0.2.98
y.heavy.example.        IN A 192.0.2.97
z.heavy.example.        IN A 127.0.0.2
existing.example.       IN TXT "v=spf1 include:outlook.example -all"
existing.example.       IN TXT "google-site-verification=abc"
seed003.example.        IN TXT "v=spf1 include:outlook.example"
twice.example.          IN TXT "v=spf1 include:outlook.example -all"
twice.example.          IN TXT "v=spf1 mx ~all"
twice.example.          IN MX 10 mail.twice.example.
mail.twice.example.     IN A 192.0.2.7
dash.example.           IN TXT "v=spf1 include:outlook.example \226\128\147all"
quoted.example.         IN TXT "\"v=spf1 mx -all\""
done.example.           IN TXT "v=spf1 include:spf.vendor.example -all"
nested.example.         IN TXT "v=spf1 include:_spf.vendor.example -all"
byip.example.           IN TXT "v=spf1 ip4:5.255.64.0/24 -all"
conflict.example.       IN TXT "v=spf1 redirect=a.outlook.example"
conflict.example.       IN TXT "v=spf1 redirect=b.outlook.example"
broken.example.         IN TXT "v=spf1 ip4:192.0.2.0/33 -all"
`

func TestAuthorizePlan(t *testing.T) {
	tests := []struct {
		name       string
		domain     string
		term       string
		authorized bool
		actions    []dnsrec.Action
		proposed   string
		before     int
		after      int
		finding    string // a code that must be among the findings
	}{
		{"no record yet", "new.example", "include:spf.vendor.example", false, []dnsrec.Action{dnsrec.ActionAdd},
			"v=spf1 include:spf.vendor.example -all", 0, 1, ""},
		{"extend existing (seed 000)", "existing.example", "include:spf.vendor.example", false, []dnsrec.Action{dnsrec.ActionUpdate},
			"v=spf1 include:outlook.example include:spf.vendor.example -all", 3, 4, ""},
		{"no all (seed 003)", "seed003.example", "a:smtp1.vendor.example", false, []dnsrec.Action{dnsrec.ActionUpdate},
			"v=spf1 include:outlook.example a:smtp1.vendor.example", 3, 4, spf.CodeNoAll},
		{"two records merged", "twice.example", "include:spf.vendor.example", false, []dnsrec.Action{dnsrec.ActionUpdate, dnsrec.ActionRemove},
			"v=spf1 include:outlook.example mx include:spf.vendor.example -all", 4, 5, spf.CodeMultiple},
		{"en dash repaired", "dash.example", "include:spf.vendor.example", false, []dnsrec.Action{dnsrec.ActionUpdate},
			"v=spf1 include:outlook.example include:spf.vendor.example -all", 3, 4, spf.CodeLookalike},
		{"quotes repaired", "quoted.example", "include:spf.vendor.example", false, []dnsrec.Action{dnsrec.ActionUpdate},
			"v=spf1 mx include:spf.vendor.example -all", 1, 2, spf.CodeQuoted},
		{"already authorized", "done.example", "include:spf.vendor.example", true, []dnsrec.Action{dnsrec.ActionNone},
			"v=spf1 include:spf.vendor.example -all", 1, 1, ""},
		{"covered through a nested include", "nested.example", "include:spf.vendor.example", true, []dnsrec.Action{dnsrec.ActionNone},
			"v=spf1 include:_spf.vendor.example -all", 2, 2, ""},
		{"address covered by a network", "byip.example", "ip4:5.255.64.53", true, []dnsrec.Action{dnsrec.ActionNone},
			"v=spf1 ip4:5.255.64.0/24 -all", 0, 0, ""},
		{"a: covered by include", "done.example", "a:smtp1.vendor.example", true, []dnsrec.Action{dnsrec.ActionNone},
			"v=spf1 include:spf.vendor.example -all", 1, 1, ""},
		{"over the limit", "heavy.example", "include:_spf.vendor.example", false, []dnsrec.Action{dnsrec.ActionUpdate},
			"v=spf1 a mx include:outlook.example a:x.heavy.example a:y.heavy.example ptr exists:z.heavy.example include:_spf.vendor.example -all", 9, 11, spf.CodeTooManyLookups},
		{"merge conflict: no proposal", "conflict.example", "include:spf.vendor.example", false, nil, "", 0, 0, "spf-merge-conflict"},
		{"broken beyond repair: no proposal", "broken.example", "include:spf.vendor.example", false, nil, "", 0, 0, spf.CodeSyntax},
	}
	z := dnstest.MustZone(editZone)
	for rname, r := range dnstest.Resolvers(t, z) {
		for _, tc := range tests {
			t.Run(rname+"/"+tc.name, func(t *testing.T) {
				z.ResetQueries()
				p, err := spf.Authorize{Domain: tc.domain, Term: tc.term}.Plan(context.Background(), r)
				if err != nil {
					t.Fatal(err)
				}
				if rep := z.Repeated(); len(rep) > 0 {
					t.Errorf("asked more than once while planning: %v", rep)
				}
				if p.Authorized != tc.authorized || p.Proposed != tc.proposed {
					t.Errorf("Authorized %v, Proposed %q; want %v, %q", p.Authorized, p.Proposed, tc.authorized, tc.proposed)
				}
				if got := p.Changes.Actions(); !slices.Equal(got, tc.actions) {
					t.Errorf("actions %v, want %v", got, tc.actions)
				}
				if p.LookupsBefore != tc.before || p.LookupsAfter != tc.after {
					t.Errorf("lookups %d -> %d, want %d -> %d", p.LookupsBefore, p.LookupsAfter, tc.before, tc.after)
				}
				if tc.finding != "" && !hasCode(p.Findings, tc.finding) {
					t.Errorf("no %s finding in %v", tc.finding, p.Findings)
				}
				for _, c := range p.Changes {
					if c.Action == dnsrec.ActionUpdate && c.New.Value() != tc.proposed {
						t.Errorf("update to %q, want %q", c.New.Value(), tc.proposed)
					}
				}
			})
		}
	}
}

func TestAuthorizeRequirement(t *testing.T) {
	z := dnstest.MustZone(editZone)
	reports, err := dnsrec.CheckAll(context.Background(), z,
		spf.Authorize{Domain: "done.example", Term: "include:spf.vendor.example"},
		spf.Authorize{Domain: "existing.example", Term: "include:spf.vendor.example"},
	)
	if err != nil {
		t.Fatal(err)
	}
	if !reports[0].Satisfied || reports[1].Satisfied {
		t.Errorf("Satisfied = %v, %v; want true, false", reports[0].Satisfied, reports[1].Satisfied)
	}
	if !strings.Contains(reports[1].Changes.Text(), "Update the existing TXT record at existing.example") {
		t.Errorf("changes:\n%s", reports[1].Changes.Text())
	}
	z.Fail("slow.example", "", dnsrec.ErrTimeout)
	if _, err := (spf.Authorize{Domain: "slow.example", Term: "mx"}).Plan(context.Background(), z); !errors.Is(err, dnsrec.ErrTemporary) {
		t.Errorf("a DNS timeout: err = %v, want a temporary error", err)
	}
	if _, err := (spf.Authorize{Domain: "x.example", Term: "-all"}).Plan(context.Background(), z); !errors.Is(err, spf.ErrSyntax) {
		t.Errorf("term -all: err = %v", err)
	}
}

func hasCode(fs []dnsrec.Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}
