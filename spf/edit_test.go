package spf_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/plan"
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
			got, err := spf.Insert(tc.record, tc.term)
			if err != nil {
				t.Fatal(err)
			}
			if got.Proposed != tc.want || got.Changed != tc.changed {
				t.Errorf("Insert = %q, %v; want %q, %v", got.Proposed, got.Changed, tc.want, tc.changed)
			}
			again, err := spf.Insert(got.Proposed, tc.term)
			if err != nil || again.Proposed != got.Proposed || again.Changed {
				t.Errorf("second Insert = %+v, %v; want no change", again, err)
			}
		})
	}
	for _, bad := range []string{"-all", "redirect=x.example", "include:", "ip4:192.0.2.1 -all", "inclde:x.example"} {
		if _, err := spf.Insert("v=spf1 -all", bad); !errors.Is(err, spf.ErrSyntax) {
			t.Errorf("Insert(%q): err = %v, want ErrSyntax", bad, err)
		}
	}
	if _, err := spf.Insert("v=spf1 –all", "mx"); !errors.Is(err, spf.ErrSyntax) {
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
		{"two records, the other order", []string{"v=spf1 include:spf.vendor.example ~all", "v=spf1 include:spf.protection.outlook.com -all"},
			"v=spf1 include:spf.protection.outlook.com include:spf.vendor.example -all", false},
		{"strictest all wins", []string{"v=spf1 mx ~all", "v=spf1 a ?all"}, "v=spf1 a mx ~all", false},
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
			got, err := spf.Merge(tc.records...)
			checkParams(t, got.Findings)
			if tc.conflict {
				if !errors.Is(err, spf.ErrMergeConflict) || len(got.Findings) == 0 || !hasCode(got.Findings, spf.CodeMergeConflict) {
					t.Fatalf("Merge = %+v, %v; want a conflict with findings", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Proposed != tc.want {
				t.Errorf("Merge = %q, want %q", got.Proposed, tc.want)
			}
			// Which all was kept is said whenever the records disagree.
			alls := map[string]bool{}
			for _, r := range tc.records {
				rec := spf.MustParse(r)
				if i := rec.All(); i >= 0 {
					alls[rec.Terms[i].String()] = true
				}
			}
			if said := hasCode(got.Findings, spf.CodeMergeAll); said != (len(alls) > 1) {
				t.Errorf("all terms %v: merge-all finding %v", alls, said)
			}
		})
	}
	if _, err := spf.Merge("v=spf1 a", "v=spf1 +alll"); !errors.Is(err, spf.ErrSyntax) {
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
loop.example.           IN TXT "v=spf1 include:loop2.example -all"
loop2.example.          IN TXT "v=spf1 include:loop.example -all"
m365.example.           IN MX 0 m365-example.mail.protection.outlook.com.
spf.protection.outlook.com. IN TXT "v=spf1 ip4:198.51.100.0/24 -all"
ownmx.example.          IN MX 10 mail.ownmx.example.
mail.ownmx.example.     IN A 192.0.2.77
`

func TestAuthorizeCheck(t *testing.T) {
	tests := []struct {
		name      string
		domain    string
		term      string
		satisfied bool
		actions   []plan.Action // of the plan, through plan.Check
		proposed  string        // what Check proposes
		before    int
		after     int
		finding   plan.Code // a code that must be among the findings of the plan
	}{
		{"no record yet", "new.example", "include:spf.vendor.example", false, []plan.Action{plan.ActionAdd},
			"v=spf1 include:spf.vendor.example ~all", 0, 1, spf.CodeConfirmSenders},
		{"extend existing (seed 000)", "existing.example", "include:spf.vendor.example", false, []plan.Action{plan.ActionUpdate},
			"v=spf1 include:outlook.example include:spf.vendor.example -all", 3, 4, ""},
		{"no all (seed 003) gets ~all", "seed003.example", "a:smtp1.vendor.example", false, []plan.Action{plan.ActionUpdate},
			"v=spf1 include:outlook.example a:smtp1.vendor.example ~all", 3, 4, spf.CodeNoAll},
		{"two records merged in one change", "twice.example", "include:spf.vendor.example", false, []plan.Action{plan.ActionUpdate},
			"v=spf1 include:outlook.example mx include:spf.vendor.example -all", 0, 5, spf.CodeMergeAll},
		{"en dash repaired", "dash.example", "include:spf.vendor.example", false, []plan.Action{plan.ActionUpdate},
			"v=spf1 include:outlook.example include:spf.vendor.example -all", 0, 4, spf.CodeLookalike},
		{"quotes repaired", "quoted.example", "include:spf.vendor.example", false, []plan.Action{plan.ActionUpdate},
			"v=spf1 mx include:spf.vendor.example -all", 0, 2, spf.CodeQuoted},
		{"already authorized", "done.example", "include:spf.vendor.example", true, nil,
			"v=spf1 include:spf.vendor.example -all", 1, 0, ""},
		{"covered through a nested include", "nested.example", "include:spf.vendor.example", true, nil,
			"v=spf1 include:_spf.vendor.example -all", 2, 0, ""},
		{"address covered by a network", "byip.example", "ip4:5.255.64.53", true, nil,
			"v=spf1 ip4:5.255.64.0/24 -all", 0, 0, ""},
		{"a: covered by include", "done.example", "a:smtp1.vendor.example", true, nil,
			"v=spf1 include:spf.vendor.example -all", 1, 0, ""},
		{"over the limit: no update step", "heavy.example", "include:_spf.vendor.example", false, nil,
			"v=spf1 a mx include:outlook.example a:x.heavy.example a:y.heavy.example ptr exists:z.heavy.example include:_spf.vendor.example -all", 9, 11, spf.CodeTooManyLookups},
		{"merge conflict: no proposal", "conflict.example", "include:spf.vendor.example", false, nil, "", 0, 0, spf.CodeMergeConflict},
		{"broken beyond repair: the bad term is left out, and said", "broken.example", "include:spf.vendor.example", false, []plan.Action{plan.ActionUpdate},
			"v=spf1 include:spf.vendor.example -all", 0, 1, spf.CodeDroppedTerm},
		{"include loop: withheld", "loop.example", "include:spf.vendor.example", false, nil,
			"v=spf1 include:loop2.example include:spf.vendor.example -all", 2, 3, spf.CodeIncludeLoop},
		{"a provider's MX is recognized", "m365.example", "include:spf.vendor.example", false, []plan.Action{plan.ActionAdd},
			"v=spf1 include:spf.protection.outlook.com include:spf.vendor.example ~all", 0, 2, spf.CodeConfirmSenders},
		{"own MX hosts are kept with mx", "ownmx.example", "include:spf.vendor.example", false, []plan.Action{plan.ActionAdd},
			"v=spf1 mx include:spf.vendor.example ~all", 0, 2, spf.CodeConfirmSenders},
		{"quoted record that has the term: unquoted, not duplicated", "quoted.example", "mx", false, []plan.Action{plan.ActionUpdate},
			"v=spf1 mx -all", 0, 1, spf.CodeQuoted},
	}
	z := dnstest.MustZone(editZone)
	for rname, r := range dnstest.Resolvers(t, z) {
		for _, tc := range tests {
			t.Run(rname+"/"+tc.name, func(t *testing.T) {
				ctx := context.Background()
				z.ResetQueries()
				req := spf.Authorize{Domain: tc.domain, Term: tc.term}
				p, err := req.Check(ctx, r)
				if err != nil {
					t.Fatal(err)
				}
				if rep := z.Repeated(); len(rep) > 0 {
					t.Errorf("asked more than once while checking: %v", rep)
				}
				if p.Satisfied != tc.satisfied || p.Proposed != tc.proposed {
					t.Errorf("Satisfied %v, Proposed %q; want %v, %q", p.Satisfied, p.Proposed, tc.satisfied, tc.proposed)
				}
				if p.LookupsBefore != tc.before || p.LookupsAfter != tc.after {
					t.Errorf("lookups %d -> %d, want %d -> %d", p.LookupsBefore, p.LookupsAfter, tc.before, tc.after)
				}
				pl, err := plan.Check(ctx, r, req)
				if err != nil {
					t.Fatal(err)
				}
				if got := pl.Changes.Actions(); !slices.Equal(got, tc.actions) {
					t.Errorf("actions %v, want %v\n%s", got, tc.actions, pl.Changes.Text())
				}
				checkParams(t, pl.AllFindings())
				if tc.finding != "" && !hasCode(pl.AllFindings(), tc.finding) {
					t.Errorf("no %s finding in %v", tc.finding, pl.AllFindings())
				}
				for _, c := range pl.Changes {
					if added := c.Added(); len(added) != 1 || added[0].Value() != tc.proposed {
						t.Errorf("the change publishes %v, want %q", added, tc.proposed)
					}
					if c.Party != plan.PartyCustomer || c.Stage != plan.StageSPF || c.Relative != "@" {
						t.Errorf("change %+v", c)
					}
				}
				// Every finding's fix names exactly the record the change publishes.
				for _, f := range p.Findings {
					if strings.Contains(f.Fix, "publish exactly") && !strings.HasSuffix(f.Fix, ": "+p.Proposed) {
						t.Errorf("fix %q does not match the proposal %q", f.Fix, p.Proposed)
					}
				}
			})
		}
	}
}

func TestAuthorizeTwoVendorsOneChange(t *testing.T) {
	z := dnstest.MustZone(editZone)
	pl, err := plan.Check(context.Background(), z,
		spf.Authorize{Domain: "existing.example", Term: "include:spf.vendor.example"},
		spf.Authorize{Domain: "existing.example", Term: "a:smtp1.vendor.example"},
		spf.Authorize{Domain: "existing.example", Term: "ip4:192.0.2.200"})
	if err != nil {
		t.Fatal(err)
	}
	if rep := z.Repeated(); len(rep) > 0 {
		t.Errorf("asked more than once: %v", rep)
	}
	if len(pl.Changes) != 1 {
		t.Fatalf("%d changes, want one update:\n%s", len(pl.Changes), pl.Changes.Text())
	}
	// a:smtp1 is covered once include:spf.vendor.example is in; the check
	// of the second requirement saw the live zone, so it still adds it.
	want := "v=spf1 include:outlook.example include:spf.vendor.example a:smtp1.vendor.example ip4:192.0.2.200 -all"
	if got := pl.Changes[0].Added()[0].Value(); got != want {
		t.Errorf("combined record %q, want %q", got, want)
	}
	if n := len(pl.Changes[0].Current); n != 2 {
		t.Errorf("the change's current set has %d records; the verification TXT must be kept too", n)
	}
	for _, c := range pl.Changes {
		if err := z.Apply(c.Removed(), c.Added()); err != nil {
			t.Fatal(err)
		}
	}
	again, err := plan.Check(context.Background(), z,
		spf.Authorize{Domain: "existing.example", Term: "include:spf.vendor.example"},
		spf.Authorize{Domain: "existing.example", Term: "a:smtp1.vendor.example"},
		spf.Authorize{Domain: "existing.example", Term: "ip4:192.0.2.200"})
	if err != nil || len(again.Changes) != 0 || !again.Satisfied() {
		t.Errorf("after applying: %v\n%s", err, again.Changes.Text())
	}
}

func TestAuthorizeMergeOrderIndependent(t *testing.T) {
	a := `x.example. IN TXT "v=spf1 include:outlook.example -all"` + "\n"
	b := `x.example. IN TXT "v=spf1 mx ~all"` + "\n"
	var got []string
	for _, text := range []string{editZone + a + b, editZone + b + a} {
		pl, err := plan.Check(context.Background(), dnstest.MustZone(text), spf.Authorize{Domain: "x.example", Term: "include:spf.vendor.example"})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, pl.Changes.JSON())
	}
	if got[0] != got[1] {
		t.Errorf("the records' order changes the plan:\n%s\n%s", got[0], got[1])
	}
}

func TestAuthorizeErrors(t *testing.T) {
	z := dnstest.MustZone(editZone)
	ctx := context.Background()
	z.Fail("slow.example", "", dnsrec.ErrTimeout)
	if _, err := (spf.Authorize{Domain: "slow.example", Term: "mx"}).Check(ctx, z); !errors.Is(err, dnsrec.ErrTemporary) {
		t.Errorf("a DNS timeout: err = %v, want a temporary error", err)
	}
	z.Fail("mxfail.example", dnsrec.TypeMX, dnsrec.ErrServFail)
	if _, err := (spf.Authorize{Domain: "mxfail.example", Term: "mx"}).Check(ctx, z); !errors.Is(err, dnsrec.ErrTemporary) {
		t.Errorf("an MX lookup failure: err = %v, want a temporary error", err)
	}
	if _, err := (spf.Authorize{Domain: "x.example", Term: "-all"}).Check(ctx, z); !errors.Is(err, spf.ErrSyntax) {
		t.Errorf("term -all: err = %v", err)
	}
	if _, err := (spf.Authorize{Domain: "info@x.example", Term: "mx"}).Check(ctx, z); !errors.Is(err, dnsrec.ErrInvalidDomain) || !strings.Contains(err.Error(), `did you mean "x.example"`) {
		t.Errorf("an address as the domain: err = %v", err)
	}
	if _, err := (spf.Authorize{Domain: "x.example", Term: "mx", All: "mx"}).Check(ctx, z); !errors.Is(err, spf.ErrSyntax) {
		t.Errorf("All \"mx\": err = %v", err)
	}
}

func hasCode(fs []plan.Finding, code plan.Code) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}
