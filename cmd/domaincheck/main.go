// Command domaincheck checks customer domains against what a vendor needs
// to send mail as them (a vendor profile): whether the vendor may send as
// each domain today (DMARC passes through aligned SPF, evaluated for each
// server with the envelope domain the vendor uses, or aligned DKIM, and
// the policy meets the vendor's minimum), what blocks it, one safe, ordered
// plan of DNS changes per domain (the customer's steps, and the vendor's
// apart), and advice that never blocks. The vendor's own set-up (reverse
// DNS and HELO names of its servers, its key records) is checked once and
// printed once, as the vendor's.
//
//	go run ./cmd/domaincheck [flags] [domain ...]
//	go run ./cmd/domaincheck -f domains.txt -format json
//	go run ./cmd/domaincheck -http :8080
//	go run ./cmd/domaincheck -message newsletter.eml
//
// With -domain-connect KEYFILE each report also says "Apply at <DNS host>
// in one click" with the signed link where the customer's DNS host
// supports Domain Connect and the link gives what the plan promises, and
// why not otherwise (see package domainconnect); -domain-connect-template
// prints the vendor's template and -domain-connect-key KEYFILE the records
// that publish its signing key.
//
// With -message it checks one message as the vendor sends it (or a
// delivered copy) against the mailbox providers' message rules (see
// package mailbox): exit status 0 when every rule that applies is met, 1
// when one is not (or could not be checked), 2 when the file is not a
// message.
//
// Offline by default: it serves the embedded demo zone on a loopback port
// and asks it through the real DNS client, as in production. -live asks
// real DNS (-server to choose the server). Exit status: 0 every domain is
// ready and the vendor's own set-up is fine; 1 a domain is not ready
// (changes are needed, or it does not exist); 2 usage or DNS failure; 3
// every domain is ready, but the vendor's own set-up has problems that
// affect every customer's mail (the vendor's to fix).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/domainconnect"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/mailbox"
	"github.com/domainauth/domainauth/plan"
)

// demoDomains are the customer domains of the demo zone, each a situation
// from real support tickets.
var demoDomains = []string{
	"customer.example",  // SPF without the vendor, p=none DMARC, DNS hosted by the vendor
	"new.example",       // no SPF, no DMARC, its own MX host
	"klant.example",     // an SPF record with no all; SOA timers far off
	"dash.example",      // -all typed with an en dash
	"twice.example",     // two SPF records
	"full.example",      // already at 10 lookups
	"loop.example",      // includes that loop
	"spaced.example",    // a DKIM key pasted with a space, where the CNAME belongs
	"ready.example",     // a correct CNAME delegation and p=reject
	"hosted.example",    // MX at a large provider, no SPF
	"spaces.example",    // DMARC typed with spaces around "="
	"misplaced.example", // an SPF record at _dmarc
}

var formats = map[string]bool{"text": true, "zone": true, "nsupdate": true, "json": true}

var (
	errChanges = errors.New("changes needed")
	errVendor  = errors.New("the vendor's own set-up needs changes")
)

// exitVendor is the exit status when every domain is ready but the
// vendor's own set-up is not.
const exitVendor = 3

func main() { os.Exit(realMain(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// options are the validated command line.
type options struct {
	format      string
	domains     []string
	profile     *domaincheck.Profile
	blocklists  []string
	concurrency int
	progress    bool
	summary     bool                            // only the closing summary, not each domain's report
	dc          *domainconnect.Offerer          // -domain-connect: offer the one-click apply
	lang        language.Tag                    // the language of the text and JSON (lang.go)
	keep        func(*domaincheck.DomainReport) // keeps each check (-store)
}

func realMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("domaincheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output: text, zone, nsupdate or json")
	file := fs.String("f", "", "read the domains from this file, one a line (- for standard input)")
	profileFile := fs.String("profile", "", "the vendor profile, JSON (default: the embedded demo vendor)")
	blocklists := fs.String("blocklists", "", "DNS blocklist zones to look the sending addresses up in, comma-separated (none by default)")
	concurrency := fs.Int("concurrency", 8, "domains checked at once")
	httpAddr := fs.String("http", "", "serve the check as a web page and a JSON endpoint on this address (such as localhost:8080)")
	summaryOnly := fs.Bool("summary", false, "print only the one-screen summary of the domains (domain, status, changes left, what blocks it), not each report")
	langFlag := fs.String("lang", "", "the language of the report: en, de, fr, it or nl (de-CH, fr-CH, nl-BE… read their language)")
	messageFile := fs.String("message", "", "check this message (an .eml file as the vendor sends it, or a delivered copy; - for standard input) against the mailbox providers' message rules, instead of domains")
	dcf := addDomainConnectFlags(fs)
	resolver := demo.Flags(fs)
	sf := addStoreFlags(fs)
	live := fs.Lookup("live")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: domaincheck [flags] [domain ...]")
		fs.PrintDefaults()
	}
	if demo.WantsHelp(args) {
		fs.SetOutput(stdout)
		fs.Usage()
		return demo.ExitReady
	}
	if demo.ParseArgs(fs, args) != nil {
		return demo.ExitUsage
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "domaincheck:", err)
		return demo.ExitUsage
	}
	o := options{format: *format, concurrency: *concurrency, domains: fs.Args(), summary: *summaryOnly}
	if !formats[o.format] {
		return fail(fmt.Errorf("-format %q: use text, zone, nsupdate or json", o.format))
	}
	if o.concurrency < 1 || o.concurrency > 256 {
		return fail(fmt.Errorf("-concurrency %d: use 1 to 256", o.concurrency))
	}
	data := demo.ProfileJSON()
	if *profileFile != "" {
		var err error
		if data, err = os.ReadFile(*profileFile); err != nil {
			return fail(err)
		}
	}
	p, err := domaincheck.ParseProfile(data)
	if err != nil {
		return fail(err)
	}
	o.profile = p
	if o.lang, err = demo.ParseLang(*langFlag); err != nil {
		return fail(err)
	}
	if done, err := dcf.printOnly(stdout, stderr, p); done {
		if err != nil {
			return fail(err)
		}
		return demo.ExitReady
	}
	if sf.active() {
		return sf.run(context.Background(), time.Now(), stdin, stdout, stderr, o.format, o.profile, o.domains, newResolver(live.Value.String() == "true", resolver))
	}
	if *blocklists != "" {
		for _, b := range strings.Split(*blocklists, ",") {
			if _, err := dnsrec.CanonicalName(strings.TrimSpace(b)); err != nil {
				return fail(fmt.Errorf("-blocklists: %w", err))
			}
			o.blocklists = append(o.blocklists, strings.TrimSpace(b))
		}
	}
	if *messageFile != "" {
		switch {
		case len(o.domains) > 0 || *file != "" || *httpAddr != "":
			return fail(errors.New("-message checks one message: give no domains, -f or -http with it"))
		case o.format != "text" && o.format != "json":
			return fail(fmt.Errorf("-message: -format %s: use text or json", o.format))
		}
	}
	if o.summary && o.format != "text" {
		return fail(fmt.Errorf("-summary is text: it cannot go with -format %s", o.format))
	}
	if *file != "" {
		if len(o.domains) > 0 {
			return fail(errors.New("give domains as arguments or with -f, not both"))
		}
		if o.domains, err = readDomains(*file, stdin); err != nil {
			return fail(err)
		}
	}
	isLive := live.Value.String() == "true"
	if fs.Lookup("server").Value.String() != "" && !isLive {
		return fail(errors.New("-server needs -live: without it the embedded demo zone is asked"))
	}
	if *file != "" && len(o.domains) == 0 {
		return fail(fmt.Errorf("-f %s: the list holds no domain", *file))
	}
	if len(o.domains) == 0 && *httpAddr == "" && *messageFile == "" {
		switch {
		case isLive && sf.monitoring(): // the store's list of customer domains
		case isLive:
			return fail(errors.New("-live needs the domains to check (the demo domains exist only in the embedded zone)"))
		default:
			o.domains = demoDomains
		}
	}
	for _, d := range o.domains {
		if _, err := dnsrec.ParseDomain("domain", d); err != nil {
			return fail(err)
		}
	}
	o.progress = isTerminal(stderr) && len(o.domains) > 1

	// The resolver: the demo zone on a loopback server, asked through the
	// real client, unless told -live.
	var r dnsrec.Resolver
	if isLive {
		r = resolver()
	} else {
		srv, err := dnstest.Serve(demo.Zone())
		if err != nil {
			return fail(err)
		}
		defer srv.Close()
		r = srv.Client()
	}
	if *messageFile != "" {
		data, err := readMessage(*messageFile, stdin)
		if err != nil {
			return fail(err)
		}
		mc := &mailbox.MessageChecker{Resolver: r, Providers: o.profile.Providers, Bulk: o.profile.BulkSender}
		switch err := runMessage(context.Background(), stdout, mc, data, o.format, o.lang); {
		case errors.Is(err, errChanges):
			return demo.ExitChanges
		case err != nil:
			return fail(fmt.Errorf("-message %s: %w", *messageFile, err))
		}
		return demo.ExitReady
	}
	c := &domaincheck.Checker{Profile: o.profile, Resolver: r, Blocklists: o.blocklists}
	if o.dc, err = dcf.offerer(c, r); err != nil {
		return fail(err)
	}
	keep, closeStore, err := sf.attach(context.Background(), c, stderr)
	if err != nil {
		return fail(err)
	}
	defer closeStore()
	o.keep = keep
	if sf.monitoring() {
		return sf.runMonitor(context.Background(), c, o.domains, stdout, stderr)
	}
	if *httpAddr != "" {
		routes, closeRoutes, err := sf.routes(context.Background(), o.profile)
		if err != nil {
			return fail(err)
		}
		defer closeRoutes()
		if err := serve(*httpAddr, c, o.dc, stderr, routes...); err != nil {
			return fail(err)
		}
		return demo.ExitReady
	}
	switch err := run(context.Background(), stdout, stderr, c, o); {
	case errors.Is(err, errChanges):
		fmt.Fprintln(stderr, "domaincheck: "+summaryWord(o.lang, "exit-changes"))
		return demo.ExitChanges
	case errors.Is(err, errVendor):
		fmt.Fprintln(stderr, "domaincheck: "+summaryWord(o.lang, "exit-vendor"))
		return exitVendor
	case err != nil:
		fmt.Fprintln(stderr, "domaincheck:", err)
		return demo.ExitUsage
	}
	return demo.ExitReady
}

// readDomains reads one domain a line; blank lines and # comments are
// skipped.
func readDomains(file string, stdin io.Reader) ([]string, error) {
	in, done, err := openInput(file, stdin)
	if err != nil {
		return nil, err
	}
	defer done()
	var out []string
	sc := bufio.NewScanner(in)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		if _, err := dnsrec.ParseDomain(fmt.Sprintf("line %d", n), line); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		out = append(out, line)
	}
	return out, sc.Err()
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// run checks the domains and writes the reports in the order given, each
// as soon as it and those before it are done, then the vendor's own
// section once.
func run(ctx context.Context, w, stderr io.Writer, c *domaincheck.Checker, o options) error {
	// Reports come back as their checks complete, under the canonical
	// domain; they are written in the order given.
	index := map[string][]int{}
	for i, d := range o.domains {
		k := d
		if n, err := dnsrec.ParseDomain("domain", d); err == nil {
			k = dnsrec.TrimDot(n)
		}
		index[k] = append(index[k], i)
	}
	pending := map[int]*domaincheck.DomainReport{}
	next, ready, failed := 0, true, 0
	var vendor *domaincheck.VendorReport
	var rows []summaryRow
	first := true
	if o.format == "json" {
		fmt.Fprint(w, "{\n  \"domains\": [")
	}
	write := func(rep *domaincheck.DomainReport) {
		ready = ready && rep.Ready
		if vendor == nil {
			vendor = rep.Vendor
		}
		if rep.Status == domaincheck.DomainNotChecked || rep.Err != nil {
			failed++
		}
		rows = append(rows, newSummaryRow(rep, o.lang))
		if o.summary {
			return
		}
		switch o.format {
		case "json":
			b, err := json.MarshalIndent(jsonReportWith(newReporter(o.lang).localized(rep), offerFor(ctx, o, rep).In(o.lang)), "    ", "  ")
			if err != nil {
				b = []byte(`{}`)
			}
			fmt.Fprintf(w, "%s\n    %s", map[bool]string{true: "", false: ","}[first], b)
		case "zone":
			fmt.Fprintf(w, "; ==== %s\n%s", summaryWord(o.lang, "zone-heading", "domain", rep.Domain), customerChanges(rep).In(o.lang).Zone())
		case "nsupdate":
			fmt.Fprintf(w, "; ==== %s\n%s", summaryWord(o.lang, "zone-heading", "domain", rep.Domain), customerChanges(rep).In(o.lang).NSUpdate())
		default:
			if !first {
				fmt.Fprintln(w)
			}
			fmt.Fprint(w, newReporter(o.lang).report(rep)+offerText(offerFor(ctx, o, rep), o.lang))
		}
		first = false
	}
	start := time.Now()
	err := c.CheckBatch(ctx, o.domains, domaincheck.BatchOptions{Concurrency: o.concurrency, Progress: func(done, total int) {
		if o.progress {
			fmt.Fprintf(stderr, "\r%s %d/%d domains, %s", bar(done, total), done, total, time.Since(start).Round(time.Second))
			if done == total {
				fmt.Fprintln(stderr)
			}
		}
	}}, func(rep *domaincheck.DomainReport) {
		if o.keep != nil {
			o.keep(rep)
		}
		i := index[rep.Domain][0]
		index[rep.Domain] = index[rep.Domain][1:]
		pending[i] = rep
		for pending[next] != nil {
			write(pending[next])
			delete(pending, next)
			next++
		}
	})
	switch o.format {
	case "json":
		fmt.Fprint(w, "\n  ]")
		if vendor != nil {
			b, _ := json.MarshalIndent(vendor.In(o.lang), "  ", "  ")
			fmt.Fprintf(w, ",\n  \"vendor\": %s", b)
		}
		fmt.Fprintln(w, "\n}")
	case "text":
		if vendor != nil && !o.summary {
			fmt.Fprintf(w, "\n%s", newReporter(o.lang).vendor(vendor))
		}
		if len(rows) > 1 || o.summary {
			writeSummary(w, rows, vendor, o.lang)
		}
	}
	switch {
	case err != nil:
		return err
	case failed > 0:
		return fmt.Errorf("could not check %d of %d domains (DNS failures; see the reports)", failed, len(o.domains))
	case !ready:
		return errChanges
	case vendor != nil && vendor.Blocks:
		return errVendor
	}
	return nil
}

// customerChanges are the customer's changes of the report's plan; none
// for a domain that got no plan.
func customerChanges(rep *domaincheck.DomainReport) plan.Changes {
	if rep.Plan == nil {
		return plan.Changes{}
	}
	return rep.Plan.Changes.For(plan.PartyCustomer)
}

func bar(done, total int) string {
	const width = 30
	n := width * done / max(total, 1)
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}

// jsonReport is a report as JSON, with the error as text.
func jsonReport(r *domaincheck.DomainReport) any {
	type out struct {
		*domaincheck.DomainReport
		Error string `json:"error,omitempty"`
	}
	o := out{DomainReport: r}
	if r.Err != nil {
		o.Error = r.Err.Error()
	}
	return o
}
