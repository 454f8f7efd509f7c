// Command dmarc builds a DMARC record from flags, or checks a domain's
// policy: which record applies and how it was found, what is wrong, and
// the change that brings it up to the vendor's recommendation.
//
//	go run ./examples/dmarc -build -p reject -rua dmarc@customer.example [-sp quarantine] [-np reject] [-t]
//	go run ./examples/dmarc [-rules rfc9989|rfc7489] [-recommend quarantine] [-rua dmarc@vendor.example] [-live] domain ...
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/examples/internal/demo"
)

func main() {
	fs := flag.NewFlagSet("dmarc", flag.ExitOnError)
	build := fs.Bool("build", false, "print the record the flags describe and exit")
	p := fs.String("p", "none", "policy: none, quarantine or reject")
	sp := fs.String("sp", "", "subdomain policy")
	np := fs.String("np", "", "policy for non-existent subdomains (RFC 9989)")
	testing := fs.Bool("t", false, "testing mode, t=y (RFC 9989)")
	rua := fs.String("rua", "", "aggregate report addresses, comma-separated")
	rules := fs.String("rules", "rfc9989", "rfc9989 or rfc7489")
	recommend := fs.String("recommend", "quarantine", "with a domain: the policy the vendor recommends")
	selectors := fs.String("selectors", "default", "with a domain: the DKIM selectors the domain signs with")
	resolver := demo.Flags(fs)
	fs.Parse(os.Args[1:])
	var reports []string
	if *rua != "" {
		reports = strings.Split(*rua, ",")
	}
	var err error
	if *build {
		err = runBuild(os.Stdout, dmarc.Settings{Policy: dmarc.Policy(*p), SubdomainPolicy: dmarc.Policy(*sp), NonexistentPolicy: dmarc.Policy(*np), Testing: *testing, Reports: reports})
	} else {
		domains := fs.Args()
		if len(domains) == 0 {
			domains = []string{"customer.example", "ready.example", "new.example"}
		}
		if reports == nil {
			reports = []string{"dmarc@vendor.example"}
		}
		err = runCheck(os.Stdout, resolver(), dmarc.Rules(*rules), domains, dmarc.Settings{Policy: dmarc.Policy(*recommend), Reports: reports}, strings.Split(*selectors, ","))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dmarc:", err)
		os.Exit(1)
	}
}

func runBuild(w io.Writer, s dmarc.Settings) error {
	r, err := dmarc.Build(s)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, r)
	for _, f := range dmarc.Lint(r.String()) {
		fmt.Fprintln(w, f)
	}
	return nil
}

func runCheck(w io.Writer, r dnsrec.Resolver, rules dmarc.Rules, domains []string, rec dmarc.Settings, selectors []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i, domain := range domains {
		if i > 0 {
			fmt.Fprintln(w)
		}
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
		plan, err := dnsrec.CheckAll(ctx, r, inspect, dmarc.Recommend{Domain: domain, Settings: rec, Rules: rules})
		if err != nil {
			return err
		}
		for _, f := range plan.Reports[1].Findings {
			fmt.Fprintln(w, f)
		}
		if len(plan.Changes) == 0 {
			fmt.Fprintln(w, "Nothing to change: the policy meets the recommendation.")
		}
		for _, party := range []dnsrec.Party{dnsrec.PartyCustomer, dnsrec.PartyVendor, dnsrec.PartyOther} {
			if p := plan.Changes.For(party); len(p) > 0 {
				fmt.Fprintf(w, "What the %s must change:\n%s", party, p.Text())
			}
		}
	}
	return nil
}
