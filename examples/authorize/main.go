// Command authorize prints the DNS change a customer must make so that a
// vendor may send mail as the customer's domain: the SPF edit (create,
// insert before "all", repair, or merge), checked against the 10-lookup
// limit and the library's own lint before it is proposed. It reads the
// customer's zone from the embedded demo zone, or from real DNS with -live.
//
//	go run ./examples/authorize [-term include:spf.vendor.example] [-format text|zone|nsupdate|json] [-live] [domain ...]
//
// Exit status: 0 every domain already authorizes the term, 1 changes are
// needed (or none can be proposed safely), 2 usage or DNS failure.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

var errChanges = errors.New("changes needed")

func main() { os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr)) }

func realMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("authorize", flag.ContinueOnError)
	fs.SetOutput(stderr)
	term := fs.String("term", "include:spf.vendor.example", "the SPF term that authorizes the vendor")
	format := fs.String("format", "text", "output: text, zone, nsupdate or json")
	resolver := demo.Flags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: authorize [flags] [domain ...]  (default: the demo customers)")
		fs.PrintDefaults()
	}
	if help, err := demo.ParseHelp(fs, args, stdout); help {
		return demo.ExitReady
	} else if err != nil {
		return demo.ExitUsage
	}
	domains := fs.Args()
	if len(domains) == 0 {
		domains = []string{"customer.example", "klant.example", "twice.example", "dash.example", "ready.example", "new.example", "full.example"}
	}
	if err := validate(*term, *format, domains); err != nil {
		fmt.Fprintln(stderr, "authorize:", demo.Sentence(err))
		return demo.ExitUsage
	}
	switch err := run(stdout, resolver(), *term, *format, domains); {
	case errors.Is(err, errChanges):
		return demo.ExitChanges
	case err != nil:
		fmt.Fprintln(stderr, "authorize:", demo.Sentence(err))
		return demo.ExitUsage
	}
	return demo.ExitReady
}

func validate(term, format string, domains []string) error {
	switch format {
	case "text", "zone", "nsupdate", "json":
	default:
		return fmt.Errorf("-format %q: use text, zone, nsupdate or json", format)
	}
	if _, err := spf.Insert("v=spf1 -all", term); err != nil {
		return fmt.Errorf("-term: %w", err)
	}
	for _, d := range domains {
		if _, err := dnsrec.ParseDomain("domain", d); err != nil {
			return err
		}
	}
	return nil
}

func run(w io.Writer, r dnsrec.Resolver, term, format string, domains []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var all plan.Changes
	pending := false
	for i, d := range domains {
		req := spf.Authorize{Domain: d, Term: term}
		res, err := req.Check(ctx, r)
		if err != nil {
			return err
		}
		pl, err := plan.Check(ctx, r, req)
		if err != nil {
			return err
		}
		pending = pending || !pl.Satisfied()
		all = append(all, pl.Changes...)
		if format != "text" {
			continue
		}
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "== %s\n", res.Domain)
		if len(res.Current) == 0 {
			fmt.Fprintln(w, "SPF record now: none")
		}
		for _, c := range res.Current {
			fmt.Fprintf(w, "SPF record now: %s\n", c)
		}
		if res.Proposed != "" && len(pl.Changes) > 0 {
			fmt.Fprintf(w, "DNS-querying terms: %d now, %d after the change (limit 10)\n", res.LookupsBefore, res.LookupsAfter)
		}
		for _, f := range pl.AllFindings() {
			fmt.Fprintln(w, f)
		}
		switch {
		case len(pl.Changes) > 0:
			fmt.Fprint(w, pl.Changes.Text())
		case res.Satisfied:
			fmt.Fprintln(w, "Nothing to change: the record already authorizes "+term+".")
		default:
			fmt.Fprintln(w, "No change can be proposed safely; fix the findings above first.")
		}
	}
	switch format {
	case "json":
		// [] when nothing is to change, and [] for a record set that does
		// not exist yet: never null.
		out := plan.Changes{}
		for _, c := range all {
			if c.Current == nil {
				c.Current = []dnsrec.Record{}
			}
			if c.Proposed == nil {
				c.Proposed = []dnsrec.Record{}
			}
			out = append(out, c)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	case "zone":
		fmt.Fprint(w, all.Zone())
	case "nsupdate":
		fmt.Fprint(w, all.NSUpdate())
	}
	if pending {
		return errChanges
	}
	return nil
}
