// Command dkimkey generates a DKIM key pair and prints the records a
// customer must publish, or checks what a customer has published.
//
//	go run ./cmd/dkimkey -domain customer.example [-selector default] [-type rsa|ed25519] [-bits 2048] [-out key.pem] [-cname vendor.example] [-format text|json]
//	go run ./cmd/dkimkey -check spaced.example [-selector default] [-vendor vendor.example] [-delegated] [-live] [-format text|json]
//
// With -check it compares the customer's selector with the vendor's key
// (read from <selector>._domainkey.<vendor>), or with -delegated expects a
// CNAME to it, and prints what is wrong and how to fix it; a selector
// already delegated to the vendor by CNAME is checked as a delegation. The
// vendor's own records are listed apart from the customer's steps. Exit
// status: 0 the key is (or the records are) in place, 1 changes are
// needed, 2 usage or DNS failure; -h prints the usage and exits 0.
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

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/plan"
)

func main() { os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr)) }

// errNotVerifying says a checked selector does not verify (exit status 1).
var errNotVerifying = errors.New("signatures will not verify")

func realMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dkimkey", flag.ContinueOnError)
	fs.SetOutput(stderr)
	domain := fs.String("domain", "customer.example", "the customer's domain to publish the key for")
	selector := fs.String("selector", "default", "the DKIM selector")
	keyType := fs.String("type", "rsa", "key type: rsa or ed25519")
	bits := fs.Int("bits", 0, "RSA key size (default 2048)")
	out := fs.String("out", "", "write the private key (PKCS#8 PEM) to this file instead of standard output")
	cname := fs.String("cname", "", "also print the CNAME that delegates the selector to this vendor domain")
	check := fs.String("check", "", "check this domain's selector instead of generating a key")
	vendor := fs.String("vendor", "vendor.example", "with -check: the vendor whose key is expected")
	delegated := fs.Bool("delegated", false, "with -check: expect a CNAME to the vendor rather than a copy of its key")
	format := fs.String("format", "text", "output: text or json")
	resolver := demo.Flags(fs)
	fail := func(err error) int {
		fmt.Fprintln(stderr, "dkimkey:", demo.Sentence(err))
		return demo.ExitUsage
	}
	if help, err := demo.ParseHelp(fs, args, stdout); help {
		return demo.ExitReady
	} else if err != nil {
		return demo.ExitUsage
	}
	checking := false
	fs.Visit(func(f *flag.Flag) { checking = checking || f.Name == "check" })
	if *format != "text" && *format != "json" {
		return fail(fmt.Errorf("-format %q: use text or json", *format))
	}
	if checking && *check == "" {
		return fail(errors.New("-check needs the domain to check (-check customer.example)"))
	}
	// Every argument is checked before a key is generated or DNS is asked:
	// a mistyped command must never print a private key.
	if fs.NArg() > 0 {
		return fail(fmt.Errorf("unexpected argument %q: name the domain with -domain (or -check)", fs.Arg(0)))
	}
	if _, err := dkim.Name(*selector, "example.com"); err != nil {
		return fail(fmt.Errorf("-selector: %w", err))
	}
	if checking {
		for _, a := range []struct{ arg, d string }{{"-check", *check}, {"-vendor", *vendor}} {
			if _, err := dnsrec.ParseDomain(a.arg, a.d); err != nil {
				return fail(err)
			}
		}
		switch err := runCheck(stdout, resolver(), *check, *selector, *vendor, *delegated, *format); {
		case errors.Is(err, errNotVerifying):
			return demo.ExitChanges
		case err != nil:
			return fail(err)
		}
		return demo.ExitReady
	}
	kt := dkim.KeyType(*keyType)
	switch {
	case kt != dkim.KeyRSA && kt != dkim.KeyEd25519:
		return fail(fmt.Errorf("-type %q: use rsa or ed25519", *keyType))
	case kt == dkim.KeyEd25519 && *bits != 0:
		return fail(errors.New("-bits applies to RSA keys only"))
	case kt == dkim.KeyRSA && *bits != 0 && (*bits < 1024 || *bits > 4096):
		return fail(fmt.Errorf("-bits %d: use 1024 to 4096 (2048 is the default and the advice of RFC 8301)", *bits))
	}
	if _, err := dnsrec.ParseDomain("-domain", *domain); err != nil {
		return fail(err)
	}
	if *cname != "" {
		if _, err := dnsrec.ParseDomain("-cname", *cname); err != nil {
			return fail(err)
		}
	}
	if *out != "" {
		if _, err := os.Stat(*out); err == nil {
			return fail(fmt.Errorf("-out %s: the file exists; a private key is never overwritten", *out))
		}
	}
	if err := runGenerate(stdout, *domain, *selector, kt, *bits, *out, *cname, *format); err != nil {
		fmt.Fprintln(stderr, "dkimkey:", demo.Sentence(err))
		return demo.ExitChanges
	}
	return demo.ExitReady
}

// output is what dkimkey prints with -format json.
type output struct {
	PrivateKey     string         `json:"private_key,omitempty"`      // PEM, when not written to a file
	PrivateKeyFile string         `json:"private_key_file,omitempty"` // where it was written
	Name           string         `json:"name,omitempty"`             // the selector checked
	Verifies       *bool          `json:"verifies,omitempty"`
	Delegated      bool           `json:"delegated,omitempty"`
	Findings       []plan.Finding `json:"findings"`
	Customer       plan.Changes   `json:"customer_changes"` // the customer's steps, in order
	Vendor         plan.Changes   `json:"vendor_changes"`   // what the vendor publishes itself
}

func (o *output) write(w io.Writer) error {
	if o.Findings == nil {
		o.Findings = []plan.Finding{}
	}
	if o.Customer == nil {
		o.Customer = plan.Changes{}
	}
	if o.Vendor == nil {
		o.Vendor = plan.Changes{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(o)
}

// printChanges prints the customer's steps, numbered, and the vendor's
// records apart: the customer never counts the vendor's work as a step.
func printChanges(w io.Writer, changes plan.Changes) {
	if cs := changes.For(plan.PartyCustomer); len(cs) > 0 {
		fmt.Fprintf(w, "\nWhat the customer publishes:\n%s", cs.Text())
	}
	if vs := changes.For(plan.PartyVendor); len(vs) > 0 {
		fmt.Fprintf(w, "\nWhat the vendor publishes in its own zone (not a step for the customer):\n%s", vs.Text())
	}
}

func runGenerate(w io.Writer, domain, selector string, kt dkim.KeyType, bits int, out, cname, format string) error {
	key, err := dkim.GenerateKey(kt, bits, nil)
	if err != nil {
		return err
	}
	pemKey, err := dkim.MarshalPrivateKeyPEM(key)
	if err != nil {
		return err
	}
	res := &output{}
	if out != "" {
		f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		if _, err := f.Write(pemKey); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		res.PrivateKeyFile = out
	} else {
		res.PrivateKey = string(pemKey)
	}
	rec, err := dkim.NewRecord(key.Public())
	if err != nil {
		return err
	}
	txt, err := dkim.TXT(selector, domain, rec)
	if err != nil {
		return err
	}
	publish := func(r dnsrec.Record, party plan.Party, why string) plan.Change {
		return plan.NewChange(r.Name, r.Type, nil, []dnsrec.Record{r}, party, plan.StageDKIM, plan.Reason{Code: dkim.ReasonPublishKey, Text: why})
	}
	changes := plan.Changes{publish(txt, plan.PartyCustomer, "publish the public key that receivers verify signatures with")}
	res.Findings = dkim.KeyFindings(key.Public())
	if cname != "" {
		d, err := dkim.Delegation(selector, domain, cname)
		if err != nil {
			return err
		}
		vendorTXT, err := dkim.TXT(selector, cname, rec)
		if err != nil {
			return err
		}
		changes = plan.Changes{
			publish(d, plan.PartyCustomer, "the customer delegates the selector to the vendor, who can then rotate the key alone"),
			publish(vendorTXT, plan.PartyVendor, "the vendor publishes the key in its own zone"),
		}
	}
	res.Customer, res.Vendor = changes.For(plan.PartyCustomer), changes.For(plan.PartyVendor)
	if format == "json" {
		return res.write(w)
	}
	if out != "" {
		fmt.Fprintf(w, "Private key written to %s (keep it secret; the signer needs it).\n", out)
	} else {
		fmt.Fprintf(w, "Private key (keep it secret; the signer needs it):\n%s", pemKey)
	}
	for _, f := range res.Findings {
		fmt.Fprintln(w, f)
	}
	printChanges(w, changes)
	fmt.Fprintf(w, "\nThe customer's records as zone-file lines:\n%s", changes.For(plan.PartyCustomer).Zone())
	if vs := changes.For(plan.PartyVendor); len(vs) > 0 {
		fmt.Fprintf(w, "\nThe vendor's records as zone-file lines:\n%s", vs.Zone())
	}
	return nil
}

func runCheck(w io.Writer, r dnsrec.Resolver, domain, selector, vendor string, delegated bool, format string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := dkim.KeyCheck{Domain: domain, Selector: selector}
	vendorName, err := dkim.Name(selector, vendor)
	if err != nil {
		return err
	}
	name, err := dkim.Name(selector, domain)
	if err != nil {
		return err
	}
	// A selector already delegated to the vendor by CNAME is checked as
	// the delegation it is: the advice is never "delete the CNAME".
	note := ""
	if !delegated {
		a, err := r.Lookup(ctx, name, dnsrec.TypeCNAME)
		if err != nil && errors.Is(err, dnsrec.ErrTemporary) {
			return err
		}
		if err == nil {
			for _, t := range a.Targets() {
				if dnsrec.TrimDot(t) == dnsrec.TrimDot(vendorName) {
					delegated = true
					note = "the selector is delegated to the vendor by a CNAME to " + dnsrec.TrimDot(vendorName) + ", so it is checked as a delegation"
				}
			}
		}
	}
	if delegated {
		c.Target = vendorName
	} else {
		vd, err := dkim.KeyCheck{Domain: vendor, Selector: selector}.Check(ctx, r)
		if err != nil {
			return err
		}
		if vd.Record == nil {
			return errors.New("the vendor publishes no usable key at " + dnsrec.TrimDot(vendorName))
		}
		if c.Key, err = vd.Record.PublicKey(); err != nil {
			return err
		}
	}
	d, err := c.Check(ctx, r)
	if err != nil {
		return err
	}
	pl, err := plan.Check(ctx, r, c)
	if err != nil {
		return err
	}
	verifies := d.Satisfied
	res := &output{Name: dnsrec.TrimDot(d.Name), Verifies: &verifies, Delegated: delegated, Findings: d.Findings,
		Customer: pl.Changes.For(plan.PartyCustomer), Vendor: pl.Changes.For(plan.PartyVendor)}
	if format == "json" {
		if err := res.write(w); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(w, "%s: ", res.Name)
		if verifies {
			fmt.Fprintln(w, "signatures will verify.")
		} else {
			fmt.Fprintln(w, "signatures will NOT verify.")
		}
		if note != "" {
			fmt.Fprintf(w, "(%s.)\n", note)
		}
		for _, f := range d.Findings {
			fmt.Fprintln(w, f)
		}
		printChanges(w, pl.Changes)
	}
	if !verifies || len(pl.Changes) > 0 {
		return errNotVerifying
	}
	return nil
}
