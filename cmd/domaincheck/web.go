package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/domainconnect"
	"github.com/domainauth/domainauth/mailbox"
	"github.com/domainauth/domainauth/plan"
)

// requestTimeout bounds the check behind one request.
const requestTimeout = 10 * time.Second

// Bounds of the web server, so that requests abandoned by their clients (a
// domain whose servers never answer, a script that gives up after 50 ms)
// cannot starve the others: at most maxChecks checks run at once, each
// client (by address) has at most maxPerClient of them, and a check stops
// as soon as its request is gone, its DNS questions with it.
const (
	maxChecks    = 32
	maxPerClient = 4
)

// limiter admits checks within the bounds above.
type limiter struct {
	slots chan struct{}
	mu    sync.Mutex
	busy  map[string]int // checks running per client address
}

func newLimiter(checks int) *limiter {
	return &limiter{slots: make(chan struct{}, checks), busy: map[string]int{}}
}

// Errors of a check request besides the domain's own.
var (
	errTooLong    = errors.New("the domain is too long")
	errServerBusy = errors.New("the server is busy: try again in a moment")
)

// errBusy is the answer to a client that has maxPerClient checks running.
var errBusy = errors.New("too many checks from your address at once: wait for one to finish")

// acquire waits for a place for client's check as long as ctx allows; the
// returned function gives it back.
func (l *limiter) acquire(ctx context.Context, client string) (func(), error) {
	l.mu.Lock()
	if l.busy[client] >= maxPerClient {
		l.mu.Unlock()
		return nil, errBusy
	}
	l.busy[client]++
	l.mu.Unlock()
	leave := func() {
		l.mu.Lock()
		if l.busy[client]--; l.busy[client] == 0 {
			delete(l.busy, client)
		}
		l.mu.Unlock()
	}
	select {
	case l.slots <- struct{}{}:
		return func() { <-l.slots; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
}

// serve runs the web page until the server fails. It says "serving" only
// once it listens, so that a port already taken is an error, not a lie.
func serve(addr string, c *domaincheck.Checker, dc *domainconnect.Offerer, log io.Writer, routes ...route) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: withRoutes(handler(c, dc), routes), ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: requestTimeout + 5*time.Second}
	fmt.Fprintf(log, "domaincheck: serving on http://%s/ (the form) and /api/check?domain= (JSON)\n", ln.Addr())
	return srv.Serve(ln)
}

// handler serves the form (/), the report page (/check?domain=) and the
// JSON endpoint (/api/check?domain=): what a CRM embeds in its admin
// screen. The domain is validated before any DNS question is asked, and
// every value is escaped by html/template.
func handler(c *domaincheck.Checker, dc *domainconnect.Offerer) http.Handler {
	return limitedHandler(c, dc, newLimiter(maxChecks), clientOf)
}

// limitedHandler is handler with its limiter and the function that names a
// request's client (its address; tests name clients otherwise).
// With dc (-domain-connect), the page offers the one-click apply where the
// customer's DNS host supports it, returning to the page, which checks the
// domain again.
func limitedHandler(c *domaincheck.Checker, dc *domainconnect.Offerer, lim *limiter, client func(*http.Request) string) http.Handler {
	check := func(r *http.Request) (*domaincheck.DomainReport, int, error) {
		return check(r.Context(), c, lim, client(r), r.URL.Query().Get("domain"))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		render(w, http.StatusOK, page{Vendor: c.Profile.Name, Lang: pageLang(r)})
	})
	mux.HandleFunc("GET /check", func(w http.ResponseWriter, r *http.Request) {
		rep, status, err := check(r)
		lang := pageLang(r) // webtext.go
		if rep != nil {
			rep = newReporter(lang).localized(rep)
		}
		p := page{Vendor: c.Profile.Name, Domain: r.URL.Query().Get("domain"), Report: rep, Lang: lang}
		if err != nil {
			p.Error = pageError(lang, p.Domain, err) // webtext.go
		}
		if dc != nil && rep != nil && err == nil {
			p.OneClick = oneClick(r, dc, p).In(lang)
		}
		render(w, status, p)
	})
	mux.HandleFunc("GET /api/check", func(w http.ResponseWriter, r *http.Request) {
		rep, status, err := check(r)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err != nil {
			enc.Encode(map[string]string{"error": pageError(pageLang(r), r.URL.Query().Get("domain"), err)})
			return
		}
		enc.Encode(jsonReport(newReporter(pageLang(r)).localized(rep))) // in the reader's language, codes and params kept
	})
	return mux
}

// check validates the domain and checks it within requestTimeout, once
// the limiter admits it.
func check(ctx context.Context, c *domaincheck.Checker, lim *limiter, client, domain string) (*domaincheck.DomainReport, int, error) {
	if len(domain) > 300 {
		return nil, http.StatusBadRequest, errTooLong
	}
	if _, err := dnsrec.ParseDomain("domain", domain); err != nil {
		return nil, http.StatusBadRequest, err
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	done, err := lim.acquire(ctx, client)
	if errors.Is(err, errBusy) {
		return nil, http.StatusTooManyRequests, err
	}
	if err != nil {
		return nil, http.StatusServiceUnavailable, errServerBusy
	}
	defer done()
	return c.Check(ctx, domain), http.StatusOK, nil
}

// clientOf is the address a request came from.
func clientOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type page struct {
	Vendor, Domain, Error string
	Report                *domaincheck.DomainReport
	Lang                  language.Tag // the reader's, from ?lang= or Accept-Language (webtext.go)
	// OneClick is the Domain Connect offer for the domain (-domain-connect):
	// the link to apply the customer's steps at their DNS host, or why not.
	OneClick *domainconnect.Offer
}

// oneClick asks dc whether the domain's steps can be applied in one click
// at its DNS host; the host sends the customer back to this page, which
// checks the domain again.
func oneClick(r *http.Request, dc *domainconnect.Offerer, p page) *domainconnect.Offer {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	o := *dc
	o.RedirectURI = scheme + "://" + r.Host + p.Again()
	return o.Offer(r.Context(), p.Report, "")
}

func render(w http.ResponseWriter, status int, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-"+copyScriptHash+"'")
	w.WriteHeader(status)
	if err := pageTemplate.Execute(w, p); err != nil {
		fmt.Fprintf(w, "<p>could not render the page: %s</p>", template.HTMLEscapeString(err.Error()))
	}
}

// copyScript puts a record's value on the clipboard; its hash is allowed by
// the page's Content-Security-Policy, and nothing else runs.
const copyScript = `document.querySelectorAll("button[data-copy]").forEach(function(b){b.addEventListener("click",function(){navigator.clipboard.writeText(b.getAttribute("data-copy"));b.textContent=b.getAttribute("data-copied")||"copied";});});`

// The page shows the customer what the text report shows (the same
// findings, info findings that say something to act on included), the DNS
// host, each change as the form of a DNS host asks for it (an update as
// "edit from / to"), with a copy button beside every name and value, and
// names without the root's trailing dot everywhere. The vendor's own
// problems are the vendor's: they are not on the customer's page.
var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"customer": func(r *domaincheck.DomainReport) plan.Changes {
		if r.Plan == nil {
			return nil
		}
		return r.Plan.Changes.For(plan.PartyCustomer)
	},
	"shown": domaincheck.Shown,
	// customerRules are the providers' rules about the customer's DNS:
	// the vendor's own are the vendor's, kept out of the customer's view.
	"customerRules": func(rs []mailbox.RuleResult) []mailbox.RuleResult {
		var out []mailbox.RuleResult
		for _, r := range rs {
			if r.Party == plan.PartyCustomer {
				out = append(out, r)
			}
		}
		return out
	},
	"trim": dnsrec.TrimDot,
	"value": func(r dnsrec.Record) string {
		if r.Type == dnsrec.TypeCNAME {
			return dnsrec.TrimDot(r.Value())
		}
		return r.Value()
	},
	"isUpdate": func(c plan.Change) bool { return len(c.Removed()) == 1 && len(c.Added()) == 1 },
	"inc":      func(i int) int { return i + 1 },
	"ttl":      stepTTL, // webtext.go
	"first":    func(rs []dnsrec.Record) dnsrec.Record { return rs[0] },
}).Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.T "text.web.title" "vendor" .Vendor}}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em;line-height:1.4}code{background:#eee;padding:0 .2em;word-break:break-all}
nav{font-size:.9em}nav a,nav strong{margin-right:.6em}
.status{border-left:.5em solid #555;padding:.5em 1em;margin:1em 0;background:#f4f4f4}.status h2{margin:.2em 0}
.st-ready{border-color:#1a7f37}.st-changes-needed,.st-broken{border-color:#b35900}.st-could-not-check,.st-no-domain,.st-not-delegated,.st-invalid{border-color:#555}
.steps>li{margin:1em 0}.steps h3{font-size:1em;margin:.3em 0}table{border-collapse:collapse;margin:.3em 0}th,td{text-align:left;vertical-align:top;padding:.2em .6em .2em 0}
.fine,.met{color:#1a7f37}.advice{color:#0550ae}.change-needed,.not-met{color:#9a4a00}.broken{color:#b00}.could-not-check,.not-applicable,.check-elsewhere{color:#444}
small code{font-size:.85em}details{margin:1.5em 0}summary{cursor:pointer;font-weight:bold}.vendor{color:#444}</style></head>
<body><nav aria-label="{{.T "text.web.languages"}}">{{range .Languages}}{{if .Current}}<strong>{{.Name}}</strong>{{else}}<a href="{{.URL}}" hreflang="{{.Tag}}" lang="{{.Tag}}">{{.Name}}</a>{{end}} {{end}}</nav>
<main><h1>{{.T "text.web.heading" "vendor" .Vendor}}</h1>
<form action="/check" method="get"><label>{{.T "text.web.domain"}} <input name="domain" value="{{.Domain}}" required maxlength="300"></label>{{if .LangParam}}<input type="hidden" name="lang" value="{{.Lang}}">{{end}} <button>{{.T "text.web.check"}}</button></form>
{{with .Error}}<p class="broken" role="alert">{{.}}</p>{{end}}
{{with .Report}}
<section class="status st-{{.Status}}" role="status" aria-labelledby="status"><h2 id="status">{{.Domain}}: {{$.T (print "text.web.status." .Status)}}</h2><p><strong>{{.Summary}}</strong></p>{{with customer .}}<p>{{$.T "text.web.next-changes"}}</p>{{end}}</section>
{{with customer .}}<section aria-labelledby="todo"><h2 id="todo">{{$.T "text.web.changes"}}</h2>
{{with $.Report.DNSHost}}<p>{{$.T "text.web.dns-host" "host" .}}</p>{{end}}{{with $.OneClick}}{{if .Offered}}<p class="oneclick"><a href="{{.ApplyURL}}">{{$.T "text.web.one-click" "host" .DNSHost}}</a></p>{{else if .Reason}}<p><small>{{$.T "text.web.no-one-click" "reason" .Reason}}</small></p>{{end}}{{end}}
<ol class="steps">{{range $i, $c := .}}<li id="step-{{inc $i}}"><h3>{{if $.English}}{{if isUpdate .}}Edit the {{.Type}} record{{else}}{{.Action}} {{.Type}}{{end}} at <code>{{.Relative}}</code> in the zone {{trim .Zone}} ({{trim .Name}}){{else}}{{$.Step .}}{{end}}</h3>
<table><tbody><tr><th scope="row">{{$.T "text.plan.label.name"}}</th><td><code>{{.Relative}}</code> <button type="button" data-copy="{{.Relative}}" data-copied="{{$.T "text.web.copied"}}">{{$.T "text.web.copy"}}</button></td></tr>
<tr><th scope="row">{{$.T "text.plan.label.type"}}</th><td><code>{{.Type}}</code></td></tr>
{{if isUpdate .}}<tr><th scope="row">{{$.T "text.plan.label.from"}}</th><td><code>{{value (first .Removed)}}</code></td></tr>
<tr><th scope="row">{{$.T "text.plan.label.to"}}</th><td><code>{{value (first .Added)}}</code> <button type="button" data-copy="{{value (first .Added)}}" data-copied="{{$.T "text.web.copied"}}">{{$.T "text.web.copy"}}</button></td></tr>
{{else}}{{range .Removed}}<tr><th scope="row">{{$.T "text.plan.label.delete"}}</th><td><code>{{value .}}</code></td></tr>{{end}}{{range .Added}}<tr><th scope="row">{{$.T "text.plan.label.value"}}</th><td><code>{{value .}}</code> <button type="button" data-copy="{{value .}}" data-copied="{{$.T "text.web.copied"}}">{{$.T "text.web.copy"}}</button></td></tr>{{end}}{{end}}
{{with ttl .}}<tr><th scope="row">{{$.T "text.plan.label.ttl"}}</th><td>{{$.T "text.plan.ttl" "ttl" .}}</td></tr>{{end}}</tbody></table>
<p>{{.Reason}}</p></li>{{end}}</ol>
<p><a href="{{$.Again}}">{{$.T "text.web.check-again"}}</a></p></section>{{end}}
<details><summary>{{$.T "text.web.why"}}</summary>
{{range .Areas}}<h3><span class="{{.Status}}">{{$.T (print "text.report.status." .Status)}}</span>: {{$.T (print "text.report.area." .Name)}}{{with .Failed}}: {{.}}{{end}}</h3>
<ul>{{range shown .Findings}}<li>{{.Message}}{{with .Fix}}<br>{{$.T "text.web.fix"}}: {{.}}{{end}} <small>({{$.T (print "text.report.severity." .Severity)}} <code>{{.Code}}</code>)</small></li>{{end}}</ul>{{end}}
{{with .Mailbox}}<h3>{{$.T "text.web.mailbox"}}</h3><ul>{{range .}}<li>{{.Provider.Name}}: {{if .CustomerCompliant}}{{$.T "text.web.rules-met"}}{{else}}{{$.T "text.web.rules-not-met"}}{{end}}</li>{{end}}</ul>
<table><thead><tr><th scope="col">{{$.T "text.web.rule"}}</th>{{range .}}<th scope="col">{{.Provider.Name}}</th>{{end}}</tr></thead><tbody>
{{range $.Matrix .}}<tr><th scope="row">{{.Summary}}</th>{{range .Cells}}<td>{{with .}}<span class="{{.Outcome}}">{{$.T (print "text.report.outcome." .Outcome)}}</span> <small><code>{{.Rule}}</code></small>{{if .Step}}<br><a href="#step-{{.Step}}">{{$.RuleFix .}}</a>{{end}}{{else}}–{{end}}</td>{{end}}</tr>
{{end}}</tbody></table>{{end}}
</details>
{{if .VendorBlocks}}<p class="vendor">{{$.T "text.report.vendor-note" "vendor" $.Vendor}}</p>{{end}}
{{end}}
</main>
<script>` + copyScript + `</script></body></html>`))

// copyScriptHash is the base64 SHA-256 of copyScript, for the
// Content-Security-Policy.
var copyScriptHash = func() string {
	sum := sha256.Sum256([]byte(copyScript))
	return base64.StdEncoding.EncodeToString(sum[:])
}()
