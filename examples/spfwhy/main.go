// Command spfwhy says whether an IP address may send mail for a domain and
// why, step by step, like the old openspf "Why?" page: which record, which
// include, which term decided.
//
//	go run ./examples/spfwhy [-ip 5.255.64.53] [-helo name] [-live] sender-or-domain
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/examples/internal/demo"
	"github.com/domainauth/domainauth/spf"
)

func main() {
	fs := flag.NewFlagSet("spfwhy", flag.ExitOnError)
	ipFlag := fs.String("ip", "5.255.64.53", "the sending server's address")
	helo := fs.String("helo", "smtp1.vendor.example", "the name the server greets with")
	headers := fs.Bool("headers", false, "also print Received-SPF and Authentication-Results")
	resolver := demo.Flags(fs)
	fs.Parse(os.Args[1:])
	sender := "info@customer.example"
	if fs.NArg() > 0 {
		sender = fs.Arg(0)
	}
	ip, err := netip.ParseAddr(*ipFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "spfwhy:", err)
		os.Exit(2)
	}
	run(os.Stdout, resolver(), ip, sender, *helo, *headers)
}

func run(w io.Writer, r dnsrec.Resolver, ip netip.Addr, sender, helo string, headers bool) {
	if !strings.Contains(sender, "@") {
		sender = "postmaster@" + sender
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := &spf.Checker{Resolver: r}
	res := c.CheckMailFrom(ctx, ip, sender, helo)
	fmt.Fprintf(w, "SPF result: %s\n\n%s", res.Status, res.Explain())
	if res.Status == spf.Fail {
		fmt.Fprintf(w, "\nExplanation given to the sender: %s\n", res.Explanation)
	}
	if headers {
		fmt.Fprintf(w, "\nReceived-SPF: %s\nAuthentication-Results: %s\n", res.ReceivedSPF("mx.receiver.example"), res.AuthenticationResults("mx.receiver.example"))
	}
}
