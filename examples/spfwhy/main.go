// Command spfwhy says whether an IP address may send mail for a domain and
// why, step by step, like the old openspf "Why?" page: which record, which
// include, which term decided.
//
//	go run ./examples/spfwhy [-ip 5.255.64.53] [-helo name] [-live] [-format text|json] sender-or-domain
//
// Exit status: 0 SPF passes, 1 any other result, 2 usage or a temporary
// DNS failure (temperror); -h prints the usage and exits 0.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/spf"
)

func main() { os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr)) }

// realMain returns 0 when SPF passes, 1 for any other result, and 2 for
// bad arguments or a temporary DNS failure (temperror).
func realMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("spfwhy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ipFlag := fs.String("ip", "5.255.64.53", "the sending server's address")
	helo := fs.String("helo", "smtp1.vendor.example", "the name the server greets with")
	headers := fs.Bool("headers", false, "also print Received-SPF and Authentication-Results")
	format := fs.String("format", "text", "output: text or json")
	resolver := demo.Flags(fs)
	fail := func(err error) int {
		fmt.Fprintln(stderr, "spfwhy:", demo.Sentence(err))
		return demo.ExitUsage
	}
	if help, err := demo.ParseHelp(fs, args, stdout); help {
		return demo.ExitReady
	} else if err != nil {
		return demo.ExitUsage
	}
	if *format != "text" && *format != "json" {
		return fail(fmt.Errorf("-format %q: use text or json", *format))
	}
	if fs.NArg() > 1 {
		return fail(fmt.Errorf("one sender or domain at a time (got %d)", fs.NArg()))
	}
	sender := "info@customer.example"
	if fs.NArg() > 0 {
		sender = fs.Arg(0)
	}
	ip, err := netip.ParseAddr(*ipFlag)
	if err != nil {
		return fail(fmt.Errorf("-ip: %w", err))
	}
	domain := sender
	if at := strings.LastIndexByte(sender, '@'); at >= 0 {
		domain = sender[at+1:]
	}
	if _, err := dnsrec.ParseDomain("sender domain", domain); err != nil {
		return fail(err)
	}
	switch run(stdout, resolver(), ip, sender, *helo, *headers, *format) {
	case spf.StatusPass:
		return demo.ExitReady
	case spf.StatusTempError:
		return demo.ExitUsage
	}
	return demo.ExitChanges
}

// output is what spfwhy prints with -format json.
type output struct {
	Status                spf.Status `json:"status"`
	Domain                string     `json:"domain"`
	IP                    string     `json:"ip"`
	Sender                string     `json:"sender"`
	HELO                  string     `json:"helo"`
	Record                string     `json:"record,omitempty"`
	Term                  string     `json:"term,omitempty"` // the mechanism that decided
	TermDomain            string     `json:"term_domain,omitempty"`
	Via                   []string   `json:"via"` // the includes it matched through, outermost first
	Summary               string     `json:"summary"`
	Explanation           string     `json:"explanation,omitempty"` // for a fail
	Error                 string     `json:"error,omitempty"`
	Steps                 []step     `json:"steps"`
	ReceivedSPF           string     `json:"received_spf,omitempty"`
	AuthenticationResults string     `json:"authentication_results,omitempty"`
}

type step struct {
	Depth  int    `json:"depth"`
	Domain string `json:"domain"`
	Term   string `json:"term,omitempty"`
	Note   string `json:"note"`
	Match  bool   `json:"match"`
}

func run(w io.Writer, r dnsrec.Resolver, ip netip.Addr, sender, helo string, headers bool, format string) spf.Status {
	if !strings.Contains(sender, "@") {
		sender = "postmaster@" + sender
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := &spf.Checker{Resolver: r}
	res := c.CheckMailFrom(ctx, ip, sender, helo)
	if format == "json" {
		out := output{Status: res.Status, Domain: res.Domain, IP: res.IP.String(), Sender: res.Sender, HELO: res.HELO, Record: res.Record,
			Term: res.Term, TermDomain: res.TermDomain, Via: append([]string{}, res.Via...), Summary: res.Summary(), Steps: []step{}}
		if res.Status == spf.StatusFail {
			out.Explanation = res.Explanation
		}
		if res.Err != nil {
			out.Error = res.Err.Error()
		}
		for _, s := range res.Trace.Steps() {
			out.Steps = append(out.Steps, step{s.Depth, s.Domain, s.Term, s.Note, s.Match})
		}
		if headers {
			out.ReceivedSPF, out.AuthenticationResults = res.ReceivedSPF("mx.receiver.example"), res.AuthenticationResults("mx.receiver.example")
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(out)
		return res.Status
	}
	fmt.Fprintf(w, "SPF result: %s\n\n%s", res.Status, res.Explain())
	if res.Status == spf.StatusFail {
		fmt.Fprintf(w, "\nExplanation given to the sender: %s\n", res.Explanation)
	}
	if headers {
		fmt.Fprintf(w, "\nReceived-SPF: %s\nAuthentication-Results: %s\n", res.ReceivedSPF("mx.receiver.example"), res.AuthenticationResults("mx.receiver.example"))
	}
	return res.Status
}
