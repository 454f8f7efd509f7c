package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/store"
)

// Event is one change the monitor noticed, written as a JSON line.
type Event struct {
	Time   time.Time `json:"time"`
	Domain string    `json:"domain"`
	From   string    `json:"from"` // the status before
	To     string    `json:"to"`   // the status now
	// Since is when the change was first seen: the check that saw it.
	Since time.Time `json:"since"`
	// Added and Removed are the records that appeared and went.
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
	// Text says it in one sentence, with what it means.
	Text string `json:"text"`
}

// monitor is one monitoring process on a store.
type monitor struct {
	c        *domaincheck.Checker
	s        store.Store
	owner    string
	interval time.Duration
	lease    time.Duration
	batch    int
	emit     func(Event)
	stderr   io.Writer
}

// records reads the records a check rests on: the domain's TXT (SPF),
// its DMARC policy record, and the vendor's DKIM selectors (CNAME or TXT).
func (m *monitor) records(ctx context.Context, domain string) []string {
	var out []string
	add := func(name string, t dnsrec.Type) {
		ans, err := m.c.Resolver.Lookup(ctx, name, t)
		if err != nil {
			out = append(out, fmt.Sprintf("%s %s: %v", name, t, err))
			return
		}
		for _, r := range ans.Records {
			out = append(out, r.String())
		}
	}
	add(domain+".", dnsrec.TypeTXT)
	add("_dmarc."+domain+".", dnsrec.TypeTXT)
	for _, sel := range m.c.Profile.DKIM {
		add(sel.Selector+"._domainkey."+domain+".", dnsrec.TypeCNAME)
	}
	sort.Strings(out)
	return out
}

// pass claims the domains due at now and checks them, until none is due;
// it returns how many it checked.
func (m *monitor) pass(ctx context.Context, now time.Time) (int, error) {
	checked := 0
	for {
		domains, err := m.s.Claim(ctx, m.owner, m.batch, now, m.lease)
		if err != nil {
			return checked, err
		}
		if len(domains) == 0 {
			return checked, nil
		}
		var mu sync.Mutex
		var storeErr error
		err = m.c.CheckBatch(ctx, domains, domaincheck.BatchOptions{}, func(rep *domaincheck.DomainReport) {
			if err := m.observe(ctx, rep, now); err != nil {
				mu.Lock()
				storeErr = err
				mu.Unlock()
				fmt.Fprintf(m.stderr, "domaincheck: monitor: %s: %v (checked again next pass)\n", rep.Domain, err)
				return
			}
			// At least a second on: the store keeps whole seconds, and a
			// domain due again within the pass's second would be checked
			// again and again by the same pass.
			if _, err := m.s.Done(ctx, m.owner, rep.Domain, now.Add(max(m.interval, time.Second))); err != nil {
				fmt.Fprintf(m.stderr, "domaincheck: monitor: %s: %v\n", rep.Domain, err)
			}
		})
		checked += len(domains)
		if err != nil {
			return checked, err
		}
		if storeErr != nil {
			return checked, storeErr
		}
	}
}

// observe keeps a check and emits an event when the status or the records
// changed since the last check.
func (m *monitor) observe(ctx context.Context, rep *domaincheck.DomainReport, now time.Time) error {
	if rep.Err != nil {
		return nil
	}
	last, err := m.s.LastCheck(ctx, rep.Domain)
	if err != nil {
		return err
	}
	chk := store.Check{Domain: rep.Domain, At: now, Status: string(rep.Status), Policy: dmarc.PolicyNone, Records: m.records(ctx, rep.Domain)}
	if d, err := dmarc.Discover(ctx, m.c.Resolver, rep.Domain); err == nil && d.Record != nil {
		chk.Policy, chk.Partial = d.Policy, d.Record.Testing()
	}
	if rep.Plan != nil {
		chk.Plan, _ = json.Marshal(rep.Plan)
	}
	if err := m.s.AddCheck(ctx, chk); err != nil {
		return err
	}
	if last == nil {
		return nil
	}
	added, removed := diff(last.Records, chk.Records)
	if last.Status == chk.Status && len(added) == 0 && len(removed) == 0 {
		return nil
	}
	e := Event{Time: now, Domain: rep.Domain, From: last.Status, To: chk.Status, Since: now, Added: added, Removed: removed}
	var what []string
	for _, r := range removed {
		what = append(what, "removed "+r)
	}
	for _, r := range added {
		what = append(what, "published "+r)
	}
	meaning := rep.Summary
	if len(rep.Blockers) > 0 {
		meaning = strings.Join(rep.Blockers, "; ")
	}
	e.Text = fmt.Sprintf("%s: %s → %s since %s", rep.Domain, last.Status, chk.Status, now.UTC().Format("2006-01-02 15:04"))
	if len(what) > 0 {
		e.Text += ": " + strings.Join(what, ", ")
	}
	e.Text += ". " + meaning
	m.emit(e)
	return nil
}

// diff returns what b has that a has not, and the reverse.
func diff(a, b []string) (added, removed []string) {
	in := func(s []string, x string) bool {
		for _, y := range s {
			if y == x {
				return true
			}
		}
		return false
	}
	for _, x := range b {
		if !in(a, x) {
			added = append(added, x)
		}
	}
	for _, x := range a {
		if !in(b, x) {
			removed = append(removed, x)
		}
	}
	return added, removed
}

// webhook posts events to a URL, signed with HMAC-SHA256 of the body
// under a secret (header X-Domainauth-Signature: sha256=<hex>), from a
// queue of its own: a slow or failing endpoint never holds up the checks.
// A post is retried with backoff; one that fails every time, or that the
// full queue refuses, is reported on stderr.
type webhook struct {
	url     string
	secret  []byte
	client  *http.Client
	queue   chan []byte
	stderr  io.Writer
	backoff time.Duration // the first wait between tries; doubled each time
	tries   int
	done    chan struct{}
}

func newWebhook(url, secret string, stderr io.Writer) *webhook {
	w := &webhook{url: url, secret: []byte(secret), client: &http.Client{Timeout: 10 * time.Second},
		queue: make(chan []byte, 1000), stderr: stderr, backoff: time.Second, tries: 5, done: make(chan struct{})}
	go w.run()
	return w
}

// Sign returns the signature header's value for a body.
func (w *webhook) Sign(body []byte) string {
	mac := hmac.New(sha256.New, w.secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func (w *webhook) send(e Event) {
	body, _ := json.Marshal(e)
	select {
	case w.queue <- body:
	default:
		fmt.Fprintf(w.stderr, "domaincheck: webhook: queue full, event not sent: %s\n", body)
	}
}

func (w *webhook) run() {
	defer close(w.done)
	for body := range w.queue {
		wait := w.backoff
		var err error
		for try := 1; try <= w.tries; try++ {
			if err = w.post(body); err == nil {
				break
			}
			if try < w.tries {
				time.Sleep(wait)
				wait *= 2
			}
		}
		if err != nil {
			fmt.Fprintf(w.stderr, "domaincheck: webhook %s: %v after %d tries; event: %s\n", w.url, err, w.tries, body)
		}
	}
}

func (w *webhook) post(body []byte) error {
	req, err := http.NewRequest(http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Domainauth-Signature", w.Sign(body))
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s", resp.Status)
	}
	return nil
}

// close sends what is queued and stops.
func (w *webhook) close() {
	close(w.queue)
	<-w.done
}

// runMonitor is -monitor: it schedules the domains (spread over the
// interval, or all due at once with -once), then checks each when due,
// writing events as JSON lines to stdout and to the webhook.
//
// After each pass, with names, it looks up the reverse names of the
// sources new to the store through the checker's resolver, one look-up
// at a time beside the checks, never holding them up; -once waits for it.
func runMonitor(ctx context.Context, c *domaincheck.Checker, s store.Store, domains []string, interval time.Duration, once bool, hook string, retain store.Retention, names bool, stdout, stderr io.Writer) error {
	stderr = &syncWriter{w: stderr}
	now := time.Now()
	if len(domains) == 0 {
		var err error
		if domains, err = s.Domains(ctx); err != nil {
			return err
		}
		if len(domains) == 0 {
			return fmt.Errorf("-monitor: no domains given, and the store holds no list of customer domains")
		}
	}
	for i, d := range domains {
		due := now
		if !once {
			due = now.Add(time.Duration(i) * interval / time.Duration(len(domains)))
		}
		if err := s.Schedule(ctx, []string{d}, due); err != nil {
			return err
		}
	}
	host, _ := os.Hostname()
	enc := json.NewEncoder(stdout)
	var hookMu sync.Mutex
	var wh *webhook
	if hook != "" {
		secret := os.Getenv("DOMAINAUTH_WEBHOOK_SECRET")
		if secret == "" {
			fmt.Fprintln(stderr, "domaincheck: -webhook: DOMAINAUTH_WEBHOOK_SECRET is empty: the posts are signed with an empty key, which proves nothing")
		}
		wh = newWebhook(hook, secret, stderr)
		defer wh.close()
	}
	m := &monitor{c: c, s: s, owner: fmt.Sprintf("%s/%d", host, os.Getpid()), interval: interval, lease: 10 * time.Minute, batch: 100, stderr: stderr,
		emit: func(e Event) {
			hookMu.Lock()
			defer hookMu.Unlock()
			_ = enc.Encode(e)
			if wh != nil {
				wh.send(e)
			}
		}}
	naming := make(chan struct{}, 1) // held while names are looked up
	defer func() { naming <- struct{}{} }()
	for {
		n, err := m.pass(ctx, time.Now())
		if err == nil {
			err = prune(ctx, s, time.Now(), retain, stderr)
		}
		if names {
			select {
			case naming <- struct{}{}:
				go func() {
					defer func() { <-naming }()
					resolveNames(ctx, s, c.Resolver, time.Now(), stderr)
				}()
			default: // the last pass's are still being looked up
			}
		}
		if err != nil {
			// A store that is down: say so, and try again.
			fmt.Fprintf(stderr, "domaincheck: monitor: %v\n", err)
		}
		if once {
			fmt.Fprintf(stderr, "domaincheck: monitor: %d domains checked\n", n)
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(interval/10, time.Minute)):
		}
	}
}

// syncWriter lets goroutines write whole lines to one writer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}
