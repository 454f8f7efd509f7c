package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/i18n"
	"golang.org/x/text/language"
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

func newSummaryRow(rep *domaincheck.DomainReport, lang language.Tag) summaryRow {
	row := summaryRow{domain: rep.Domain, status: rep.Status, changes: len(customerChanges(rep))}
	switch {
	case rep.Ready:
		row.verdict = summaryWord(lang, "ready")
	case len(blockingAreas(rep, lang)) > 0:
		row.verdict = strings.Join(blockingAreas(rep, lang), ", ")
	case i18n.Default().Match(lang) != i18n.English:
		row.verdict = newReporter(lang).verdict(rep)
	case rep.Err != nil:
		row.verdict = rep.Err.Error()
	default:
		row.verdict = rep.Summary
	}
	return row
}

// blockingAreas names the areas that stand between the domain and ready,
// with what each needs: "dkim (change), dmarc (broken)".
func blockingAreas(rep *domaincheck.DomainReport, lang language.Tag) []string {
	var out []string
	for _, a := range rep.Areas {
		switch a.Status {
		case domaincheck.StatusChange:
			out = append(out, areaWord(lang, a.Name))
		case domaincheck.StatusBroken:
			out = append(out, areaWord(lang, a.Name)+" ("+summaryWord(lang, "no-safe-change")+")")
		case domaincheck.StatusNotChecked:
			out = append(out, areaWord(lang, a.Name)+" ("+summaryWord(lang, "not-checked")+")")
		}
	}
	return out
}

// areaWord names an area in lang: "dkim" in English, as the English
// summary always named it; "Zustellung" in German.
func areaWord(lang language.Tag, a domaincheck.AreaName) string {
	if i18n.Default().Match(lang) == i18n.English {
		return string(a)
	}
	if s := i18n.Default().Text(lang, "text.report.area."+string(a), nil); s != "" {
		return s
	}
	return string(a)
}

// statusWord is a domain's status in lang: the status token in English,
// as the English summary always showed it; the page's words otherwise.
func statusWord(lang language.Tag, s domaincheck.DomainStatus) string {
	if i18n.Default().Match(lang) == i18n.English {
		return string(s)
	}
	if w := i18n.Default().Text(lang, "text.web.status."+string(s), nil); w != "" {
		return w
	}
	return string(s)
}

// summaryWord is the summary's word id (text.summary.<id>) in lang.
func summaryWord(lang language.Tag, id string, kv ...string) string {
	params := i18n.Params{}
	for i := 0; i+1 < len(kv); i += 2 {
		params[kv[i]] = kv[i+1]
	}
	return i18n.Default().Text(lang, "text.summary."+id, params)
}

// writeSummary writes the closing summary of a run of several domains:
// one line a domain (its status, the customer's changes left and what
// blocks it), the counts, and what the exit status will say.
func writeSummary(w io.Writer, rows []summaryRow, vendor *domaincheck.VendorReport, lang language.Tag) {
	counts := map[domaincheck.DomainStatus]int{}
	domain, status, changes := summaryWord(lang, "domain"), summaryWord(lang, "status"), summaryWord(lang, "changes")
	width, statusWidth := utf8.RuneCountInString(domain), max(15, utf8.RuneCountInString(status))
	for _, r := range rows {
		counts[r.status]++
		width = max(width, len(r.domain))
		statusWidth = max(statusWidth, utf8.RuneCountInString(statusWord(lang, r.status)))
	}
	fmt.Fprintf(w, "\n%s\n", summaryWord(lang, "heading", "count", strconv.Itoa(len(rows)), "ready", strconv.Itoa(counts[domaincheck.DomainReady])))
	fmt.Fprintf(w, "%s  %s  %s  %s\n", pad(domain, width), pad(status, statusWidth), changes, summaryWord(lang, "areas"))
	for _, r := range rows {
		fmt.Fprintf(w, "%s  %s  %*d  %s\n", pad(r.domain, width), pad(statusWord(lang, r.status), statusWidth), utf8.RuneCountInString(changes), r.changes, shorten(r.verdict, summaryWidth))
	}
	if vendor != nil && vendor.Blocks {
		fmt.Fprintln(w, summaryWord(lang, "vendor"))
	}
	fmt.Fprintln(w, summaryWord(lang, "exit"))
}

// pad fills s with spaces to n characters.
func pad(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s)))
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
