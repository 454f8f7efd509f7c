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
)

func main() {
	fs := flag.NewFlagSet("dkimkey", flag.ExitOnError)
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
	fs.Parse(os.Args[1:])
	var err error
	if *check != "" {
		err = runCheck(os.Stdout, resolver(), *check, *selector, *vendor, *delegated)
	} else {
		err = runGenerate(os.Stdout, *domain, *selector, dkim.KeyType(*keyType), *bits, *out, *cname)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dkimkey:", err)
		os.Exit(1)
	}
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
		if err := os.WriteFile(out, pemKey, 0o600); err != nil {
			return err
		}
		fmt.Fprintf(w, "Private key written to %s (keep it secret; the signer needs it).\n\n", out)
	} else {
		fmt.Fprintf(w, "Private key (keep it secret; the signer needs it):\n%s\n", pemKey)
	}
	txt, err := dkim.KeyTXT(selector, domain, key.Public())
	if err != nil {
		return err
	}
	publish := func(r dnsrec.Record, party dnsrec.Party, why string) dnsrec.Change {
		return dnsrec.NewChange(r.Name, r.Type, nil, []dnsrec.Record{r}, party, dnsrec.StageDKIM, dnsrec.Reason{Code: dkim.ReasonPublishKey, Text: why})
	}
	changes := dnsrec.Changes{publish(txt, dnsrec.PartyCustomer, "publish the public key that receivers verify signatures with")}
	for _, f := range dkim.KeyFindings(key.Public()) {
		fmt.Fprintln(w, f)
	}
	if cname != "" {
		d, err := dkim.Delegation(selector, domain, cname)
		if err != nil {
			return err
		}
		vendorTXT, err := dkim.KeyTXT(selector, cname, key.Public())
		if err != nil {
			return err
		}
		changes = dnsrec.Changes{
			publish(vendorTXT, dnsrec.PartyVendor, "the vendor publishes the key in its own zone"),
			publish(d, dnsrec.PartyCustomer, "the customer delegates the selector to the vendor, who can then rotate the key alone"),
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
	if d.Satisfied {
		fmt.Fprintln(w, "signatures will verify.")
	} else {
		fmt.Fprintln(w, "signatures will NOT verify.")
	}
	for _, f := range d.Findings {
		fmt.Fprintln(w, f)
	}
	plan, err := dnsrec.CheckAll(ctx, r, c)
	if err != nil {
		return err
	}
	for _, party := range []dnsrec.Party{dnsrec.PartyCustomer, dnsrec.PartyVendor} {
		if p := plan.Changes.For(party); len(p) > 0 {
			fmt.Fprintf(w, "\nWhat the %s must change:\n%s", party, p.Text())
		}
	}
	return nil
}
