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

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/mailbox"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/sender"
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
func serve(addr string, c *sender.Checker, log io.Writer, routes ...route) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: withRoutes(handler(c), routes), ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: requestTimeout + 5*time.Second}
	fmt.Fprintf(log, "domaincheck: serving on http://%s/ (the form) and /api/check?domain= (JSON)\n", ln.Addr())
	return srv.Serve(ln)
}

// handler serves the form (/), the report page (/check?domain=) and the
// JSON endpoint (/api/check?domain=): what a CRM embeds in its admin
// screen. The domain is validated before any DNS question is asked, and
// every value is escaped by html/template.
func handler(c *sender.Checker) http.Handler {
	return limitedHandler(c, newLimiter(maxChecks), clientOf)
}

// limitedHandler is handler with its limiter and the function that names a
// request's client (its address; tests name clients otherwise).
func limitedHandler(c *sender.Checker, lim *limiter, client func(*http.Request) string) http.Handler {
	check := func(r *http.Request) (*sender.DomainReport, int, error) {
		return check(r.Context(), c, lim, client(r), r.URL.Query().Get("domain"))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		render(w, http.StatusOK, page{Vendor: c.Profile.Name})
	})
	mux.HandleFunc("GET /check", func(w http.ResponseWriter, r *http.Request) {
		rep, status, err := check(r)
		p := page{Vendor: c.Profile.Name, Domain: r.URL.Query().Get("domain"), Report: rep}
		if err != nil {
			p.Error = err.Error()
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
			enc.Encode(map[string]string{"error": err.Error()})
			return
		}
		enc.Encode(jsonReport(rep))
	})
	return mux
}

// check validates the domain and checks it within requestTimeout, once
// the limiter admits it.
func check(ctx context.Context, c *sender.Checker, lim *limiter, client, domain string) (*sender.DomainReport, int, error) {
	if len(domain) > 300 {
		return nil, http.StatusBadRequest, errors.New("the domain is too long")
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
		return nil, http.StatusServiceUnavailable, errors.New("the server is busy: try again in a moment")
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
	Report                *sender.DomainReport
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
const copyScript = `document.querySelectorAll("button[data-copy]").forEach(function(b){b.addEventListener("click",function(){navigator.clipboard.writeText(b.getAttribute("data-copy"));b.textContent="copied";});});`

// The page shows the customer what the text report shows (the same
// findings, info findings that say something to act on included), the DNS
// host, each change as the form of a DNS host asks for it (an update as
// "edit from / to"), with a copy button beside every name and value, and
// names without the root's trailing dot everywhere. The vendor's own
// problems are the vendor's: they are not on the customer's page.
var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"customer": func(r *sender.DomainReport) plan.Changes {
		if r.Plan == nil {
			return nil
		}
		return r.Plan.Changes.For(plan.PartyCustomer)
	},
	"shown": sender.Shown,
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
	"first":    func(rs []dnsrec.Record) dnsrec.Record { return rs[0] },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Vendor}}: domain check</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}code{background:#eee;padding:0 .2em;word-break:break-all}
.fine{color:green}.advice{color:#06c}.change-needed{color:#a60}.broken{color:#b00}.could-not-check{color:#555}li{margin:.3em 0}</style></head>
<body><h1>May {{.Vendor}} send as your domain?</h1>
<form action="/check" method="get"><label>Domain <input name="domain" value="{{.Domain}}" required maxlength="300"></label> <button>Check</button></form>
{{with .Error}}<p class="broken">{{.}}</p>{{end}}
{{with .Report}}
<h2>{{.Domain}}</h2><p><strong>{{.Summary}}</strong></p>
{{with .DNSHost}}<p>Your DNS is hosted at {{.}}: make the changes there.</p>{{end}}
<ul>{{range .Areas}}<li><span class="{{.Status}}">{{.Status}}</span> {{.Name}}{{with .Failed}}: {{.}}{{end}}
<ul>{{range shown .Findings}}<li>{{.Severity}} <code>{{.Code}}</code>: {{.Message}}{{with .Fix}}<br>Fix: {{.}}{{end}}</li>{{end}}</ul></li>{{end}}</ul>
{{with .Mailbox}}<h3>Gmail, Yahoo and Outlook.com: their rules in your DNS</h3><ul>{{range .}}<li>{{.Provider.Name}}: {{if .CustomerCompliant}}your DNS meets them{{else}}your DNS does not meet them all yet{{end}}
<ul>{{range customerRules .Rules}}<li><span class="{{.Outcome}}">{{.Outcome}}</span> <code>{{.Rule}}</code>: {{.Sentence}}{{with .Fix}}<br>Fix: {{.}}{{end}}</li>{{end}}</ul></li>{{end}}</ul>{{end}}
{{with customer .}}<h3>Your DNS changes, in this order</h3><ol>{{range .}}<li>{{if isUpdate .}}Edit the {{.Type}} record{{else}}{{.Action}} {{.Type}}{{end}} at <code>{{.Relative}}</code> <button type="button" data-copy="{{.Relative}}">copy</button> in the zone {{trim .Zone}} ({{trim .Name}})
<ul>{{if isUpdate .}}<li>from <code>{{value (first .Removed)}}</code></li><li>to <code>{{value (first .Added)}}</code> <button type="button" data-copy="{{value (first .Added)}}">copy</button></li>
{{else}}{{range .Removed}}<li>delete <code>{{value .}}</code></li>{{end}}{{range .Added}}<li>add <code>{{value .}}</code> <button type="button" data-copy="{{value .}}">copy</button></li>{{end}}{{end}}</ul>
<small>{{.Reason}}</small></li>{{end}}</ol>{{end}}
{{end}}
<script>` + copyScript + `</script></body></html>`))

// copyScriptHash is the base64 SHA-256 of copyScript, for the
// Content-Security-Policy.
var copyScriptHash = func() string {
	sum := sha256.Sum256([]byte(copyScript))
	return base64.StdEncoding.EncodeToString(sum[:])
}()
