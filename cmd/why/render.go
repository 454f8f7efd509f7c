package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/feedback"
	"github.com/domainauth/domainauth/plan"
)

// writeJSON prints one JSON document for all inputs. Lists are [] when
// empty, never null.
func writeJSON(w io.Writer, results []*result, failed bool) error {
	for _, r := range results {
		for i := range r.Fixes {
			r.Fixes[i].Changes = nonNull(r.Fixes[i].Changes)
		}
		if h := r.Headers; h != nil {
			if h.Reasons == nil {
				h.Reasons = []feedback.Reason{}
			}
			if h.TrustedIDs == nil {
				h.TrustedIDs = []string{}
			}
		}
		if rep := r.Report; rep != nil {
			for _, l := range []*[]feedback.SourceSummary{&rep.Summary.Sources, &rep.Summary.Hurt, &rep.Summary.Unaligned} {
				if *l == nil {
					*l = []feedback.SourceSummary{}
				}
			}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Inputs []*result `json:"inputs"`
		Failed bool      `json:"failed"`
	}{results, failed})
}

// nonNull gives each change's record sets as [] when empty: the plan
// renders a set that does not exist yet as null.
func nonNull(cs plan.Changes) plan.Changes {
	out := make(plan.Changes, len(cs))
	for i, c := range cs {
		if c.Current == nil {
			c.Current = []dnsrec.Record{}
		}
		if c.Proposed == nil {
			c.Proposed = []dnsrec.Record{}
		}
		out[i] = c
	}
	return out
}

func writeText(w io.Writer, r *result) {
	fmt.Fprintf(w, "==== %s\n", r.Name)
	switch {
	case r.Bounce != nil:
		bounceText(w, r.Bounce)
	case r.Headers != nil:
		headersText(w, r.Headers)
		if r.Message != nil {
			fmt.Fprintf(w, "\n%s", r.Message.Text())
		}
	case r.Report != nil:
		reportText(w, r.Report)
	}
	for _, f := range r.Fixes {
		fmt.Fprintf(w, "\n%s\n", f.Text)
		if len(f.Changes) > 0 {
			fmt.Fprintf(w, "\nThe customer's DNS changes for %s, in this order:\n%s", f.Domain, f.Changes.Text())
		}
	}
}

func bounceText(w io.Writer, b *feedback.Bounce) {
	if b.ReportingMTA != "" {
		fmt.Fprintf(w, "A bounce from %s.\n", b.ReportingMTA)
	} else {
		fmt.Fprintln(w, "A bounce (the reporting server is not named).")
	}
	for _, r := range b.Recipients {
		status := r.Status
		if status == "" {
			status = "no status code"
		}
		fmt.Fprintf(w, "\n%s: %s (%s)\n", r.Address, r.Class, status)
		if r.StatusText != "" {
			fmt.Fprintf(w, "  %s: %s\n", r.Status, r.StatusText)
		}
		if r.ReportedStatus != "" {
			fmt.Fprintf(w, "  (the delivery-status part says only %s; the receiver's own words give %s)\n", r.ReportedStatus, r.Status)
		}
		fmt.Fprintf(w, "  The receiver said: %q\n", r.Diagnostic)
		if r.Rule != nil {
			fmt.Fprintf(w, "  %s's rule: %s.", r.Rule.Provider, r.Rule.Rule)
			if r.Rule.RuleID != "" {
				fmt.Fprintf(w, " (%s in the domain check's %s section)", r.Rule.RuleID, r.Rule.Provider)
			}
			fmt.Fprintln(w)
		}
		if l := r.List; l != nil {
			fmt.Fprintf(w, "  Listed on: %s, run by %s", l.String(), l.Operator)
			if l.Address.IsValid() {
				fmt.Fprintf(w, "; the listed address is %s", l.Address)
			}
			if l.LookupURL != "" {
				fmt.Fprintf(w, "; look it up at %s", l.LookupURL)
			}
			fmt.Fprintln(w, ".")
		}
		fmt.Fprintf(w, "  What to do: %s.\n", r.Advice)
	}
}

func headersText(w io.Writer, h *feedback.Headers) {
	if h.From != "" {
		fmt.Fprintf(w, "A message from %s", h.From)
	} else {
		fmt.Fprint(w, "A message with no readable From field")
	}
	if h.IP.IsValid() {
		fmt.Fprintf(w, ", delivered from %s", h.IP)
	}
	if h.Spam {
		fmt.Fprintf(w, ", marked as spam")
	}
	fmt.Fprintln(w, ".")
	mine, others, who := verdicts(h)
	switch {
	case len(mine) > 0 && who == "":
		fmt.Fprintln(w, "The receiver's verdict:")
	case len(mine) > 0:
		fmt.Fprintf(w, "The receiver's verdict (%s):\n", who)
	case who == "":
		fmt.Fprintln(w, "No result here is the receiver's verdict: none was added by the receiver.")
	default:
		fmt.Fprintf(w, "No result here is the receiver's verdict: none was added by %s.\n", who)
	}
	for _, r := range mine {
		mark := "ok  "
		if r.Failed {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  [%s] %s (%s)\n", mark, r.Text, r.Source)
	}
	if len(others) > 0 {
		fmt.Fprintln(w, "Not the receiver's verdict:")
	}
	for _, r := range others {
		by := "by " + r.AuthServID
		naming := r.Source + " naming " + r.AuthServID
		if r.AuthServID == "" {
			by, naming = "by a host that gave no name", r.Source+", which names no host"
		}
		switch r.Trust {
		case feedback.TrustEarlierHop:
			fmt.Fprintf(w, "  [hop ] %s (ARC set %d, %s: what an earlier hop saw)\n", r.Text, r.Instance, by)
		default:
			fmt.Fprintf(w, "  [????] %s (%s: not the receiver's own, so a relay's or forged)\n", r.Text, naming)
		}
	}
}

func reportText(w io.Writer, rep *reportResult) {
	sum := rep.Summary
	fmt.Fprintf(w, "A DMARC aggregate report from %s for %s, %s to %s: %d messages, %d passed DMARC.\n",
		rep.Org, sum.Domain, rep.Begin, rep.End, sum.Messages, sum.Passed)
	for _, s := range sum.Sources {
		name := s.IP.String()
		if s.Host != "" {
			name += " (" + s.Host + ")"
		}
		fmt.Fprintf(w, "  %s: %d of %d passed; %s\n", name, s.Passed, s.Messages, kindText(s))
	}
	if sum.SafeToTighten {
		fmt.Fprintln(w, "Safe to move to a stricter DMARC policy: no legitimate source fails.")
	} else {
		fmt.Fprintf(w, "Not yet safe to move to a stricter DMARC policy: %s.\n", sum.NotSafeBecause)
	}
	if len(sum.Unaligned) > 0 {
		fmt.Fprintf(w, "Unaligned sources (%d) pass only for a domain of their own: spoofers, forwarders, or a service %s has not declared; if one is yours, authorize it in SPF or have it sign with %s's DKIM key.\n",
			len(sum.Unaligned), sum.Domain, sum.Domain)
	}
}

func kindText(s feedback.SourceSummary) string {
	switch s.Kind {
	case feedback.SourceVendor:
		return "the vendor"
	case feedback.SourceAligned:
		if s.Passed < s.Messages {
			return "the domain's own mail, partly failing"
		}
		return "aligned"
	case feedback.SourceService:
		return "a service the domain declares: " + s.Why
	case feedback.SourceUnaligned:
		return "unaligned, " + s.Why
	}
	if s.Overridden > 0 {
		return "unauthenticated, " + s.Why
	}
	return "unauthenticated"
}

// verdicts splits a message's results into the receiver's own and the
// others, and names who wrote the receiver's ("" when its fields do not
// say).
func verdicts(h *feedback.Headers) (mine, others []feedback.Reason, who string) {
	for _, r := range h.Reasons {
		if r.Trust == feedback.TrustReceiver {
			mine = append(mine, r)
		} else {
			others = append(others, r)
		}
	}
	if len(h.TrustedIDs) > 0 && h.TrustedIDs[0] != "" {
		who = strings.Join(h.TrustedIDs, ", ")
	}
	return mine, others, who
}
