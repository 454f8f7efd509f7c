package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/domainauth/domainauth/domaincheck"
)

// summaryWidth is how much of a domain's first blocker the summary shows:
// the summary fits a screen 100 columns wide.
const summaryWidth = 56

// summaryRow is one domain in the closing summary of a run.
type summaryRow struct {
	domain  string
	status  domaincheck.DomainStatus
	changes int    // the customer's changes in the domain's plan
	verdict string // what blocks it, or that it is ready
}

func newSummaryRow(rep *domaincheck.DomainReport) summaryRow {
	row := summaryRow{domain: rep.Domain, status: rep.Status, changes: len(customerChanges(rep))}
	switch {
	case rep.Ready:
		row.verdict = "ready"
	case len(blockingAreas(rep)) > 0:
		row.verdict = strings.Join(blockingAreas(rep), ", ")
	case rep.Err != nil:
		row.verdict = rep.Err.Error()
	default:
		row.verdict = rep.Summary
	}
	return row
}

// blockingAreas names the areas that stand between the domain and ready,
// with what each needs: "dkim (change), dmarc (broken)".
func blockingAreas(rep *domaincheck.DomainReport) []string {
	var out []string
	for _, a := range rep.Areas {
		switch a.Status {
		case domaincheck.StatusChange:
			out = append(out, string(a.Name))
		case domaincheck.StatusBroken:
			out = append(out, string(a.Name)+" (no safe change)")
		case domaincheck.StatusNotChecked:
			out = append(out, string(a.Name)+" (could not check)")
		}
	}
	return out
}

// writeSummary writes the closing summary of a run of several domains:
// one line a domain (its status, the customer's changes left and what
// blocks it), the counts, and what the exit status will say.
func writeSummary(w io.Writer, rows []summaryRow, vendor *domaincheck.VendorReport) {
	counts := map[domaincheck.DomainStatus]int{}
	width := len("domain")
	for _, r := range rows {
		counts[r.status]++
		width = max(width, len(r.domain))
	}
	fmt.Fprintf(w, "\n==== summary: %d domains, %d ready\n", len(rows), counts[domaincheck.DomainReady])
	fmt.Fprintf(w, "%-*s  %-15s  %7s  %s\n", width, "domain", "status", "changes", "areas to fix")
	for _, r := range rows {
		fmt.Fprintf(w, "%-*s  %-15s  %7d  %s\n", width, r.domain, r.status, r.changes, shorten(r.verdict, summaryWidth))
	}
	if vendor != nil && vendor.Blocks {
		fmt.Fprintln(w, "The vendor's own set-up has problems that affect every customer's mail (see the vendor's section).")
	}
	fmt.Fprintln(w, "Exit status: 0 every domain ready; 1 a domain needs changes; 2 usage or DNS failure; 3 only the vendor's set-up needs changes.")
}

// shorten cuts s to at most n characters at a word, marking the cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}
