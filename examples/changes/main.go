// Command changes prints the DNS change instructions a vendor sends a
// customer, in the three forms dnsrec renders: steps for a person, zone-file
// lines, and JSON. It reads the customer's current TXT records (from the
// embedded demo zone, or real DNS with -live) and shows how "update" differs
// from "add".
//
//	go run ./examples/changes [-format text|zone|json] [-live] [domain]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/examples/internal/demo"
)

func main() {
	fs := flag.NewFlagSet("changes", flag.ExitOnError)
	format := fs.String("format", "text", "output: text, zone or json")
	resolver := demo.Flags(fs)
	fs.Parse(os.Args[1:])
	domain := "customer.example"
	if fs.NArg() > 0 {
		domain = fs.Arg(0)
	}
	if err := run(*format, domain, resolver()); err != nil {
		fmt.Fprintln(os.Stderr, "changes:", err)
		os.Exit(1)
	}
}

func run(format, domain string, r dnsrec.Resolver) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ans, err := r.Lookup(ctx, domain, dnsrec.TypeTXT)
	if err != nil {
		return err
	}
	var changes dnsrec.Changes
	// The TXT record that starts with v=spf1 is the one to edit. (The spf
	// package does this properly; here the point is the rendering.)
	const include = "include:spf.vendor.example"
	for _, rec := range ans.Records {
		v := rec.Value()
		if !strings.HasPrefix(strings.ToLower(v), "v=spf1 ") {
			continue
		}
		i := strings.LastIndex(v, " ")
		updated, err := dnsrec.NewTXT(domain, v[:i]+" "+include+v[i:])
		if err != nil {
			return err
		}
		changes = append(changes, dnsrec.Update(rec, updated, "authorize the vendor's mail servers to send as "+domain))
	}
	if len(changes) == 0 {
		rec, err := dnsrec.NewTXT(domain, "v=spf1 "+include+" -all")
		if err != nil {
			return err
		}
		changes = append(changes, dnsrec.Add(rec, domain+" has no SPF record yet"))
	}
	dkim, err := dnsrec.NewCNAME("default._domainkey."+domain, "default._domainkey.vendor.example")
	if err != nil {
		return err
	}
	changes = append(changes, dnsrec.Add(dkim, "delegate the vendor's DKIM key, so the vendor can sign as "+domain))
	switch format {
	case "text":
		fmt.Printf("DNS changes for %s:\n\n%s", domain, changes.Text())
	case "zone":
		fmt.Print(changes.Zone())
	case "json":
		fmt.Print(changes.JSON())
	default:
		return errors.New("unknown -format " + format)
	}
	return nil
}
