package main

import (
	"context"
	"crypto/rsa"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/domainconnect"
	"github.com/domainauth/domainauth/i18n"
)

// dcFlags are the Domain Connect flags: print the vendor's template, print
// the records that publish the signing key, or offer the one-click apply
// in each report.
type dcFlags struct {
	template *bool
	key      *string
	offer    *string
	provider *string
	service  *string
}

func addDomainConnectFlags(fs *flag.FlagSet) *dcFlags {
	return &dcFlags{
		template: fs.Bool("domain-connect-template", false, "print the vendor's Domain Connect template (JSON, for the public template repository) generated from the profile, and exit"),
		key:      fs.String("domain-connect-key", "", "print the TXT records that publish the public key of the signing key in this PEM file (a new 2048-bit key is written there, mode 0600, when it does not exist), and exit"),
		offer:    fs.String("domain-connect", "", "offer the one-click apply through Domain Connect in each report where the DNS host supports it, signing the links with the key in this PEM file"),
		provider: fs.String("domain-connect-provider", "", "the vendor's Domain Connect provider id (default: its domain, from the profile)"),
		service:  fs.String("domain-connect-service", "", "the template's service id (default: email)"),
	}
}

func (f *dcFlags) svc() domainconnect.Service {
	return domainconnect.Service{ProviderID: *f.provider, ServiceID: *f.service}
}

// printOnly handles -domain-connect-template and -domain-connect-key,
// which print and exit: done says whether one was given.
func (f *dcFlags) printOnly(stdout, stderr io.Writer, p *domaincheck.Profile) (done bool, err error) {
	if !*f.template && *f.key == "" {
		return false, nil
	}
	tpl, err := domainconnect.FromProfile(p, f.svc())
	if err != nil {
		return true, err
	}
	if *f.template {
		stdout.Write(tpl.JSON())
	}
	if *f.key != "" {
		key, created, err := loadOrCreateKey(*f.key)
		if err != nil {
			return true, err
		}
		if created {
			fmt.Fprintf(stderr, "domaincheck: wrote a new signing key to %s; keep it secret\n", *f.key)
		}
		recs, err := domainconnect.KeyRecords(domainconnect.DefaultKeyName+"."+tpl.SyncPubKeyDomain, &key.PublicKey)
		if err != nil {
			return true, err
		}
		fmt.Fprintf(stdout, "; the public key that verifies %s's apply links (syncPubKeyDomain %s, key=%s)\n", tpl.ProviderName, tpl.SyncPubKeyDomain, domainconnect.DefaultKeyName)
		for _, r := range recs {
			fmt.Fprintln(stdout, r.String())
		}
	}
	return true, nil
}

// offerer returns the Offerer for -domain-connect, or nil without it.
func (f *dcFlags) offerer(c *domaincheck.Checker, r dnsrec.Resolver) (*domainconnect.Offerer, error) {
	if *f.offer == "" {
		return nil, nil
	}
	tpl, err := domainconnect.FromProfile(c.Profile, f.svc())
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(*f.offer)
	if err != nil {
		return nil, fmt.Errorf("-domain-connect: %w (make one with -domain-connect-key)", err)
	}
	key, err := domainconnect.ParseKey(data)
	if err != nil {
		return nil, fmt.Errorf("-domain-connect %s: %w", *f.offer, err)
	}
	return &domainconnect.Offerer{Checker: c, Template: tpl, Config: domainconnect.Config{Resolver: r}, Key: key}, nil
}

// loadOrCreateKey reads the signing key in file, or writes a new one there.
func loadOrCreateKey(file string) (key *rsa.PrivateKey, created bool, err error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		k, err := domainconnect.GenerateKey(nil)
		if err != nil {
			return nil, false, err
		}
		pemData, err := domainconnect.MarshalKey(k)
		if err != nil {
			return nil, false, err
		}
		if err := os.WriteFile(file, pemData, 0o600); err != nil {
			return nil, false, err
		}
		return k, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	k, err := domainconnect.ParseKey(data)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", file, err)
	}
	return k, false, nil
}

// offerFor decides the one-click apply for a report; nil without
// -domain-connect.
func offerFor(ctx context.Context, o options, rep *domaincheck.DomainReport) *domainconnect.Offer {
	if o.dc == nil {
		return nil
	}
	return o.dc.Offer(ctx, rep, "")
}

// offerText is the report's Domain Connect line in the language tag
// matches, "" without one.
func offerText(off *domainconnect.Offer, tag language.Tag) string {
	if off == nil {
		return ""
	}
	c := i18n.Default()
	off = off.In(tag)
	s := "\n" + off.SentenceIn(tag) + "\n"
	if off.Offered {
		for _, n := range off.Notes {
			s += "  " + c.Clause(tag, "domain-connect", "note", map[string]string{"note": n.Message}) + "\n"
		}
		return s
	}
	if len(off.Manual) > 0 {
		s += "  " + c.Clause(tag, "domain-connect", "by-hand", map[string]string{"panel": off.ControlPanel}) + "\n"
	}
	return s
}

// jsonReportWith is a report as JSON (see jsonReport) with its
// domain_connect object, when there is one.
func jsonReportWith(r *domaincheck.DomainReport, off *domainconnect.Offer) any {
	type out struct {
		*domaincheck.DomainReport
		Error         string               `json:"error,omitempty"`
		DomainConnect *domainconnect.Offer `json:"domain_connect,omitempty"`
	}
	o := out{DomainReport: r, DomainConnect: off}
	if r.Err != nil {
		o.Error = r.Err.Error()
	}
	return o
}
