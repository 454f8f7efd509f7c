// Command why reads what the mail world sent back about a message (a
// bounce, a delivered or flagged message's header fields, or a DMARC
// aggregate report) and says what happened, why, and the DNS fix, checked
// against the vendor's profile.
//
//	go run ./examples/why [flags] [file ...]    (- for standard input)
//
// With no file it explains the embedded samples: a bounce, a message a
// filter flagged, and an aggregate report; offline, against the demo zone,
// unless told -live. Exit status: 0 nothing failed, 1 something failed and
// the output says what to change, 2 usage or DNS failure.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/examples/internal/demo"
	"github.com/domainauth/domainauth/feedback"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/sender"
)

var errFailed = errors.New("failures found")

func main() { os.Exit(realMain(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

func realMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("why", flag.ContinueOnError)
	fs.SetOutput(stderr)
	profileFile := fs.String("profile", "", "the vendor profile, JSON (default: the embedded demo vendor)")
	resolver := demo.Flags(fs)
	if demo.ParseArgs(fs, args) != nil {
		return demo.ExitUsage
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "why:", err)
		return demo.ExitUsage
	}
	data := demo.ProfileJSON()
	if *profileFile != "" {
		var err error
		if data, err = os.ReadFile(*profileFile); err != nil {
			return fail(err)
		}
	}
	profile, err := sender.ParseProfile(data)
	if err != nil {
		return fail(err)
	}
	type input struct {
		name string
		data []byte
	}
	var inputs []input
	for _, f := range fs.Args() {
		var b []byte
		var err error
		if f == "-" {
			b, err = io.ReadAll(io.LimitReader(stdin, feedback.MaxMessageSize+1))
		} else {
			b, err = os.ReadFile(f)
		}
		if err != nil {
			return fail(err)
		}
		inputs = append(inputs, input{f, b})
	}
	if len(inputs) == 0 {
		for _, s := range []string{"bounce.eml", "flagged.eml", "report.xml"} {
			inputs = append(inputs, input{"the sample " + s, demo.Sample(s)})
		}
	}
	e := &explainer{w: stdout, r: &dnsrec.Cache{Resolver: resolver()}, profile: profile}
	failed := false
	for i, in := range inputs {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "==== %s\n", in.name)
		err := e.explain(in.data)
		switch {
		case errors.Is(err, errFailed):
			failed = true
		case err != nil:
			return fail(fmt.Errorf("%s: %w", in.name, err))
		}
	}
	if failed {
		return demo.ExitChanges
	}
	return demo.ExitReady
}

type explainer struct {
	w       io.Writer
	r       dnsrec.Resolver
	profile *sender.Profile
}

// explain tells a report from a bounce from a message and explains it.
func (e *explainer) explain(data []byte) error {
	trimmed := bytes.TrimSpace(data)
	if bytes.HasPrefix(trimmed, []byte("<")) || bytes.HasPrefix(data, []byte{0x1f, 0x8b}) || bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		rep, err := dmarc.ParseAggregateReport(bytes.NewReader(data))
		if err != nil {
			return err
		}
		return e.report(rep)
	}
	b, err := feedback.ParseBounce(bytes.NewReader(data))
	if err == nil {
		return e.bounce(b)
	}
	if !errors.Is(err, feedback.ErrNotBounce) {
		return err
	}
	h, err := feedback.ParseHeaders(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return e.headers(h)
}

func (e *explainer) bounce(b *feedback.Bounce) error {
	fmt.Fprintf(e.w, "A bounce from %s.\n", b.ReportingMTA)
	failed := false
	for _, r := range b.Recipients {
		fmt.Fprintf(e.w, "\n%s: %s (%s)\n  %s: %s\n  The receiver said: %q\n", r.Address, r.Class, r.Status, r.Status, r.StatusText, r.Diagnostic)
		fmt.Fprintf(e.w, "  What to do: %s.\n", r.Advice)
		if r.Class != feedback.ClassAuthentication {
			continue
		}
		failed = true
		domain := domainOf(b.OriginalFrom)
		// The reporting server is the vendor's own: its address is the one
		// the receiver judged.
		var ip netip.Addr
		if a, err := e.r.Lookup(context.Background(), b.ReportingMTA, dnsrec.TypeA); err == nil && len(a.Addrs()) > 0 {
			ip = a.Addrs()[0]
		}
		if err := e.fix(r.Mechanism, domain, ip); err != nil {
			return err
		}
	}
	if failed {
		return errFailed
	}
	return nil
}

func (e *explainer) headers(h *feedback.Headers) error {
	fmt.Fprintf(e.w, "A message from %s", h.From)
	if h.IP.IsValid() {
		fmt.Fprintf(e.w, ", delivered from %s", h.IP)
	}
	if h.Spam {
		fmt.Fprintf(e.w, ", marked as spam")
	}
	fmt.Fprintln(e.w, ".")
	for _, r := range h.Reasons {
		mark := "ok  "
		if r.Failed {
			mark = "FAIL"
		}
		fmt.Fprintf(e.w, "  [%s] %s (%s)\n", mark, r.Text, r.Source)
	}
	fails := h.Failures()
	if len(fails) == 0 {
		return nil
	}
	if err := e.fix(fails[0].Mechanism, h.From, h.IP); err != nil {
		return err
	}
	return errFailed
}

func (e *explainer) fix(mech feedback.Mechanism, domain string, ip netip.Addr) error {
	if domain == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fix, err := feedback.Diagnose(ctx, e.r, mech, domain, ip, e.profile.Requirements(domain, sender.Evidence{})...)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.w, "\n%s\n", fix.Text)
	if cs := fix.Plan.Changes.For(plan.PartyCustomer); len(cs) > 0 {
		fmt.Fprintf(e.w, "\nThe customer's DNS changes for %s, in this order:\n%s", fix.Domain, cs.Text())
	}
	return nil
}

func (e *explainer) report(rep *dmarc.AggregateReport) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sum, err := dmarc.Summarize(ctx, e.r, rep.Domain, e.profile.SPF, rep)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.w, "A DMARC aggregate report from %s for %s, %s to %s: %d messages, %d passed DMARC.\n",
		rep.Org, rep.Domain, rep.Begin.Format("2006-01-02"), rep.End.Format("2006-01-02"), sum.Messages, sum.Passed)
	for _, s := range sum.Sources {
		name := s.IP.String()
		if s.Host != "" {
			name += " (" + s.Host + ")"
		}
		who := ""
		if s.Vendor {
			who = ", the vendor"
		}
		fmt.Fprintf(e.w, "  %s%s: %d of %d passed\n", name, who, s.Passed, s.Messages)
	}
	if sum.SafeToTighten {
		fmt.Fprintln(e.w, "Safe to move to a stricter DMARC policy: every failing source looks unauthorized.")
		return nil
	}
	fmt.Fprintf(e.w, "Not yet safe to move to a stricter DMARC policy: %s.\n", sum.NotSafeBecause)
	return errFailed
}

func domainOf(from string) string {
	a, err := mail.ParseAddress(from)
	if err != nil {
		return ""
	}
	return strings.ToLower(a.Address[strings.LastIndexByte(a.Address, '@')+1:])
}
