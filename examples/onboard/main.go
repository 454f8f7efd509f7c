// Command onboard answers the question a vendor's support engineer asks for
// every new customer domain: what must this customer change in DNS so that
// we may send mail as them? It checks three requirements together through
// dnsrec.CheckAll (SPF authorizes the vendor, the DKIM selector is
// delegated to the vendor, DMARC reaches the recommended policy in safe
// stages) and prints the findings and one safe, ordered plan: the
// customer's steps, and the vendor's own steps apart.
//
//	go run ./examples/onboard [flags] [domain ...]
//
// It runs offline on the embedded demo zone unless told -live. Exit status:
// 0 every domain is ready, 1 changes are needed, 2 usage or DNS failure.
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
	"github.com/domainauth/domainauth/examples/internal/demo"
	"github.com/domainauth/domainauth/spf"
)

// vendor is what the vendor needs of a customer domain.
type vendor struct {
	spfTerm    string
	selector   string
	dkimTarget string // the vendor's own name for the key; "" with -dkim-target=""
	reports    string
	policy     dmarc.Policy
}

// defaultVendor is the demo vendor: what the flags default to.
func defaultVendor() vendor {
	return vendor{spfTerm: "include:spf.vendor.example", selector: "default", dkimTarget: "default._domainkey.vendor.example",
		reports: "dmarc@vendor.example", policy: dmarc.PolicyQuarantine}
}

// errChanges says that at least one domain needs changes (exit status 1).
var errChanges = errors.New("changes needed")

var formats = map[string]bool{"text": true, "zone": true, "json": true, "nsupdate": true}

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

func realMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("onboard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output: text, zone, nsupdate or json")
	v := defaultVendor()
	fs.StringVar(&v.spfTerm, "spf", v.spfTerm, "the SPF mechanism that authorizes the vendor")
	fs.StringVar(&v.selector, "selector", v.selector, "the DKIM selector the vendor signs with")
	fs.StringVar(&v.dkimTarget, "dkim-target", v.dkimTarget, "the vendor's name the selector is delegated to by CNAME")
	fs.StringVar(&v.reports, "rua", v.reports, "the address the vendor receives DMARC aggregate reports at")
	policy := fs.String("policy", string(v.policy), "the DMARC policy the vendor needs in the end: none, quarantine or reject")
	resolver := demo.Flags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: onboard [flags] [domain ...]")
		fs.PrintDefaults()
	}
	if demo.ParseArgs(fs, args) != nil {
		return demo.ExitUsage
	}
	v.policy = dmarc.Policy(*policy)
	domains := fs.Args()
	if len(domains) == 0 {
		domains = []string{"customer.example", "new.example", "ready.example"}
	}
	if err := validate(*format, v, domains); err != nil {
		fmt.Fprintln(stderr, "onboard:", err)
		return 2
	}
	err := run(stdout, resolver(), v, *format, domains)
	switch {
	case errors.Is(err, errChanges):
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "onboard:", err)
		return 2
	}
	return 0
}

// validate checks every argument before any DNS question is asked.
func validate(format string, v vendor, domains []string) error {
	if !formats[format] {
		return fmt.Errorf("-format %q: use text, zone, nsupdate or json", format)
	}
	switch v.policy {
	case dmarc.PolicyNone, dmarc.PolicyQuarantine, dmarc.PolicyReject:
	default:
		return fmt.Errorf("-policy %q: use none, quarantine or reject", v.policy)
	}
	if _, err := spf.Insert("v=spf1 -all", v.spfTerm); err != nil {
		return fmt.Errorf("-spf %q: %w", v.spfTerm, err)
	}
	if _, err := dmarc.Build(dmarc.Settings{Reports: []string{v.reports}}); err != nil {
		return fmt.Errorf("-rua: %w", err)
	}
	if v.dkimTarget != "" {
		if _, err := dnsrec.CanonicalName(v.dkimTarget); err != nil {
			return fmt.Errorf("-dkim-target: %w", err)
		}
	}
	if _, err := dkim.Name(v.selector, "vendor.example"); err != nil {
		return fmt.Errorf("-selector: %w", err)
	}
	for _, d := range domains {
		if strings.HasPrefix(d, "-") {
			return fmt.Errorf("%q looks like a flag after the domains; put flags first", d)
		}
		if _, err := dnsrec.ParseDomain("domain", d); err != nil {
			return err
		}
	}
	return nil
}

// requirements lists what the vendor needs of a customer domain.
func (v vendor) requirements(domain string) []dnsrec.Requirement {
	key := dkim.KeyCheck{Domain: domain, Selector: v.selector, Target: v.dkimTarget}
	return []dnsrec.Requirement{
		key,
		spf.Authorize{Domain: domain, Term: v.spfTerm},
		dmarc.Recommend{Domain: domain, Settings: dmarc.Settings{Policy: v.policy, Reports: []string{v.reports}}, DKIM: []dkim.KeyCheck{key}},
	}
}

// result is one domain's outcome, as JSON.
type result struct {
	Domain string       `json:"domain"`
	Ready  bool         `json:"ready"`
	Plan   *dnsrec.Plan `json:"plan"`
}

func run(w io.Writer, r dnsrec.Resolver, v vendor, format string, domains []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var all []result
	var failed []string
	for i, d := range domains {
		plan, err := dnsrec.CheckAll(ctx, r, v.requirements(d)...)
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", d, err))
			if plan == nil {
				continue
			}
		}
		all = append(all, result{Domain: d, Ready: plan.Satisfied(), Plan: plan})
		switch format {
		case "json":
		case "zone":
			fmt.Fprintf(w, "; ==== %s: the customer's changes\n%s", d, plan.Changes.For(dnsrec.PartyCustomer).Zone())
		case "nsupdate":
			fmt.Fprintf(w, "; ==== %s: the customer's changes\n%s", d, plan.Changes.For(dnsrec.PartyCustomer).NSUpdate())
		default:
			if i > 0 {
				fmt.Fprintln(w)
			}
			writeText(w, d, plan)
		}
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(all); err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("could not check %s", strings.Join(failed, "; "))
	}
	for _, res := range all {
		if !res.Ready {
			return errChanges
		}
	}
	return nil
}

func writeText(w io.Writer, domain string, plan *dnsrec.Plan) {
	fmt.Fprintf(w, "==== %s\n", domain)
	for _, rep := range plan.Reports {
		if rep == nil {
			continue
		}
		mark := "MISSING"
		if rep.Satisfied {
			mark = "ok     "
		}
		fmt.Fprintf(w, "[%s] %s\n", mark, rep.Requirement)
		for _, f := range rep.Findings {
			if f.Severity != dnsrec.SeverityInfo || f.Code == dmarc.CodeStaged {
				fmt.Fprintf(w, "          %s\n", strings.ReplaceAll(f.String(), "\n", "\n          "))
			}
		}
	}
	for _, f := range plan.Findings {
		fmt.Fprintf(w, "          %s\n", strings.ReplaceAll(f.String(), "\n", "\n          "))
	}
	customer, vendor := plan.Changes.For(dnsrec.PartyCustomer), plan.Changes.For(dnsrec.PartyVendor)
	if len(plan.Changes) == 0 {
		if plan.Satisfied() {
			fmt.Fprintln(w, "\nNothing to change: the domain is ready.")
		} else {
			fmt.Fprintln(w, "\nNo DNS change can be proposed now; see the findings above.")
		}
		return
	}
	if len(customer) > 0 {
		fmt.Fprintf(w, "\nThe customer's DNS changes for %s, in this order:\n%s", domain, customer.Text())
	}
	if len(vendor) > 0 {
		fmt.Fprintf(w, "\nThe vendor's own DNS changes:\n%s", vendor.Text())
	}
	if other := plan.Changes.For(dnsrec.PartyOther); len(other) > 0 {
		fmt.Fprintf(w, "\nChanges for other parties (the operators of these zones):\n%s", other.Text())
	}
}
