// Command sender previews the From address a message will really carry,
// the way a CRM's e-mail preview does: the typed address if its
// domain is allowed, else the business unit's or the application's default.
//
//	go run ./examples/sender [-policy policy.json] [-unit Sales] [-dns] [-live] [-format text|json] 'Jane Doe <jane@customer.example>' ...
//
// Without -policy it uses the embedded demo policy. With -dns a domain that
// is not listed is also allowed when its DNS authorizes the vendor (SPF for
// 5.255.64.53, the DKIM selector "default" delegated to vendor.example, so
// that DMARC passes).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/sender"
)

func main() { os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr)) }

func realMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sender", flag.ContinueOnError)
	fs.SetOutput(stderr)
	policyFile := fs.String("policy", "", "a JSON sender policy (default: the embedded demo policy)")
	unit := fs.String("unit", "", "the user's business unit")
	useDNS := fs.Bool("dns", false, "also allow domains whose DNS authorizes the vendor")
	format := fs.String("format", "text", "output: text or json")
	resolver := demo.Flags(fs)
	fail := func(err error) int {
		fmt.Fprintln(stderr, "sender:", err)
		return demo.ExitUsage
	}
	if demo.ParseArgs(fs, args) != nil {
		return demo.ExitUsage
	}
	if *format != "text" && *format != "json" {
		return fail(fmt.Errorf("-format %q: use text or json", *format))
	}
	data := demo.PolicyJSON()
	if *policyFile != "" {
		var err error
		if data, err = os.ReadFile(*policyFile); err != nil {
			return fail(err)
		}
	}
	inputs := fs.Args()
	if len(inputs) == 0 {
		inputs = []string{"Jane Doe <jane@customer.example>", "info@new.example", `"ceo@customer.example" <x@evil.example>`, "a@customer.example, b@evil.example"}
	}
	var r dnsrec.Resolver
	if *useDNS {
		r = resolver()
	}
	if err := run(stdout, data, r, *unit, inputs, *format); err != nil {
		return fail(err)
	}
	return demo.ExitReady
}

func run(w io.Writer, policyJSON []byte, r dnsrec.Resolver, unit string, inputs []string, format string) error {
	p, err := sender.ParsePolicy(policyJSON)
	if err != nil {
		return err
	}
	if r != nil {
		cfg := p.Config()
		profile, err := domaincheck.ParseProfile(demo.ProfileJSON())
		if err != nil {
			return err
		}
		cfg.DNS = &domaincheck.Verifier{Checker: &domaincheck.Checker{Profile: profile, Resolver: r}}
		if p, err = sender.New(cfg); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var previews []preview
	for _, in := range inputs {
		s := p.Select(ctx, sender.Request{From: in, BusinessUnit: unit})
		if format == "json" {
			previews = append(previews, newPreview(in, s))
			continue
		}
		fmt.Fprintf(w, "typed:    %q\nFrom:     %s\n", in, s.From)
		if s.ReplyTo != "" {
			fmt.Fprintf(w, "Reply-To: %s\n", s.ReplyTo)
		}
		fmt.Fprintf(w, "why:      %s\n\n", s.Reason)
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false) // addresses keep their angle brackets
		enc.SetIndent("", "  ")
		return enc.Encode(previews)
	}
	return nil
}

// preview is one selection as JSON: what was typed and what the message
// will carry, with the rule that decided and the sentence for the user.
type preview struct {
	Typed     string      `json:"typed"`
	From      string      `json:"from"`
	Address   string      `json:"address"`
	ReplyTo   string      `json:"reply_to,omitempty"`
	Rewritten bool        `json:"rewritten"`
	Rule      sender.Rule `json:"rule"`
	Reason    string      `json:"reason"`
	Problem   string      `json:"problem,omitempty"`
	DNS       *dnsCheck   `json:"dns,omitempty"`
}

// dnsCheck is the DNS verification of the typed domain, when -dns asked it.
type dnsCheck struct {
	Authorized bool   `json:"authorized"`
	SPF        bool   `json:"spf"`
	DKIM       bool   `json:"dkim"`
	DMARC      bool   `json:"dmarc"`
	Summary    string `json:"summary"`
}

func newPreview(typed string, s *sender.Selection) preview {
	p := preview{Typed: typed, From: s.From, Address: s.Address, ReplyTo: s.ReplyTo, Rewritten: s.Rewritten, Rule: s.Rule, Reason: s.Reason}
	if s.Problem != nil {
		p.Problem = s.Problem.Error()
	}
	if v := s.DNS; v != nil {
		p.DNS = &dnsCheck{Authorized: v.Authorized, SPF: v.SPF, DKIM: v.DKIM, DMARC: v.DMARC, Summary: v.Summary()}
	}
	return p
}
