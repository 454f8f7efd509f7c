package plan_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/internal/golden"
	"github.com/domainauth/domainauth/plan"
)

// wantTXT is a test requirement: "the TXT set at Name holds Value". Its
// edit appends the value when missing; its verification refuses any value
// holding "BROKEN".
type wantTXT struct {
	Name, Value string
	Party       plan.Party
	Stage       plan.Stage
}

func (w wantTXT) About() plan.About {
	party, stage := w.Party, w.Stage
	if party == "" {
		party = plan.PartyCustomer
	}
	if stage == "" {
		stage = plan.StageSPF
	}
	return plan.About{Requirement: w.Name + " holds " + w.Value, Stage: stage, Party: party}
}

func (w wantTXT) Require(ctx context.Context, r dnsrec.Resolver) (*plan.Report, error) {
	set, err := dnsrec.ReadSet(ctx, r, w.Name, dnsrec.TypeTXT)
	if err != nil {
		return nil, err
	}
	rep := &plan.Report{About: w.About(), Satisfied: has(set, w.Value)}
	if rep.Satisfied {
		return rep, nil
	}
	want, err := dnsrec.NewTXT(w.Name, w.Value)
	if err != nil {
		return nil, err
	}
	party, stage := rep.Party, rep.Stage
	rep.Edits = []plan.Edit{{Name: want.Name, Type: dnsrec.TypeTXT, Party: party, Stage: stage,
		Reason: plan.Reason{Code: "test-add", Params: map[string]string{"value": w.Value}, Text: "add " + w.Value},
		Apply: func(cur []dnsrec.Record) ([]dnsrec.Record, error) {
			if has(cur, w.Value) {
				return cur, nil
			}
			return append(cur, want), nil
		},
		Verify: func(_ context.Context, _ dnsrec.Resolver, proposed []dnsrec.Record) ([]plan.Finding, error) {
			for _, r := range proposed {
				if strings.Contains(r.Value(), "BROKEN") {
					return []plan.Finding{{Code: "test-broken", Severity: plan.SeverityError, Name: r.Name, Message: "the value is broken"}}, nil
				}
			}
			return nil, nil
		}}}
	return rep, nil
}

func has(set []dnsrec.Record, v string) bool {
	for _, r := range set {
		if r.Value() == v {
			return true
		}
	}
	return false
}

const planZone = `
customer.example.          IN TXT "google-site-verification=abc"
customer.example.          IN TXT "first"
_dmarc.customer.example.   IN TXT "v=DMARC1; p=none"
`

func TestCheckOneChangePerSet(t *testing.T) {
	for name, r := range dnstest.Resolvers(t, dnstest.MustZone(planZone)) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			reqs := []plan.Requirement{
				wantTXT{Name: "_dmarc.customer.example", Value: "dmarc-extra", Stage: plan.StageDMARC},
				wantTXT{Name: "customer.example", Value: "vendor-a"},
				wantTXT{Name: "customer.example", Value: "vendor-b"},
				wantTXT{Name: "x._report._dmarc.vendor.example", Value: "v=DMARC1", Party: plan.PartyVendor, Stage: plan.StageDMARC},
			}
			pl, err := plan.Check(ctx, r, reqs...)
			if err != nil {
				t.Fatal(err)
			}
			if len(pl.Changes) != 3 {
				t.Fatalf("%d changes, want 3 (one per record set):\n%s", len(pl.Changes), pl.Changes.Text())
			}
			apex := pl.Changes[0]
			if apex.Name != "customer.example." || apex.Action != plan.ActionAdd || len(apex.Added()) != 2 || len(apex.Current) != 2 ||
				apex.Relative != "@" || apex.Zone != "customer.example." || len(apex.Reasons) != 2 {
				t.Errorf("the apex change does not hold both vendors' edits: %+v", apex)
			}
			if c := pl.Changes[1]; c.Stage != plan.StageDMARC || c.Relative != "_dmarc" || c.Zone != "customer.example." {
				t.Errorf("second change: %+v", c)
			}
			if c := pl.Changes[2]; c.Party != plan.PartyVendor || c.Zone != "vendor.example." || c.Relative != "x._report._dmarc" {
				t.Errorf("the vendor's change: %+v", c)
			}
			if pl.Satisfied() {
				t.Error("a pl with changes is satisfied")
			}
		})
	}
}

func TestCheckAsksOnceAndConverges(t *testing.T) {
	z := dnstest.MustZone(planZone)
	ctx := context.Background()
	reqs := []plan.Requirement{
		wantTXT{Name: "customer.example", Value: "vendor-a"},
		wantTXT{Name: "customer.example", Value: "vendor-b"},
		wantTXT{Name: "_dmarc.customer.example", Value: "x", Stage: plan.StageDMARC},
	}
	pl, err := plan.Check(ctx, z, reqs...)
	if err != nil {
		t.Fatal(err)
	}
	if rep := z.Repeated(); len(rep) > 0 {
		t.Errorf("asked more than once: %v", rep)
	}
	for _, c := range pl.Changes {
		if err := z.Apply(c.Removed(), c.Added()); err != nil {
			t.Fatal(err)
		}
	}
	again, err := plan.Check(ctx, z, reqs...)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Changes) != 0 || !again.Satisfied() {
		t.Errorf("after applying the plan, still to do:\n%s", again.Changes.Text())
	}
}

func TestCheckWithholdsBrokenRecords(t *testing.T) {
	z := dnstest.MustZone(planZone)
	pl, err := plan.Check(context.Background(), z,
		wantTXT{Name: "customer.example", Value: "fine"},
		wantTXT{Name: "customer.example", Value: "BROKEN"})
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Changes) != 0 {
		t.Errorf("a set whose combined edit fails verification got a change:\n%s", pl.Changes.Text())
	}
	var codes []plan.Code
	for _, f := range pl.Findings {
		codes = append(codes, f.Code)
	}
	if len(codes) != 2 || codes[0] != "test-broken" || codes[1] != plan.CodeWithheld {
		t.Errorf("findings %v, want the verification's and pl-withheld", codes)
	}
}

func TestCheckBadInput(t *testing.T) {
	z := dnstest.MustZone(planZone)
	pl, err := plan.Check(context.Background(), z, nil, wantTXT{Name: "customer.example", Value: "a"})
	if !errors.Is(err, plan.ErrNilRequirement) {
		t.Errorf("nil requirement: err = %v", err)
	}
	if pl == nil || len(pl.Changes) != 1 {
		t.Errorf("the other requirement's plan is lost: %+v", pl)
	}
	if pl != nil && (pl.Reports[0].Err == nil || pl.Reports[1].Err != nil) {
		t.Errorf("the nil requirement's report has no error, or the other has one: %+v %+v", pl.Reports[0], pl.Reports[1])
	}
	// No resolver: every requirement says so, with the sentinel.
	pl, err = plan.Check(context.Background(), nil, wantTXT{Name: "customer.example", Value: "a"})
	if !errors.Is(err, dnsrec.ErrNoResolver) || !errors.Is(pl.Reports[0].Err, dnsrec.ErrNoResolver) {
		t.Errorf("nil resolver: err = %v", err)
	}
	// A DNS failure is the requirement's error, and the rest still plan.
	z.Fail("_dmarc.customer.example.", dnsrec.TypeTXT, dnsrec.ErrServFail)
	pl, err = plan.Check(context.Background(), z,
		wantTXT{Name: "_dmarc.customer.example", Value: "x"}, wantTXT{Name: "customer.example", Value: "a"})
	if !errors.Is(err, dnsrec.ErrTemporary) || !errors.Is(pl.Reports[0].Err, dnsrec.ErrTemporary) || len(pl.Changes) != 1 {
		t.Errorf("err = %v, plan = %+v", err, pl)
	}
	// The failed report still says what it is about.
	if r := pl.Reports[0]; r.Stage != plan.StageSPF || r.Party != plan.PartyCustomer || r.Requirement != "_dmarc.customer.example holds x" || r.Satisfied {
		t.Errorf("failed report = %+v", r)
	}
}

// demoChanges is a plan with every shape of change, for the golden files.
func demoChanges(t *testing.T) plan.Changes {
	t.Helper()
	rec := func(line string) dnsrec.Record {
		r, err := dnsrec.ParseRecord(line)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	spfA := rec(`customer.example. 300 IN TXT "v=spf1 include:spf.protection.outlook.example -all"`)
	spfB := rec(`customer.example. 300 IN TXT "v=spf1 include:spf.vendor.example ~all"`)
	verify := rec(`customer.example. 300 IN TXT "google-site-verification=abc"`)
	merged := rec(`customer.example. 300 IN TXT "v=spf1 include:spf.protection.outlook.example include:spf.vendor.example -all"`)
	key := rec(`default._domainkey.customer.example. 3600 IN TXT "v=DKIM1; k=rsa; p=` + strings.Repeat("A", 300) + `"`)
	cname := rec(`default._domainkey.customer.example. 3600 IN CNAME default._domainkey.vendor.example.`)
	long := rec(`long._domainkey.customer.example. 3600 IN TXT "v=DKIM1; k=rsa; p=` + strings.Repeat("B", 300) + `"`)
	dmarcOld := rec(`_dmarc.customer.example. 3600 IN TXT "v = DMARC1; p = none"`)
	dmarcNew := rec(`_dmarc.customer.example. 3600 IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@vendor.example"`)
	auth := rec(`customer.example._report._dmarc.vendor.example. 3600 IN TXT "v=DMARC1"`)
	why := func(code plan.Code, text string) plan.Reason { return plan.Reason{Code: code, Text: text} }
	cs := plan.Changes{
		plan.NewChange(key.Name, dnsrec.TypeTXT, []dnsrec.Record{key}, nil, plan.PartyCustomer, plan.StageDKIM, why("dkim-clear", "a name with a CNAME can hold no other record")),
		plan.NewChange(cname.Name, dnsrec.TypeCNAME, nil, []dnsrec.Record{cname}, plan.PartyCustomer, plan.StageDKIM, why("dkim-delegate", "delegate the selector to the vendor")),
		plan.NewChange(long.Name, dnsrec.TypeTXT, nil, []dnsrec.Record{long}, plan.PartyCustomer, plan.StageDKIM, why("dkim-publish-key", "publish the second key")),
		plan.NewChange(spfA.Name, dnsrec.TypeTXT, []dnsrec.Record{verify, spfA, spfB}, []dnsrec.Record{verify, merged}, plan.PartyCustomer, plan.StageSPF, why("spf-authorize", "merge the two SPF records")),
		plan.NewChange(dmarcOld.Name, dnsrec.TypeTXT, []dnsrec.Record{dmarcOld}, []dnsrec.Record{dmarcNew}, plan.PartyCustomer, plan.StageDMARC, why("dmarc-policy", "publish a DMARC policy that receivers read")),
		plan.NewChange(auth.Name, dnsrec.TypeTXT, nil, []dnsrec.Record{auth}, plan.PartyVendor, plan.StageDMARC, why("dmarc-authorize-reports", "accept DMARC reports for customer.example")),
	}
	cs.Sort()
	return cs
}

func TestChangesRenderGolden(t *testing.T) {
	cs := demoChanges(t)
	golden.Check(t, "changes.customer.txt", cs.For(plan.PartyCustomer).Text())
	golden.Check(t, "changes.vendor.txt", cs.For(plan.PartyVendor).Text())
	golden.Check(t, "changes.zone", cs.Zone())
	golden.Check(t, "changes.nsupdate", cs.NSUpdate())
	golden.Check(t, "changes.json", cs.JSON())
	var back []struct {
		Action  plan.Action
		Zone    string
		Remove  []dnsrec.Record
		Add     []dnsrec.Record
		Reasons []plan.Reason
	}
	if err := json.Unmarshal([]byte(cs.JSON()), &back); err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		if back[i].Action != c.Action || len(back[i].Remove) != len(c.Removed()) || len(back[i].Add) != len(c.Added()) || back[i].Reasons[0].Code != c.Reasons[0].Code {
			t.Errorf("JSON of change %d does not read back: %+v", i, back[i])
		}
	}
	if got := (plan.Changes{}).Text(); got != "Nothing to do.\n" {
		t.Errorf("empty Text() = %q", got)
	}
}

func TestNSUpdateStrings(t *testing.T) {
	// Every string of a long value stays within 255 bytes in the script.
	cs := demoChanges(t)
	for _, line := range strings.Split(cs.NSUpdate(), "\n") {
		for _, s := range strings.Split(line, `" "`) {
			if len(s) > 255+len(`update add default._domainkey.customer.example. 3600 IN TXT "`) {
				t.Errorf("a string longer than 255 bytes: %.80s...", s)
			}
		}
	}
}

func TestFindingString(t *testing.T) {
	f := plan.Finding{Code: "spf-no-all", Severity: plan.SeverityWarning, Name: "example.ch.", Subject: "v=spf1 mx", Offset: plan.At(0),
		Message: "the record has no all term", Fix: "end it with -all"}
	want := "warning spf-no-all (example.ch, \"v=spf1 mx\" at offset 0): the record has no all term\n  fix: end it with -all"
	if got := f.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if w := plan.Worst([]plan.Finding{{Severity: plan.SeverityInfo}, f}); w != plan.SeverityWarning {
		t.Errorf("Worst = %q", w)
	}
}
