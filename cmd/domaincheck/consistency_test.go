package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/plan"
)

// shuffled answers with the records of each answer in a random order, as
// DNS servers rotate them.
type shuffled struct {
	r   dnsrec.Resolver
	mu  sync.Mutex
	rnd *rand.Rand
}

func (s *shuffled) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	a, err := s.r.Lookup(ctx, name, t)
	if err != nil || len(a.Records) < 2 {
		return a, err
	}
	recs := append([]dnsrec.Record(nil), a.Records...)
	s.mu.Lock()
	s.rnd.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	s.mu.Unlock()
	return &dnsrec.Answer{Name: a.Name, Type: a.Type, CNAMEs: a.CNAMEs, Records: recs, NXDomain: a.NXDomain, TTL: a.TTL}, nil
}

var stepRef = regexp.MustCompile(`make step (\d+) of the customer's changes \((\w+) (\w+) at ([^)]+)\)`)

// consistent checks that every sentence of a report agrees with its plan:
// every change is explained by a finding about its record set; every fix
// that names a step names one that exists, with its action, type and name;
// no finding is told twice; counts agree in number.
func consistent(t *testing.T, rep *domaincheck.DomainReport) {
	t.Helper()
	var all []plan.Finding
	seen := map[string]bool{}
	for _, a := range rep.Areas {
		for _, f := range a.Findings {
			k := fmt.Sprintf("%s|%s|%s", f.Code, strings.ToLower(f.Name), f.Subject)
			if seen[k] {
				t.Errorf("%s: finding told twice: %s", rep.Domain, f)
			}
			seen[k] = true
			all = append(all, f)
		}
	}
	if rep.Plan == nil {
		return
	}
	customer := rep.Plan.Changes.For(plan.PartyCustomer)
	for _, ch := range rep.Plan.Changes {
		explained := false
		for _, f := range all {
			explained = explained || strings.EqualFold(f.Name, ch.Name) || strings.EqualFold(f.Params["destination"]+"._report._dmarc.", strings.SplitAfterN(ch.Name, "._report._dmarc.", 2)[0])
		}
		if !explained {
			t.Errorf("%s: no finding explains the change %q (%s)", rep.Domain, ch.Summary(), ch.Reason())
		}
	}
	for _, f := range all {
		for _, m := range stepRef.FindAllStringSubmatch(f.Fix, -1) {
			n, _ := strconv.Atoi(m[1])
			if n < 1 || n > len(customer) {
				t.Errorf("%s: %s names step %d of %d", rep.Domain, f.Code, n, len(customer))
				continue
			}
			c := customer[n-1]
			if string(c.Action) != m[2] || string(c.Type) != m[3] || c.Relative != m[4] {
				t.Errorf("%s: %s names step %d as %s %s at %s, but it is %s", rep.Domain, f.Code, n, m[2], m[3], m[4], c.Summary())
			}
		}
	}
	text := rep.Text()
	for _, wrong := range []string{"1 DNS changes", "1 findings", "1 recommended changes", " remain.", "will fix that"} {
		if strings.Contains(text, wrong) {
			t.Errorf("%s: %q in\n%s", rep.Domain, wrong, rep.Summary)
		}
	}
	if rep.Ready != (rep.Status == domaincheck.DomainReady) || (rep.Ready && len(rep.Blockers) > 0) || (!rep.Ready && rep.Status != domaincheck.DomainNotChecked && len(rep.Blockers) == 0) {
		t.Errorf("%s: ready %v, status %s, blockers %q", rep.Domain, rep.Ready, rep.Status, rep.Blockers)
	}
	for _, a := range rep.Areas {
		if a.Status == domaincheck.StatusChange && len(a.Findings) == 0 {
			t.Errorf("%s: %s needs changes, with no finding", rep.Domain, a.Name)
		}
	}
}

// TestSentencesAgreeWithThePlan checks the consistency properties on every
// demo domain, with the answers in the order the zone holds them and
// shuffled: the output is the same whatever order DNS returns records in.
func TestSentencesAgreeWithThePlan(t *testing.T) {
	p := demoProfile(t)
	for _, d := range demoDomains {
		z := demo.Zone()
		want := (&domaincheck.Checker{Profile: p, Resolver: z}).Check(context.Background(), d)
		consistent(t, want)
		for seed := range uint64(4) {
			r := &shuffled{r: demo.Zone(), rnd: rand.New(rand.NewPCG(seed, 7))}
			got := (&domaincheck.Checker{Profile: p, Resolver: r}).Check(context.Background(), d)
			if got.Text() != want.Text() {
				t.Errorf("%s: the order of the answers changes the report (seed %d):\n%s\nin zone order:\n%s", d, seed, got.Text(), want.Text())
				break
			}
		}
	}
}

// generatedZone makes n customer domains from every combination of the
// shapes support tickets show, chosen by rnd.
func generatedZone(rnd *rand.Rand, n int) (string, []string) {
	spfs := []string{"", `"v=spf1 include:spf.vendor.example -all"`, `"v=spf1 include:spf.protection.outlook.example -all"`, `"v=spf1 mx"`,
		`"v=spf1 +all"`, `"v=spf1 include:spf.protection.outlook.example \226\128\147all"`, `"v=spf1 a mx ~all"`, "two"}
	dkims := []string{"", "CNAME default._domainkey.vendor.example.", "CNAME default._domainkey.other.example.", `TXT "v=DKIM1; k=rsa; p=MIIB"`}
	dmarcs := []string{"", `"v=DMARC1; p=none"`, `"v=DMARC1; p=reject; rua=mailto:d@%s"`, `"v = DMARC1; p = none"`, `"v=spf1 include:spf.vendor.example -all"`, "two",
		`"v=DMARC1; p=quarantine; rua=mailto:dmarc@vendor.example"`}
	mxs := []string{"", "10 mx.%s.", "0 x.mail.protection.outlook.example.", "10 192.0.2.99.", "0 ."}
	var b strings.Builder
	b.WriteString(demo.ZoneText())
	domains := make([]string, n)
	for i := range n {
		d := fmt.Sprintf("g%03d.example", i)
		domains[i] = d
		switch s := spfs[rnd.IntN(len(spfs))]; s {
		case "":
		case "two":
			fmt.Fprintf(&b, "%s. IN TXT \"v=spf1 include:spf.vendor.example -all\"\n%s. IN TXT \"v=spf1 mx -all\"\n", d, d)
		default:
			fmt.Fprintf(&b, "%s. IN TXT %s\n", d, s)
		}
		if k := dkims[rnd.IntN(len(dkims))]; k != "" {
			fmt.Fprintf(&b, "default._domainkey.%s. IN %s\n", d, k)
		}
		switch m := dmarcs[rnd.IntN(len(dmarcs))]; m {
		case "":
		case "two":
			fmt.Fprintf(&b, "_dmarc.%s. IN TXT \"v=DMARC1; p=none\"\n_dmarc.%s. IN TXT \"v=DMARC1; p=reject\"\n", d, d)
		default:
			fmt.Fprintf(&b, "_dmarc.%s. IN TXT %s\n", d, strings.ReplaceAll(m, "%s", d))
		}
		if m := mxs[rnd.IntN(len(mxs))]; m != "" {
			fmt.Fprintf(&b, "%s. IN MX %s\n", d, strings.ReplaceAll(m, "%s", d))
			if strings.Contains(m, "mx.%s") {
				fmt.Fprintf(&b, "mx.%s. IN A 203.0.113.%d\n", d, 1+i%200)
			}
		}
		fmt.Fprintf(&b, "%s. IN NS ns1.vendor.example.\n", d)
	}
	return b.String(), domains
}

// TestGeneratedZonesAgree checks the consistency properties on 200
// generated customer domains, and that after their whole plan (applied
// round after round) every one that can be made ready is, and none is
// made worse for the checker's own verdict.
func TestGeneratedZonesAgree(t *testing.T) {
	text, domains := generatedZone(rand.New(rand.NewPCG(2026, 12)), 200)
	p := demoProfile(t)
	for _, d := range domains {
		z := dnstest.MustZone(text)
		c := &domaincheck.Checker{Profile: p, Resolver: z}
		rep := c.Check(context.Background(), d)
		consistent(t, rep)
		shuffledRep := (&domaincheck.Checker{Profile: p, Resolver: &shuffled{r: dnstest.MustZone(text), rnd: rand.New(rand.NewPCG(1, 2))}}).Check(context.Background(), d)
		if shuffledRep.Text() != rep.Text() {
			t.Errorf("%s: the order of the answers changes the report", d)
		}
		after := applyUntilDone(t, z, c, d)
		if !after.Ready && !cannotBeMadeReady(after) {
			t.Errorf("%s: not ready after its whole plan:\n%s\nbefore:\n%s", d, after.Text(), rep.Text())
		}
	}
}

// cannotBeMadeReady says a report's domain has nothing left to change and
// says why: its blockers have no safe change.
func cannotBeMadeReady(rep *domaincheck.DomainReport) bool {
	return rep.Status == domaincheck.DomainBroken && len(rep.Plan.Changes.For(plan.PartyCustomer)) == 0
}

// applyUntilDone applies the whole plan (every party's changes) and checks
// again, up to three rounds (the DMARC policy moves one stage a round).
func applyUntilDone(t *testing.T, z *dnstest.Zone, c *domaincheck.Checker, domain string) *domaincheck.DomainReport {
	t.Helper()
	rep := c.Check(context.Background(), domain)
	for round := 0; round < 3 && rep.Plan != nil && len(rep.Plan.Changes) > 0; round++ {
		apply(t, z, rep.Plan.Changes)
		rep = c.Check(context.Background(), domain)
	}
	return rep
}

// TestWholePlanMakesReady applies each demo domain's whole plan and checks
// again: every demo domain becomes ready but the one whose SPF record has
// no room for the vendor (its mail gets SPF fail, and only the customer
// can choose a way out), and the vendor's own problem stays the vendor's,
// printed once in its own section.
func TestWholePlanMakesReady(t *testing.T) {
	p := demoProfile(t)
	z := demo.Zone()
	c := &domaincheck.Checker{Profile: p, Resolver: z}
	var readied []string
	for _, d := range demoDomains {
		rep := applyUntilDone(t, z, c, d)
		if d == "full.example" {
			if rep.Ready || !cannotBeMadeReady(rep) || !strings.Contains(strings.Join(rep.Blockers, ";"), "SPF gives fail") {
				t.Errorf("%s: the record with no room for the vendor: ready %v, %s, %q", d, rep.Ready, rep.Status, rep.Blockers)
			}
			continue
		}
		readied = append(readied, d)
		if !rep.Ready {
			t.Errorf("%s: not ready after its whole plan:\n%s", d, rep.Text())
		}
	}
	var out bytes.Buffer
	err := run(context.Background(), &out, &bytes.Buffer{}, c, options{format: "text", domains: readied, concurrency: 4})
	if err != errVendor {
		t.Errorf("after every plan: err = %v, want the vendor's own problem alone", err)
	}
	// The finding once; the providers' rules about the vendor's servers
	// refer to it by its code, in the vendor's section alone.
	if n := strings.Count(out.String(), "error sending-ptr-unconfirmed"); n != 1 {
		t.Errorf("the vendor's problem is printed %d times, want once", n)
	}
	if n := strings.Count(out.String(), "sending-ptr-unconfirmed"); n != 2 {
		t.Errorf("the vendor's problem is named %d times, want twice (the finding and the rules' line)", n)
	}
	if n := strings.Count(out.String(), "\nThe customer's DNS changes"); n != 0 {
		t.Errorf("%d domains still have changes", n)
	}
}
