package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/store"
)

// exitTempFail is the exit status when -ingest - could not store the
// message (EX_TEMPFAIL of sysexits.h): an MTA delivering to the program
// keeps the message and tries again later.
const exitTempFail = 75

// storeFlags are the flags of the report store: where it is, what to
// ingest, whose evidence to show.
type storeFlags struct {
	fs       *flag.FlagSet
	dsn      *string
	ingest   []string
	reread   *bool
	evidence *string
	window   *string
	monitor  *bool
	interval *time.Duration
	once     *bool
	webhook  *string
	names    *bool
	retain   store.Retention
}

// defaultStore is the store's file in the user's cache directory.
func defaultStore() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "domainauth", "reports.db")
}

func addStoreFlags(fs *flag.FlagSet) *storeFlags {
	sf := &storeFlags{fs: fs}
	sf.dsn = fs.String("store", defaultStore(), "the report store: a SQLite file, or postgres://user@host/db for PostgreSQL; with domains to check, their evidence comes from it and each check is kept in it")
	fs.Func("ingest", "store the DMARC aggregate reports in this file (XML, .gz, .zip, a message, an mbox), directory or Maildir; - for one message on standard input (as an MTA delivers it); repeatable", func(s string) error {
		sf.ingest = append(sf.ingest, s)
		return nil
	})
	sf.reread = fs.Bool("reread", false, "read again, with this program's readers, the reports the store keeps as unreadable, and store those it can read now (after upgrading the program)")
	sf.evidence = fs.String("evidence", "", "show the evidence the stored reports give for this domain, and the DMARC stage it allows")
	sf.window = fs.String("window", "30d", "the days of reports -evidence judges: Nd, or all")
	fs.Func("retain", "with -ingest and -monitor, delete what is older than this, per kind: reports=400d,days=800d,checks=400d (default: keep everything)", func(s string) error {
		r, err := store.ParseRetention(s)
		sf.retain = r
		return err
	})
	sf.monitor = fs.Bool("monitor", false, "recheck the domains given (or the store's list of customer domains) on a schedule, keeping each check in the store, and write each change of status or records as a JSON line")
	sf.interval = fs.Duration("interval", 24*time.Hour, "-monitor: how often each domain is checked, spread over the interval")
	sf.once = fs.Bool("once", false, "-monitor: check every domain once and exit (for cron)")
	sf.names = fs.Bool("names", true, "after -ingest and on each -monitor pass, look up the reverse names of the sources new to the store (kept only when the name resolves back to the address; at most 1000 a time, the rest next time)")
	sf.webhook = fs.String("webhook", "", "-monitor: also POST each change to this URL, signed with HMAC-SHA256 under $DOMAINAUTH_WEBHOOK_SECRET (header X-Domainauth-Signature: sha256=<hex>), retried with backoff")
	return sf
}

// set reports whether the flag was given on the command line.
func (sf *storeFlags) set(name string) bool {
	found := false
	sf.fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// active: the command line asks for a store action (-ingest, -reread,
// -evidence) instead of checking domains.
func (sf *storeFlags) active() bool { return len(sf.ingest) > 0 || *sf.reread || *sf.evidence != "" }

// monitoring: -monitor was given.
func (sf *storeFlags) monitoring() bool { return *sf.monitor }

// runMonitor runs -monitor with the checker, and returns the exit status.
func (sf *storeFlags) runMonitor(ctx context.Context, c *domaincheck.Checker, domains []string, stdout, stderr io.Writer) int {
	if *sf.interval < time.Minute {
		fmt.Fprintf(stderr, "domaincheck: -interval %s: use at least 1m\n", *sf.interval)
		return 2
	}
	s, err := sf.open(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "domaincheck:", err)
		return 2
	}
	defer s.Close()
	if err := runMonitor(ctx, c, s, domains, *sf.interval, *sf.once, *sf.webhook, sf.retain, *sf.names, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "domaincheck:", err)
		return 2
	}
	return 0
}

// parseWindow reads -window: "30d", "7d", "all" (-1).
func parseWindow(s string) (int, error) {
	if s == "all" {
		return -1, nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
	if err != nil || n < 1 || n > 3660 || !strings.HasSuffix(s, "d") {
		return 0, fmt.Errorf("-window %q: use a number of days such as 30d, or all", s)
	}
	return n, nil
}

// open opens the store, creating the default file's directory.
func (sf *storeFlags) open(ctx context.Context) (store.Store, error) {
	dsn := *sf.dsn
	if !strings.Contains(dsn, "://") {
		if err := os.MkdirAll(filepath.Dir(dsn), 0o700); err != nil {
			return nil, err
		}
	}
	return store.Open(ctx, dsn)
}

// run does the store actions: the ingests in order, reading the
// unreadable reports again, then the evidence.
// It returns the exit status.
func (sf *storeFlags) run(ctx context.Context, now time.Time, stdin io.Reader, stdout, stderr io.Writer, format string, p *domaincheck.Profile, domains []string, dns func() (dnsrec.Resolver, func(), error)) int {
	fail := func(code int, err error) int {
		fmt.Fprintln(stderr, "domaincheck:", err)
		return code
	}
	switch {
	case format != "text" && format != "json":
		return fail(2, fmt.Errorf("-format %s: -ingest, -reread and -evidence write text or json", format))
	case len(domains) > 0:
		return fail(2, errors.New("-ingest, -reread and -evidence take no domains to check"))
	}
	window, err := parseWindow(*sf.window)
	if err != nil {
		return fail(2, err)
	}
	if *sf.evidence != "" {
		if _, err := dnsrec.ParseDomain("-evidence", *sf.evidence); err != nil {
			return fail(2, err)
		}
	}
	stdinUsed := 0
	for _, in := range sf.ingest {
		if in == "-" {
			stdinUsed++
		}
	}
	if stdinUsed > 1 {
		return fail(2, errors.New("-ingest - reads one message from standard input: give it once"))
	}
	tempFail := 2
	if stdinUsed > 0 {
		tempFail = exitTempFail
	}
	s, err := sf.open(ctx)
	if err != nil {
		return fail(tempFail, err)
	}
	defer s.Close()
	if len(sf.ingest) > 0 {
		res, err := ingest(ctx, s, p, sf.ingest, stdin, stderr)
		if err != nil {
			return fail(tempFail, err)
		}
		if err := writeIngest(stdout, res, format); err != nil {
			return fail(2, err)
		}
		if err := prune(ctx, s, now, sf.retain, stderr); err != nil {
			return fail(tempFail, err)
		}
	}
	if *sf.reread {
		res, err := reread(ctx, s, p, stderr)
		if err != nil {
			return fail(2, err)
		}
		if err := writeReread(stdout, res, format); err != nil {
			return fail(2, err)
		}
	}
	if len(sf.ingest) > 0 || *sf.reread {
		if *sf.names {
			// The reports are stored: a DNS that fails costs names
			// (looked up next time), never the ingest's exit status.
			if r, done, err := dns(); err != nil {
				fmt.Fprintf(stderr, "domaincheck: reverse names: %v (looked up next time)\n", err)
			} else {
				resolveNames(ctx, s, r, now, stderr)
				done()
			}
		}
	}
	if *sf.evidence != "" {
		r, done, err := dns()
		if err != nil {
			return fail(2, err)
		}
		defer done()
		e, err := store.ComputeEvidence(ctx, s, *sf.evidence, store.EvidenceOptions{
			Window: window, Now: now, Staging: p.DMARC.Staging, Goal: goalOf(p.DMARC), Classify: store.SPFClassifier(r)})
		if err != nil {
			return fail(2, err)
		}
		if err := writeEvidence(stdout, e, format); err != nil {
			return fail(2, err)
		}
	}
	return 0
}

// prune deletes what the retention no longer keeps, and says so on stderr.
func prune(ctx context.Context, s store.Store, now time.Time, r store.Retention, stderr io.Writer) error {
	if r == (store.Retention{}) {
		return nil
	}
	p, err := s.Prune(ctx, now, r)
	if err != nil {
		return err
	}
	if p != (store.Pruned{}) {
		fmt.Fprintf(stderr, "domaincheck: retention %s: deleted %d reports, %d daily sums, %d checks\n", r, p.Reports, p.Days, p.Checks)
	}
	return nil
}

// newResolver returns how -evidence asks DNS (the sources the domain's SPF
// record declares): real DNS with -live, else the embedded demo zone on a
// loopback server, as the checks do.
func newResolver(live bool, real func() dnsrec.Resolver) func() (dnsrec.Resolver, func(), error) {
	return func() (dnsrec.Resolver, func(), error) {
		if live {
			return real(), func() {}, nil
		}
		srv, err := dnstest.Serve(demo.Zone())
		if err != nil {
			return nil, nil, err
		}
		return srv.Client(), func() { srv.Close() }, nil
	}
}

// resolveNames looks up the reverse names of the store's sources that
// have none yet, through r, and says on stderr what it found. A failure
// is said there too, never fatal: the next run looks them up.
func resolveNames(ctx context.Context, s store.Store, r dnsrec.Resolver, now time.Time, stderr io.Writer) {
	res, err := store.ResolveNames(ctx, s, r, store.NameOptions{Now: now})
	if err != nil {
		fmt.Fprintf(stderr, "domaincheck: reverse names: %v (looked up next time)\n", err)
		return
	}
	if res.Looked > 0 {
		fmt.Fprintf(stderr, "domaincheck: reverse names: %d sources looked up: %d named, %d whose PTR name does not resolve back, %d without PTR, %d failed for now (asked again later)\n",
			res.Looked, res.Pass, res.Fail, res.PermError, res.TempError)
	}
}

// goalOf is the profile's DMARC goal, its default filled in.
func goalOf(d domaincheck.DMARCNeed) dmarc.Policy {
	switch {
	case d.Goal != "":
		return d.Goal
	case d.Minimum != "":
		return d.Minimum
	}
	return dmarc.PolicyNone
}

// ingest ingests each path in order, with a progress line on stderr every
// 500 files or messages; the vendor's servers are named as such.
func ingest(ctx context.Context, s store.Store, p *domaincheck.Profile, paths []string, stdin io.Reader, stderr io.Writer) (store.IngestResult, error) {
	var total store.IngestResult
	base := 0
	in := &store.Ingester{Store: s, Sources: store.VendorSources(p), Progress: func(r store.IngestResult) {
		if n := base + r.Items; n%500 == 0 && n > 0 && r.Items > 0 {
			// The counts are what is committed: reports wait for their
			// group commit, so they trail the files read.
			fmt.Fprintf(stderr, "domaincheck: ingest: %d files and messages read; committed so far: %d reports stored, %d present, %d skipped, %d unreadable\n",
				n, total.Stored+r.Stored, total.Present+r.Present, total.Skipped+r.Skipped, len(total.Unreadable)+len(r.Unreadable))
		}
	}}
	for _, p := range paths {
		var res store.IngestResult
		var err error
		if p == "-" {
			res, err = in.IngestMessage(ctx, stdin, "-")
		} else {
			res, err = in.Ingest(ctx, p)
		}
		total.Stored += res.Stored
		total.Present += res.Present
		total.Skipped += res.Skipped
		total.Recovered += res.Recovered
		total.Items += res.Items
		total.Unreadable = append(total.Unreadable, res.Unreadable...)
		base += res.Items
		if err != nil {
			return total, err
		}
	}
	if total.Unreadable == nil {
		total.Unreadable = []store.Unreadable{}
	}
	return total, nil
}

// writeResultJSON writes what -ingest or -reread did as JSON.
func writeResultJSON(w io.Writer, r store.IngestResult) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Stored     int                `json:"stored"`
		Present    int                `json:"present"`
		Skipped    int                `json:"skipped"`
		Recovered  int                `json:"recovered"`
		Unreadable []store.Unreadable `json:"unreadable"`
	}{r.Stored, r.Present, r.Skipped, r.Recovered, r.Unreadable})
}

func writeIngest(w io.Writer, r store.IngestResult, format string) error {
	if format == "json" {
		return writeResultJSON(w, r)
	}
	fmt.Fprintf(w, "ingested %d files and messages: %d reports stored, %d already held, %d for other domains (skipped), %d unreadable\n",
		r.Items, r.Stored, r.Present, r.Skipped, len(r.Unreadable))
	if r.Recovered > 0 {
		fmt.Fprintf(w, "read leniently: %d of the reports stored (a wrapper element, invalid UTF-8, an address in angle brackets; the reason is kept with each)\n", r.Recovered)
	}
	for _, u := range r.Unreadable {
		fmt.Fprintf(w, "unreadable: %s: %s (kept in the store)\n", u.File, u.Reason)
	}
	return nil
}

// reread reads the store's unreadable reports again, with a progress line
// on stderr every 500 reports; the vendor's servers are named as such.
func reread(ctx context.Context, s store.Store, p *domaincheck.Profile, stderr io.Writer) (store.IngestResult, error) {
	in := &store.Ingester{Store: s, Sources: store.VendorSources(p), Progress: func(r store.IngestResult) {
		if r.Items%500 == 0 && r.Items > 0 {
			fmt.Fprintf(stderr, "domaincheck: reread: %d unreadable reports read again; committed so far: %d stored, %d present, %d skipped, %d still unreadable\n",
				r.Items, r.Stored, r.Present, r.Skipped, len(r.Unreadable))
		}
	}}
	res, err := in.Reread(ctx)
	if res.Unreadable == nil {
		res.Unreadable = []store.Unreadable{}
	}
	return res, err
}

// writeReread says what -reread did: one line, or a JSON object in the
// form of -ingest's, each report still unreadable with its ID.
func writeReread(w io.Writer, r store.IngestResult, format string) error {
	if format == "json" {
		return writeResultJSON(w, r)
	}
	lenient := ""
	if r.Recovered > 0 {
		lenient = fmt.Sprintf(" (%d read leniently)", r.Recovered)
	}
	_, err := fmt.Fprintf(w, "read again %d unreadable reports: %d now stored%s, %d already held, %d for other domains (skipped), %d still unreadable (kept)\n",
		r.Items, r.Stored, lenient, r.Present, r.Skipped, len(r.Unreadable))
	return err
}

func writeEvidence(w io.Writer, e *store.Evidence, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(e)
	}
	span := fmt.Sprintf("%s to %s", e.From.Format(time.DateOnly), e.To.Format(time.DateOnly))
	if e.From.Unix() == 0 {
		span = "everything stored, to " + e.To.Format(time.DateOnly)
	}
	fmt.Fprintf(w, "%s: DMARC evidence, %s\n", e.Domain, span)
	recv := "none"
	if len(e.ReceiverNames) > 0 {
		recv = strings.Join(e.ReceiverNames, ", ")
	}
	fmt.Fprintf(w, "  reports:    %d, from %d receivers (%s), covering %d days\n", e.Reports, e.Receivers, recv, e.Days)
	rate := 0.0
	if e.Messages > 0 {
		rate = 100 * float64(e.Passed) / float64(e.Messages)
	}
	fmt.Fprintf(w, "  messages:   %d, %d passed DMARC (%.1f%%)\n", e.Messages, e.Passed, rate)
	fmt.Fprintf(w, "  legitimate: %d messages from the domain's own sources, %.1f%% passed\n", e.Legitimate, e.PassRate)
	fmt.Fprintf(w, "  failing:    %d unaligned (SPF or DKIM passed for another domain), %d unauthenticated\n", e.Unaligned, e.Unauthenticated)
	stage := string(e.Stage)
	if !e.Since.IsZero() {
		stage += " (checks have seen it since " + e.Since.Format(time.DateOnly) + ")"
	} else {
		stage += " (no check of the domain stored: assumed)"
	}
	fmt.Fprintf(w, "  stage:      %s\n", stage)
	switch {
	case e.Next != "":
		fmt.Fprintf(w, "  next:       %s: every condition holds\n", e.Next)
	case len(e.Missing) == 0:
		fmt.Fprintf(w, "  next:       none: the profile's goal is reached\n")
	default:
		fmt.Fprintf(w, "  next:       not yet; missing:\n")
		for _, m := range e.Missing {
			fmt.Fprintf(w, "    - %s\n", m)
		}
	}
	if len(e.Hurt) > 0 {
		fmt.Fprintf(w, "  would be hurt by a stricter policy:\n")
		for _, h := range e.Hurt {
			fmt.Fprintf(w, "    - %s\n", h.Why)
		}
	}
	if len(e.Sources) > 0 {
		fmt.Fprintf(w, "  sources:\n")
		for _, s := range e.Sources {
			legit := ""
			if s.Legitimate {
				legit = ", legitimate"
			}
			host := ""
			if s.Host != "" {
				host = " " + s.Host
			}
			fmt.Fprintf(w, "    %-39s %7d messages, %7d passed (%s%s)%s\n", s.IP, s.Messages, s.Passed, s.Kind, legit, host)
		}
	}
	return nil
}

// attachStore backs the checker's evidence with the store given by
// -store, and returns a function that keeps each check in it. It opens
// the store only when -store was given.
func (sf *storeFlags) attach(ctx context.Context, c *domaincheck.Checker, stderr io.Writer) (keep func(*domaincheck.DomainReport), closeStore func(), err error) {
	if !sf.set("store") {
		return func(*domaincheck.DomainReport) {}, func() {}, nil
	}
	s, err := sf.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	c.Evidence = store.EvidenceFunc(ctx, s, c.Profile.DMARC, store.SPFClassifier(c.Resolver), func(domain string, err error) {
		fmt.Fprintf(stderr, "domaincheck: evidence of %s: %v\n", domain, err)
	})
	keep = func(rep *domaincheck.DomainReport) {
		if rep.Err != nil {
			return
		}
		chk := store.Check{Domain: rep.Domain, Status: string(rep.Status), Policy: dmarc.PolicyNone}
		if d, err := dmarc.Discover(ctx, c.Resolver, rep.Domain); err == nil && d.Record != nil {
			chk.Policy, chk.Partial = d.Policy, d.Record.Testing()
			chk.Records = []string{"_dmarc." + d.PolicyDomain + ". TXT " + strconv.Quote(d.RecordText)}
		}
		if rep.Plan != nil {
			chk.Plan, _ = json.Marshal(rep.Plan)
		}
		if err := s.AddCheck(ctx, chk); err != nil {
			fmt.Fprintf(stderr, "domaincheck: keeping the check of %s: %v\n", rep.Domain, err)
		}
	}
	return keep, func() { s.Close() }, nil
}
