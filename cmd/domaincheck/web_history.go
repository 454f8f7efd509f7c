package main

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/store"
)

// route is one more page of the web server.
type route struct {
	pattern string
	h       http.Handler
}

// withRoutes serves the routes beside h.
func withRoutes(h http.Handler, routes []route) http.Handler {
	if len(routes) == 0 {
		return h
	}
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.pattern, rt.h)
	}
	mux.Handle("/", h)
	return mux
}

// routes are the store's pages of the web server, when -store is given:
// /history?domain=.
func (sf *storeFlags) routes(ctx context.Context, p *domaincheck.Profile) ([]route, func(), error) {
	if !sf.set("store") {
		return nil, func() {}, nil
	}
	s, err := sf.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	return []route{{"GET /history", &history{s: s, p: p, now: time.Now}}}, func() { s.Close() }, nil
}

// historyDays is the span of the history page's chart.
const historyDays = 90

// history serves a domain's history from the store (/history?domain=): a
// chart of its daily messages and DMARC pass rate with the policy changes
// marked (inline SVG drawn here, no script), its stage and the condition
// of the next, the sources, and the timeline of its status changes.
type history struct {
	s   store.Store
	p   *domaincheck.Profile
	now func() time.Time
}

// historyPage is what the history template shows.
type historyPage struct {
	Vendor, Domain, Error string
	From, To              string
	Evidence              *store.Evidence
	Chart                 *chart
	Timeline              []timelineEntry
}

type timelineEntry struct {
	At, From, To, Policy string
}

// chart is the SVG chart's shapes, in pixels.
type chart struct {
	Width, Height, Top, Bottom int
	LabelY                     int // the marks' labels' baseline
	Bars                       []chartBar
	Rate                       string // the pass rate's polyline points
	Marks                      []mark
	Max                        int // the most messages in a day
}

type chartBar struct {
	X, Y, W, H int
	Title      string
}

type mark struct {
	X      int
	Label  string
	Anchor string // text-anchor: start, or end in the right half
}

func (h *history) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	defer cancel()
	p := historyPage{Vendor: h.p.Name, Domain: r.URL.Query().Get("domain")}
	status := http.StatusOK
	name, err := dnsrec.ParseDomain("domain", p.Domain)
	if err != nil {
		p.Error, status = err.Error(), http.StatusBadRequest
		renderHistory(w, status, p)
		return
	}
	domain := dnsrec.TrimDot(name)
	p.Domain = domain
	now := h.now()
	to := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	from := to.AddDate(0, 0, -(historyDays - 1))
	p.From, p.To = from.Format(time.DateOnly), to.Format(time.DateOnly)
	if err := h.fill(ctx, &p, domain, from, to, now); err != nil {
		p.Error, status = err.Error(), http.StatusServiceUnavailable
	}
	renderHistory(w, status, p)
}

func (h *history) fill(ctx context.Context, p *historyPage, domain string, from, to, now time.Time) error {
	e, err := store.ComputeEvidence(ctx, h.s, domain, store.EvidenceOptions{Now: now, Staging: h.p.DMARC.Staging, Goal: goalOf(h.p.DMARC)})
	if err != nil {
		return err
	}
	p.Evidence = e
	days, err := h.s.Days(ctx, domain, from, to)
	if err != nil {
		return err
	}
	checks, err := h.s.Checks(ctx, domain, from)
	if err != nil {
		return err
	}
	p.Chart = drawChart(days, checks, from)
	for i, c := range checks {
		if i > 0 && c.Status == checks[i-1].Status {
			continue
		}
		entry := timelineEntry{At: c.At.UTC().Format("2006-01-02 15:04"), To: c.Status, Policy: string(domaincheck.StageOf(c.Policy, c.Partial))}
		if i > 0 {
			entry.From = checks[i-1].Status
		}
		p.Timeline = append(p.Timeline, entry)
	}
	return nil
}

// drawChart lays out one bar per day (messages) and the pass rate's line,
// and marks where the checks saw the DMARC stage change.
func drawChart(days []store.DaySource, checks []store.Check, from time.Time) *chart {
	c := &chart{Width: 720, Height: 220, Top: 10, Bottom: 190, LabelY: 206}
	msgs := make([]int, historyDays)
	passed := make([]int, historyDays)
	for _, d := range days {
		i := int(d.Day.Sub(from).Hours() / 24)
		if i < 0 || i >= historyDays {
			continue
		}
		msgs[i] += d.Messages
		passed[i] += d.Passed
	}
	for _, m := range msgs {
		c.Max = max(c.Max, m)
	}
	step := c.Width / historyDays
	span := c.Bottom - c.Top
	for i, m := range msgs {
		if m == 0 {
			continue
		}
		hgt := max(1, m*span/max(c.Max, 1))
		c.Bars = append(c.Bars, chartBar{X: i * step, Y: c.Bottom - hgt, W: step - 1, H: hgt,
			Title: fmt.Sprintf("%s: %d messages, %d passed DMARC", from.AddDate(0, 0, i).Format(time.DateOnly), m, passed[i])})
		y := c.Bottom - passed[i]*span/m
		c.Rate += fmt.Sprintf("%d,%d ", i*step+step/2, y)
	}
	var last domaincheck.Stage
	for i, ch := range checks {
		st := domaincheck.StageOf(ch.Policy, ch.Partial)
		if i > 0 && st != last {
			x := int(ch.At.Sub(from).Hours() / 24 * float64(step))
			if x >= 0 && x <= c.Width {
				anchor := "start"
				if x > c.Width/2 {
					anchor = "end"
				}
				c.Marks = append(c.Marks, mark{X: x, Label: string(st), Anchor: anchor})
			}
		}
		last = st
	}
	return c
}

func renderHistory(w http.ResponseWriter, status int, p historyPage) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	if err := historyTemplate.Execute(w, p); err != nil {
		fmt.Fprintf(w, "<p>could not render the page: %s</p>", template.HTMLEscapeString(err.Error()))
	}
}

var historyTemplate = template.Must(template.New("history").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Vendor}}: DMARC history of {{.Domain}}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td,th{padding:.2em .6em;text-align:left}.hurt{color:#b00}</style></head>
<body><h1>DMARC history of {{.Domain}}</h1>
<form action="/history" method="get"><label>Domain <input name="domain" value="{{.Domain}}" required maxlength="300"></label> <button>Show</button></form>
{{with .Error}}<p class="hurt">{{.}}</p>{{end}}
{{with .Chart}}<h2>Messages a day, {{$.From}} to {{$.To}}</h2>
<svg xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="{{.Height}}" role="img" aria-label="messages a day (bars) and the share that passed DMARC (line)">
<line x1="0" y1="{{.Bottom}}" x2="{{.Width}}" y2="{{.Bottom}}" stroke="#888"/>
{{range .Bars}}<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="#9bc"><title>{{.Title}}</title></rect>
{{end}}{{with .Rate}}<polyline points="{{.}}" fill="none" stroke="#060" stroke-width="2"/>
{{end}}{{range .Marks}}<line x1="{{.X}}" y1="{{$.Chart.Top}}" x2="{{.X}}" y2="{{$.Chart.Bottom}}" stroke="#a00" stroke-dasharray="4 3"/><text x="{{.X}}" y="{{$.Chart.LabelY}}" text-anchor="{{.Anchor}}" font-size="11" fill="#a00">{{.Label}}</text>
{{end}}</svg>
<p>Bars: messages a day (the highest, {{.Max}}). Green line: the share that passed DMARC. Red: a change of the DMARC stage.</p>{{end}}
{{with .Evidence}}<h2>Stage</h2>
<p>In force: <strong>{{.Stage}}</strong>{{if not .Since.IsZero}} (seen since {{.Since.Format "2006-01-02"}}){{end}}.
{{if .Next}}Next: <strong>{{.Next}}</strong>, every condition holds.{{else if .Missing}}The next stage still needs:{{else}}The goal is reached.{{end}}</p>
{{with .Missing}}<ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
<p>Reports of {{.From.Format "2006-01-02"}} to {{.To.Format "2006-01-02"}}: {{.Reports}} reports from {{.Receivers}} receivers covering {{.Days}} days; {{.Messages}} messages, {{.Passed}} passed DMARC.</p>
<h2>Sources</h2><table><tr><th>address</th><th>name</th><th>kind</th><th>messages</th><th>passed</th></tr>
{{range .Sources}}<tr><td><code>{{.IP}}</code></td><td>{{.Host}}</td><td>{{.Kind}}{{if .Legitimate}}, legitimate{{end}}</td><td>{{.Messages}}</td><td>{{.Passed}}</td></tr>
{{end}}</table>
{{with .Hurt}}<h3 class="hurt">Would be hurt by a stricter policy</h3><ul>{{range .}}<li>{{.Why}}</li>{{end}}</ul>{{end}}{{end}}
{{with .Timeline}}<h2>Status changes</h2><ul>{{range .}}<li>{{.At}}: {{if .From}}{{.From}} → {{end}}{{.To}} (DMARC stage {{.Policy}})</li>{{end}}</ul>{{end}}
</body></html>`))
