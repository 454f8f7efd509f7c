// Command authorize prints the DNS changes a customer must make so that a
// vendor may send mail as the customer's domain: the SPF edit (create,
// insert before "all", repair, or merge), checked against the 10-lookup
// limit, and optionally the DKIM CNAME delegation. It reads the customer's
// zone from the embedded demo zone, or from real DNS with -live.
//
//	go run ./examples/authorize [-term include:spf.vendor.example] [-format text|zone|json] [-live] [domain ...]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/examples/internal/demo"
	"github.com/domainauth/domainauth/spf"
)

func main() {
	fs := flag.NewFlagSet("authorize", flag.ExitOnError)
	term := fs.String("term", "include:spf.vendor.example", "the SPF term that authorizes the vendor")
	format := fs.String("format", "text", "output: text, zone or json")
	resolver := demo.Flags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: authorize [flags] [domain ...]  (default: the demo customers)")
		fs.PrintDefaults()
	}
	fs.Parse(os.Args[1:])
	domains := fs.Args()
	if len(domains) == 0 {
		domains = []string{"customer.example", "klant.example", "twice.example", "dash.example", "ready.example", "new.example"}
	}
	if err := run(os.Stdout, resolver(), *term, *format, domains); err != nil {
		fmt.Fprintln(os.Stderr, "authorize:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, r dnsrec.Resolver, term, format string, domains []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i, d := range domains {
		req := spf.Authorize{Domain: d, Term: term}
		plan, err := req.Check(ctx, r)
		if err != nil {
			return err
		}
		all, err := dnsrec.CheckAll(ctx, r, req)
		if err != nil {
			return err
		}
		changes := all.Changes
		findings := all.AllFindings()
		switch format {
		case "json":
			fmt.Fprint(w, changes.JSON())
			continue
		case "zone":
			fmt.Fprint(w, changes.Zone())
			continue
		case "text":
		default:
			return fmt.Errorf("unknown -format %q", format)
		}
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "== %s\n", plan.Domain)
		if len(plan.Current) == 0 {
			fmt.Fprintln(w, "SPF record now: none")
		}
		for _, c := range plan.Current {
			fmt.Fprintf(w, "SPF record now: %s\n", c)
		}
		if plan.Proposed != "" {
			fmt.Fprintf(w, "DNS-querying terms: %d now, %d after the change (limit 10)\n", plan.LookupsBefore, plan.LookupsAfter)
		}
		for _, f := range findings {
			fmt.Fprintln(w, f)
		}
		if len(changes) == 0 {
			if plan.Satisfied {
				fmt.Fprintln(w, "Nothing to change.")
			} else {
				fmt.Fprintln(w, "No change can be proposed safely; fix the findings above first.")
			}
			continue
		}
		fmt.Fprint(w, changes.Text())
	}
	return nil
}
