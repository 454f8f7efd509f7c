// Command bench measures SPF checks by domainauth against
// blitiri.com.ar/go/spf on the same data: in process, over a DNS server on
// loopback (in a child process, so each side's CPU is its own), and with 5 ms
// added to every DNS answer. It prints one table; the README quotes it.
// Over loopback it also measures dnsrec.Client alone, and each domainauth
// check with sockets reused (the client's default towards a loopback
// server), through the port pool (its default towards any other server:
// each question from a random socket of a pool, RFC 5452) and with a new
// socket per question, so that the table states what the ports cost.
//
//	cd bench && go run .
//
// Flags: -n checks per loopback run (default 2000), -runs (median of, default
// 5), -rounds (interleaved rounds of the in-process part, default 3), -match
// REGEXP (only the in-process rows whose name matches, and blitiri's),
// -quick (a few checks of each, to see that everything works), -libspf2
// PATH (the libspf2 driver of the peers harness, built with its Makefile
// from Debian's libspf2-dev: adds libspf2, in C, to the loopback table),
// -rows REGEXP (only the loopback rows named so: "floor", "client alone",
// an implementation, "libspf2"), -server-sockets N (the loopback server
// reads its port with N sockets and threads), -plain-server (the zone's
// own server answers every question, without the server that replays its
// replies, fastserver.go).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime/pprof"
	"time"
)

func main() { os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr)) }

type config struct {
	n, runs, samples int
	rounds           int            // interleaved rounds of the in-process part
	match            *regexp.Regexp // the in-process rows to run besides blitiri's; nil for all
	delay            time.Duration
	only             string         // "" for every part
	libspf2          string         // the peers harness's libspf2 driver, or ""
	rows             *regexp.Regexp // the loopback rows to run; nil for all
	plainServer      bool           // over loopback, the zone's server alone
	serverSockets    int            // the fast server's sockets
}

func realMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 2000, "cold checks per loopback run")
	runs := fs.Int("runs", 5, "runs per loopback figure; the median is printed")
	quick := fs.Bool("quick", false, "a few checks of each kind, to see that everything works")
	serve := fs.Bool("serve", false, "internal: serve the benchmark zones on loopback (used by the benchmark itself)")
	delay := fs.Duration("delay", 0, "internal: with -serve, hold every reply back this long")
	sockets := fs.Int("server-sockets", 1, "over loopback, the `number` of sockets (and threads) the fast server reads its port with")
	plain := fs.Bool("plain-server", false, "over loopback, let the zone's own server (dnstest) answer every question, without the fast server that replays its replies")
	only := fs.String("only", "", "run one part: inprocess, loopback or delay")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of this process to `file`")
	rows := fs.String("rows", "", "run only the loopback rows whose name matches this `regexp` (the libspf2 row is \"libspf2\")")
	rounds := fs.Int("rounds", 3, "interleaved rounds of the in-process part; each row shows the median and the range")
	match := fs.String("match", "", "run only the in-process rows whose name matches this `regexp` (and blitiri's)")
	libspf2 := fs.String("libspf2", "", "the peers harness's libspf2 driver (`spf2driver`, built from ../shared/spfpeers/drivers/libspf2): adds libspf2 to the loopback table")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || *n < 1 || *runs < 1 || *rounds < 1 {
		fmt.Fprintln(stderr, "usage: bench [-n checks] [-runs k] [-quick]")
		return 2
	}
	parts := map[string]bool{"": true, "inprocess": true, "loopback": true, "delay": true}
	if !parts[*only] {
		fmt.Fprintf(stderr, "bench: -only %q: want inprocess, loopback or delay\n", *only)
		return 2
	}
	if *serve {
		return serveZones(*delay, *plain, *sockets, os.Stdin, stdout, stderr)
	}
	cfg := config{n: *n, runs: *runs, samples: 21, delay: 5 * time.Millisecond}
	if *quick {
		cfg = config{n: 50, runs: 1, samples: 3, delay: 5 * time.Millisecond}
	}
	cfg.only, cfg.libspf2, cfg.plainServer, cfg.serverSockets, cfg.rounds = *only, *libspf2, *plain, *sockets, *rounds
	if *quick {
		cfg.rounds = 1
	}
	if *rows != "" {
		re, err := regexp.Compile(*rows)
		if err != nil {
			fmt.Fprintln(stderr, "bench: -rows:", err)
			return 2
		}
		cfg.rows = re
	}
	if *match != "" {
		re, err := regexp.Compile(*match)
		if err != nil {
			fmt.Fprintln(stderr, "bench: -match:", err)
			return 2
		}
		cfg.match = re
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(cfg, stdout); err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	return 0
}

func run(cfg config, w io.Writer) error {
	fmt.Fprintln(w, machine())
	for _, p := range []struct {
		name string
		run  func(config, io.Writer) error
	}{{"inprocess", inProcess}, {"loopback", loopback}, {"delay", delayed}} {
		if cfg.only == "" || cfg.only == p.name {
			if err := p.run(cfg, w); err != nil {
				return err
			}
		}
	}
	return nil
}
