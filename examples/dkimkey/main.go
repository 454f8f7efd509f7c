// Command dkimkey generates a DKIM key pair and prints the records a
// customer must publish, or checks what a customer has published.
//
//	go run ./examples/dkimkey -domain customer.example [-selector default] [-type rsa|ed25519] [-bits 2048] [-out key.pem] [-cname vendor.example]
//	go run ./examples/dkimkey -check spaced.example [-selector default] [-vendor vendor.example] [-delegated] [-live]
//
// With -check it compares the customer's selector with the vendor's key
// (read from <selector>._domainkey.<vendor>), or with -delegated expects a
// CNAME to it, and prints what is wrong and how to fix it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/examples/internal/demo"
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
	resolver := demo.Flags(fs)
	fail := func(err error) int {
		fmt.Fprintln(stderr, "dkimkey:", err)
		return demo.ExitUsage
	}
	if demo.ParseArgs(fs, args) != nil {
		return demo.ExitUsage
	}
	// Every argument is checked before a key is generated or DNS is asked:
	// a mistyped command must never print a private key.
	if fs.NArg() > 0 {
		return fail(fmt.Errorf("unexpected argument %q: name the domain with -domain (or -check)", fs.Arg(0)))
	}
	if _, err := dkim.Name(*selector, "example.com"); err != nil {
		return fail(fmt.Errorf("-selector: %w", err))
	}
	if *check != "" {
		for arg, d := range map[string]string{"-check": *check, "-vendor": *vendor} {
			if _, err := dnsrec.ParseDomain(arg, d); err != nil {
				return fail(err)
			}
		}
		switch err := runCheck(stdout, resolver(), *check, *selector, *vendor, *delegated); {
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
	if err := runGenerate(stdout, *domain, *selector, kt, *bits, *out, *cname); err != nil {
		fmt.Fprintln(stderr, "dkimkey:", err)
		return demo.ExitChanges
	}
	return demo.ExitReady
}

func runGenerate(w io.Writer, domain, selector string, kt dkim.KeyType, bits int, out, cname string) error {
	key, err := dkim.GenerateKey(kt, bits, nil)
	if err != nil {
		return err
	}
	pemKey, err := dkim.MarshalPrivateKeyPEM(key)
	if err != nil {
		return err
	}
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
		fmt.Fprintf(w, "Private key written to %s (keep it secret; the signer needs it).\n\n", out)
	} else {
		fmt.Fprintf(w, "Private key (keep it secret; the signer needs it):\n%s\n", pemKey)
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
	for _, f := range dkim.KeyFindings(key.Public()) {
		fmt.Fprintln(w, f)
	}
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
			publish(vendorTXT, plan.PartyVendor, "the vendor publishes the key in its own zone"),
			publish(d, plan.PartyCustomer, "the customer delegates the selector to the vendor, who can then rotate the key alone"),
		}
	}
	fmt.Fprint(w, changes.Text())
	fmt.Fprintf(w, "\nAs zone-file lines:\n%s", changes.Zone())
	return nil
}

func runCheck(w io.Writer, r dnsrec.Resolver, domain, selector, vendor string, delegated bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := dkim.KeyCheck{Domain: domain, Selector: selector}
	vendorName, err := dkim.Name(selector, vendor)
	if err != nil {
		return err
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
	fmt.Fprintf(w, "%s: ", dnsrec.TrimDot(d.Name))
	verifies := d.Satisfied
	if verifies {
		fmt.Fprintln(w, "signatures will verify.")
	} else {
		fmt.Fprintln(w, "signatures will NOT verify.")
	}
	for _, f := range d.Findings {
		fmt.Fprintln(w, f)
	}
	pl, err := plan.Check(ctx, r, c)
	if err != nil {
		return err
	}
	for _, party := range []plan.Party{plan.PartyCustomer, plan.PartyVendor} {
		if p := pl.Changes.For(party); len(p) > 0 {
			fmt.Fprintf(w, "\nWhat the %s must change:\n%s", party, p.Text())
		}
	}
	if !verifies || len(pl.Changes) > 0 {
		return errNotVerifying
	}
	return nil
}
