// Package demo gives the example programs their DNS: the embedded demo zone
// by default, real DNS (through a cache) when asked.
package demo

import (
	"embed"
	"flag"
	"fmt"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

//go:embed zone.txt
var zoneText string

//go:embed policy.json
var policyJSON []byte

//go:embed profile.json
var profileJSON []byte

//go:embed samples
var samples embed.FS

// Sample returns an embedded sample of what the mail world sends back:
// "bounce.eml", "flagged.eml" or "report.xml"; and messages as the
// vendor sends them: "compliant.eml", "delivered.eml", "no-one-click.eml",
// "unsigned-unsubscribe.eml" and "unaligned.eml".
func Sample(name string) []byte {
	b, _ := samples.ReadFile("samples/" + name)
	return b
}

// ProfileJSON returns the demo vendor profile: what Example CRM needs of
// its customers' domains.
func ProfileJSON() []byte { return profileJSON }

// PolicyJSON returns the demo sender policy, as a CRM stores it.
func PolicyJSON() []byte { return policyJSON }

// ZoneText returns the demo zone in zone-file format.
func ZoneText() string { return zoneText }

// Zone returns a fresh in-memory copy of the demo zone.
func Zone() *dnstest.Zone { return dnstest.MustZone(zoneText) }

// Flags registers the -live and -server flags on fs and returns a function
// that builds the resolver they select.
func Flags(fs *flag.FlagSet) func() dnsrec.Resolver {
	live := fs.Bool("live", false, "ask real DNS instead of the embedded demo zone")
	server := fs.String("server", "", "with -live: the DNS server to ask (host or host:port); default: /etc/resolv.conf")
	return func() dnsrec.Resolver {
		if !*live {
			return Zone()
		}
		c := &dnsrec.Client{}
		if *server != "" {
			c.Servers = []string{*server}
		}
		return &dnsrec.Cache{Resolver: c}
	}
}

// Exit statuses the example programs share, so that scripts can rely on
// them.
const (
	ExitReady   = 0 // every domain is ready; nothing to change
	ExitChanges = 1 // changes are needed, or a check failed
	ExitUsage   = 2 // bad arguments, or DNS could not be asked
)

// WantsHelp reports whether args ask for the usage (-h, -help or --help,
// before any "--"), which a program prints to standard output,
// exiting 0: asked for, it is the output, not an error.
func WantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help", "--h":
			return true
		case "--":
			return false
		}
	}
	return false
}

// ParseArgs parses args with fs and refuses a flag written after the first
// argument, which the flag package would otherwise take as an argument and
// ignore ("dkimkey mydomain.ch -out key.pem" would print the private key).
// The flag package reports its own errors on fs's output; ParseArgs
// reports this one there too, so that the caller only exits with
// [ExitUsage].
func ParseArgs(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, a := range fs.Args() {
		if len(a) > 1 && a[0] == '-' {
			err := fmt.Errorf("%q comes after the arguments, where it is not read as a flag; put flags first", a)
			fmt.Fprintf(fs.Output(), "%s: %v\n", fs.Name(), err)
			return err
		}
	}
	return nil
}
