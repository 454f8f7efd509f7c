// Command dmarc builds a DMARC record from flags, or checks a domain's
// policy: which record applies and how it was found, what is wrong, and
// the change that brings it up to the vendor's recommendation.
//
//	go run ./examples/dmarc -build -p reject -rua dmarc@customer.example [-sp quarantine] [-np reject] [-t] [-format text|json]
//	go run ./examples/dmarc [-rules rfc9989|rfc7489] [-recommend quarantine] [-rua dmarc@vendor.example] [-live] [-format text|json] domain ...
//
// Exit status: 0 nothing to change, 1 changes are needed, 2 usage or DNS
// failure; -h prints the usage and exits 0.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/plan"
)

func main() { os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr)) }

func realMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dmarc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	build := fs.Bool("build", false, "print the record the flags describe and exit")
	p := fs.String("p", "none", "policy: none, quarantine or reject")
	sp := fs.String("sp", "", "subdomain policy")
	np := fs.String("np", "", "policy for non-existent subdomains (RFC 9989)")
	testing := fs.Bool("t", false, "testing mode, t=y (RFC 9989)")
	rua := fs.String("rua", "", "aggregate report addresses, comma-separated")
	rules := fs.String("rules", "rfc9989", "rfc9989 or rfc7489")
	recommend := fs.String("recommend", "quarantine", "with a domain: the policy the vendor recommends in the end")
	selectors := fs.String("selectors", "default", "with a domain: the DKIM selectors the domain signs with")
	reportsPass := fs.Bool("reports-pass", false, "with a domain: the aggregate reports show all legitimate mail passing, so the policy may be tightened")
	format := fs.String("format", "text", "output: text or json")
	resolver := demo.Flags(fs)
	if help, err := demo.ParseHelp(fs, args, stdout); help {
		return demo.ExitReady
	} else if err != nil {
		return demo.ExitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "dmarc: -format %q: use text or json\n", *format)
		return demo.ExitUsage
	}
	var reports []string
	if *rua != "" {
		reports = strings.Split(*rua, ",")
	}
	if *build {
		if fs.NArg() > 0 {
			fmt.Fprintln(stderr, "dmarc: -build takes no domain")
			return demo.ExitUsage
		}
		if err := runBuild(stdout, dmarc.Settings{Policy: dmarc.Policy(*p), SubdomainPolicy: dmarc.Policy(*sp), NonexistentPolicy: dmarc.Policy(*np), Testing: *testing, Reports: reports}, *format); err != nil {
			fmt.Fprintln(stderr, "dmarc:", demo.Sentence(err))
			return demo.ExitUsage
		}
		return demo.ExitReady
	}
	domains := fs.Args()
	if len(domains) == 0 {
		domains = []string{"customer.example", "ready.example", "new.example", "spaces.example", "misplaced.example"}
	}
	if reports == nil {
		reports = []string{"dmarc@vendor.example"}
	}
	if *rules != string(dmarc.RFC9989) && *rules != string(dmarc.RFC7489) {
		fmt.Fprintf(stderr, "dmarc: -rules %q: use rfc9989 or rfc7489\n", *rules)
		return demo.ExitUsage
	}
	c := check{rules: dmarc.Rules(*rules), rec: dmarc.Settings{Policy: dmarc.Policy(*recommend), Reports: reports},
		selectors: strings.Split(*selectors, ","), reportsPass: *reportsPass, format: *format}
	if err := c.validate(domains); err != nil {
		fmt.Fprintln(stderr, "dmarc:", demo.Sentence(err))
		return demo.ExitUsage
	}
	switch err := c.run(stdout, resolver(), domains); {
	case errors.Is(err, errChanges):
		return demo.ExitChanges
	case err != nil:
		fmt.Fprintln(stderr, "dmarc:", demo.Sentence(err))
		return demo.ExitUsage
	}
	return demo.ExitReady
}

var errChanges = errors.New("changes needed")

// check is what the check mode was asked.
type check struct {
	rules       dmarc.Rules
	rec         dmarc.Settings
	selectors   []string
	reportsPass bool
	format      string // text or json
}

func (c check) validate(domains []string) error {
	if c.rules != dmarc.RFC9989 && c.rules != dmarc.RFC7489 {
		return fmt.Errorf("-rules %q: use rfc9989 or rfc7489", string(c.rules))
	}
	if _, err := dmarc.Build(c.rec); err != nil {
		return fmt.Errorf("-recommend or -rua: %w", err)
	}
	for _, sel := range c.selectors {
		if _, err := dkim.Name(sel, "example.com"); err != nil {
			return fmt.Errorf("-selectors: %w", err)
		}
	}
	for _, d := range domains {
		if _, err := dnsrec.ParseDomain("domain", d); err != nil {
			return err
		}
	}
	return nil
}

func runBuild(w io.Writer, s dmarc.Settings, format string) error {
	r, err := dmarc.Build(s)
	if err != nil {
		return err
	}
	findings := dmarc.Lint(r.String())
	if format == "json" {
		if findings == nil {
			findings = []plan.Finding{}
		}
		return writeJSON(w, struct {
			Record   string         `json:"record"`
			Findings []plan.Finding `json:"findings"`
		}{r.String(), findings})
	}
	fmt.Fprintln(w, r)
	for _, f := range findings {
		fmt.Fprintln(w, f)
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// domainResult is one domain's check, as -format json prints it.
type domainResult struct {
	Domain       string         `json:"domain"`
	Rules        dmarc.Rules    `json:"rules"`
	Queries      []query        `json:"queries"`
	Record       string         `json:"record,omitempty"` // the record that applies, as published
	PolicyDomain string         `json:"policy_domain,omitempty"`
	OrgDomain    string         `json:"org_domain,omitempty"`
	PolicyTag    string         `json:"policy_tag,omitempty"`
	Policy       dmarc.Policy   `json:"policy,omitempty"`
	Findings     []plan.Finding `json:"findings"`
	Changes      plan.Changes   `json:"changes"`
	Satisfied    bool           `json:"satisfied"`
}

type query struct {
	Name   string `json:"name"`
	Result string `json:"result"`
}

func (c check) run(w io.Writer, r dnsrec.Resolver, domains []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rules, rec, selectors := c.rules, c.rec, c.selectors
	pending := false
	results := []domainResult{}
	text := w
	if c.format == "json" {
		text = io.Discard
	}
	for i, domain := range domains {
		if i > 0 {
			fmt.Fprintln(text)
		}
		w := text
		inspect := dmarc.Inspect{Domain: domain, Rules: rules, DKIMSelectors: selectors}
		in, err := inspect.Check(ctx, r)
		if err != nil {
			return err
		}
		d := in.Discovery
		fmt.Fprintf(w, "== %s (%s)\n", in.Domain, rules)
		for _, q := range d.Queries {
			fmt.Fprintf(w, "  %s: %s\n", q.Name, q.Result)
		}
		if d.Record != nil {
			fmt.Fprintf(w, "Policy: %s=%s from %s; organizational domain %s\n", d.PolicyTag, d.Policy, d.PolicyDomain, d.OrgDomain)
		}
		for _, f := range in.Findings {
			fmt.Fprintln(w, f)
		}
		var keys []dkim.KeyCheck
		for _, sel := range selectors {
			keys = append(keys, dkim.KeyCheck{Domain: domain, Selector: sel})
		}
		pl, err := plan.Check(ctx, r, inspect, dmarc.Recommend{Domain: domain, Settings: rec, Rules: rules, DKIM: keys, ReportsPass: c.reportsPass})
		if err != nil {
			return err
		}
		pending = pending || len(pl.Changes) > 0 || !pl.Satisfied()
		res := domainResult{Domain: in.Domain, Rules: rules, Queries: []query{}, Record: d.RecordText, PolicyDomain: d.PolicyDomain, OrgDomain: d.OrgDomain,
			PolicyTag: d.PolicyTag, Policy: d.Policy, Findings: plan.AppendNew(append([]plan.Finding{}, in.Findings...), pl.Reports[1].Findings...),
			Changes: pl.Changes, Satisfied: len(pl.Changes) == 0 && pl.Satisfied()}
		if d.Record == nil {
			res.PolicyDomain, res.PolicyTag, res.Policy = "", "", ""
		}
		for _, q := range d.Queries {
			res.Queries = append(res.Queries, query{q.Name, q.Result})
		}
		results = append(results, res)
		// What the recommendation adds to the inspection, each finding once.
		for _, f := range plan.AppendNew(in.Findings, pl.Reports[1].Findings...)[len(in.Findings):] {
			fmt.Fprintln(w, f)
		}
		if len(pl.Changes) == 0 {
			fmt.Fprintln(w, "Nothing to change: the policy meets the recommendation.")
		}
		for _, party := range []plan.Party{plan.PartyCustomer, plan.PartyVendor, plan.PartyOther} {
			if p := pl.Changes.For(party); len(p) > 0 {
				fmt.Fprintf(w, "What the %s must change:\n%s", party, p.Text())
			}
		}
	}
	if c.format == "json" {
		if err := writeJSON(w, struct {
			Domains []domainResult `json:"domains"`
		}{results}); err != nil {
			return err
		}
	}
	if pending {
		return errChanges
	}
	return nil
}
