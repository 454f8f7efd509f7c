// Command onboard answers the question a vendor's support engineer asks for
// every new customer domain: what must this customer change in DNS so that
// we may send mail as them? It checks three requirements through
// dnsrec.CheckAll (SPF authorizes the vendor, the DKIM selector is
// delegated to the vendor, DMARC is at least the recommended policy) and
// prints the findings and one numbered list of DNS changes.
//
//	go run ./examples/onboard [-format text|zone|json] [-live] [domain ...]
//
// It runs offline on the embedded demo zone unless told -live.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/examples/internal/demo"
	"github.com/domainauth/domainauth/spf"
)

// The vendor's side: what its customers must authorize.
const (
	vendorSPF      = "include:spf.vendor.example"
	vendorSelector = "default"
	vendorDKIM     = "default._domainkey.vendor.example"
	vendorReports  = "dmarc@vendor.example"
)

func main() {
	fs := flag.NewFlagSet("onboard", flag.ExitOnError)
	format := fs.String("format", "text", "output: text, zone or json")
	resolver := demo.Flags(fs)
	fs.Parse(os.Args[1:])
	domains := fs.Args()
	if len(domains) == 0 {
		domains = []string{"customer.example", "ready.example"}
	}
	if err := run(os.Stdout, resolver(), *format, domains); err != nil {
		fmt.Fprintln(os.Stderr, "onboard:", err)
		os.Exit(1)
	}
}

// requirements lists what the vendor needs of a customer domain.
func requirements(domain string) []dnsrec.Requirement {
	return []dnsrec.Requirement{
		spf.Authorize{Domain: domain, Term: vendorSPF},
		dkim.KeyCheck{Domain: domain, Selector: vendorSelector, Target: vendorDKIM},
		dmarc.Recommend{Domain: domain, Settings: dmarc.Settings{Policy: dmarc.PolicyQuarantine, Reports: []string{vendorReports}}},
	}
}

func run(w io.Writer, r dnsrec.Resolver, format string, domains []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	type result struct {
		Domain  string           `json:"domain"`
		Reports []*dnsrec.Report `json:"reports"`
	}
	var all []result
	for i, d := range domains {
		reports, err := dnsrec.CheckAll(ctx, r, requirements(d)...)
		if err != nil {
			return err
		}
		all = append(all, result{d, reports})
		var changes dnsrec.Changes
		for _, rep := range reports {
			changes = append(changes, rep.Changes.Pending()...)
		}
		switch format {
		case "json":
			continue
		case "zone":
			fmt.Fprintf(w, "; ==== %s\n%s", d, changes.Zone())
			continue
		case "text":
		default:
			return fmt.Errorf("unknown -format %q", format)
		}
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "==== %s\n", d)
		for _, rep := range reports {
			mark := "MISSING"
			if rep.Satisfied {
				mark = "ok     "
			}
			fmt.Fprintf(w, "[%s] %s\n", mark, rep.Requirement)
			for _, f := range rep.Findings {
				if f.Severity != dnsrec.SeverityInfo {
					fmt.Fprintf(w, "          %s\n", indent(f.String()))
				}
			}
		}
		if len(changes) == 0 {
			fmt.Fprintln(w, "\nNothing to change: the domain is ready.")
			continue
		}
		fmt.Fprintf(w, "\nDNS changes for %s:\n%s", d, changes.Text())
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(all)
	}
	return nil
}

func indent(s string) string {
	out := ""
	for i, line := range splitLines(s) {
		if i > 0 {
			out += "\n          "
		}
		out += line
	}
	return out
}

func splitLines(s string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			lines = append(lines, s[start:i])
			start = i + 1
		}
	}
	return append(lines, s[start:])
}
