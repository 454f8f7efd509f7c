// Command why reads what the mail world sent back about a message (a
// bounce, a delivered or flagged message's header fields, or a DMARC
// aggregate report) and says what happened, why, and the DNS fix, checked
// against the vendor's profile.
//
//	go run ./cmd/why [-format text|json] [-trusted mx.example,...] [flags] [file ...]    (- for standard input)
//
// With no file it explains the embedded samples: a bounce, a message a
// filter flagged, and an aggregate report; offline, against the demo zone,
// unless told -live. -trusted names the receiving hosts (authserv-ids)
// whose Authentication-Results are the receiver's verdict (RFC 8601,
// Section 5); by default, the final receiver's. -format json prints one
// JSON document for all inputs. Exit status: 0 nothing failed, 1
// something failed and the output says what to change, 2 usage, input
// that cannot be read, or DNS failure.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/mailbox"
)

func main() { os.Exit(realMain(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

func realMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("why", flag.ContinueOnError)
	fs.SetOutput(stderr)
	profileFile := fs.String("profile", "", "the vendor profile, JSON (default: the embedded demo vendor)")
	format := fs.String("format", "text", "output: text or json")
	langFlag := fs.String("lang", "", "the language of the explanations: en, de, fr, it or nl (de-CH, fr-CH, nl-BE… read their language)")
	trusted := fs.String("trusted", "", "the authserv-ids of the receiving hosts to trust, comma-separated (default: the final receiver's)")
	resolver := demo.Flags(fs)
	if help, err := demo.ParseHelp(fs, args, stdout); help {
		return demo.ExitReady
	} else if err != nil {
		return demo.ExitUsage
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "why:", err)
		return demo.ExitUsage
	}
	if *format != "text" && *format != "json" {
		return fail(fmt.Errorf("-format %q: use text or json", *format))
	}
	data := demo.ProfileJSON()
	if *profileFile != "" {
		var err error
		if data, err = os.ReadFile(*profileFile); err != nil {
			return fail(err)
		}
	}
	profile, err := domaincheck.ParseProfile(data)
	if err != nil {
		return fail(err)
	}
	lang, err := demo.ParseLang(*langFlag)
	if err != nil {
		return fail(err)
	}
	tell := newTeller(lang) // lang.go
	var inputs []input
	for _, f := range fs.Args() {
		var b []byte
		var err error
		if f == "-" {
			b, err = io.ReadAll(io.LimitReader(stdin, mailbox.MaxMessageSize+1))
			f = stdinName
		} else {
			b, err = os.ReadFile(f)
		}
		if err != nil {
			return fail(err)
		}
		inputs = append(inputs, input{name: f, data: b})
	}
	if len(inputs) == 0 {
		for _, s := range []string{"bounce.eml", "flagged.eml", "report.xml"} {
			inputs = append(inputs, input{name: "the sample " + s, data: demo.Sample(s), sample: s})
		}
	}
	e := &explainer{r: &dnsrec.Cache{Resolver: resolver()}, profile: profile}
	if *trusted != "" {
		e.trusted = strings.Split(*trusted, ",")
	}
	var results []*result
	for _, in := range inputs {
		res, err := e.explain(in)
		if err != nil {
			return fail(fmt.Errorf("%s: %w", in.name, err))
		}
		results = append(results, res)
	}
	failed := false
	for _, r := range results {
		failed = failed || r.Failed
	}
	if *format == "json" {
		tell.localize(results)
		if err := writeJSON(stdout, results, failed); err != nil {
			return fail(err)
		}
	} else {
		for i, r := range results {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			tell.write(stdout, r)
		}
	}
	if failed {
		return demo.ExitChanges
	}
	return demo.ExitReady
}

type input struct {
	name   string
	data   []byte
	sample string // the embedded sample's file name, for a sample
}

// stdinName is standard input's name in English.
const stdinName = "standard input"
