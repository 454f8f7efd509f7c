package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/store"
)

// The monitor checks each domain once per interval, and tells when a
// customer's change breaks it.
func TestMonitorEvents(t *testing.T) {
	ctx := context.Background()
	z := demo.Zone()
	p, err := domaincheck.ParseProfile(demo.ProfileJSON())
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "reports.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var events []Event
	m := &monitor{c: &domaincheck.Checker{Profile: p, Resolver: z}, s: s, owner: "test", interval: time.Hour, lease: time.Minute, batch: 2,
		stderr: io.Discard, emit: func(e Event) { events = append(events, e) }}
	now := time.Date(2026, 12, 3, 9, 14, 0, 0, time.UTC)
	domains := []string{"ready.example", "customer.example", "new.example"}
	if err := s.Schedule(ctx, domains, now); err != nil {
		t.Fatal(err)
	}
	if n, err := m.pass(ctx, now); err != nil || n != 3 || len(events) != 0 {
		t.Fatalf("first pass: %d checked, %v, events %v", n, err, events)
	}
	if n, err := m.pass(ctx, now.Add(30*time.Minute)); err != nil || n != 0 {
		t.Fatalf("within the interval: %d checked, %v", n, err)
	}
	// The customer replaces its SPF record and deletes the DKIM CNAME.
	z.Remove("ready.example.", dnsrec.TypeTXT)
	z.Remove("default._domainkey.ready.example.", dnsrec.TypeCNAME)
	if err := z.Add(`ready.example. IN TXT "v=spf1 mx -all"`); err != nil {
		t.Fatal(err)
	}
	later := now.Add(time.Hour)
	if n, err := m.pass(ctx, later); err != nil || n != 3 {
		t.Fatalf("second pass: %d checked, %v", n, err)
	}
	if len(events) != 1 {
		t.Fatalf("events = %+v, want one", events)
	}
	e := events[0]
	if e.Domain != "ready.example" || e.From != "ready" || e.To == "ready" || !e.Since.Equal(later) {
		t.Errorf("event = %+v", e)
	}
	want := "ready.example: ready → " + e.To + " since 2026-12-03 10:14: removed default._domainkey.ready.example."
	if !strings.HasPrefix(e.Text, want) || !strings.Contains(e.Text, `published ready.example.`) || !strings.Contains(e.Text, `v=spf1 mx -all`) {
		t.Errorf("event text:\n%s\nwant it to start with\n%s", e.Text, want)
	}
	checks, err := s.Checks(ctx, "ready.example", time.Time{})
	if err != nil || len(checks) != 2 {
		t.Fatalf("checks kept: %d, %v", len(checks), err)
	}
}

func TestWebhookSignedAndRetried(t *testing.T) {
	var mu sync.Mutex
	var got [][]byte
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, []byte("s3cret"))
		mac.Write(body)
		mu.Lock()
		defer mu.Unlock()
		calls++
		if r.Header.Get("X-Domainauth-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
			t.Errorf("bad signature %q", r.Header.Get("X-Domainauth-Signature"))
		}
		if calls == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		got = append(got, body)
	}))
	defer srv.Close()
	var stderr bytes.Buffer
	w := newWebhook(srv.URL, "s3cret", &stderr)
	w.backoff = time.Millisecond
	w.send(Event{Domain: "a.example", From: "ready", To: "changes-needed", Text: "a.example: ready → changes-needed"})
	w.close()
	if calls != 2 || len(got) != 1 || !bytes.Contains(got[0], []byte(`"domain":"a.example"`)) || stderr.Len() != 0 {
		t.Errorf("calls %d, delivered %q, stderr %q", calls, got, stderr.String())
	}

	// An endpoint that is down: the failure is reported, nothing blocks.
	down := newWebhook("http://127.0.0.1:1/", "s3cret", &stderr)
	down.backoff, down.tries = time.Millisecond, 2
	down.send(Event{Domain: "b.example"})
	down.close()
	if !strings.Contains(stderr.String(), "after 2 tries") {
		t.Errorf("stderr = %q", stderr.String())
	}
}

func TestMonitorOnce(t *testing.T) {
	db := filepath.Join(t.TempDir(), "reports.db")
	// The second run, within the interval, has nothing due: each domain
	// is checked at most once per interval, however often cron runs it.
	for _, want := range []string{"12 domains checked", "0 domains checked"} {
		var out, errOut bytes.Buffer
		code := realMain([]string{"-store", db, "-monitor", "-once"}, strings.NewReader(""), &out, &errOut)
		if code != 0 || !strings.Contains(errOut.String(), want) || out.Len() != 0 {
			t.Fatalf("exit %d, stdout %q, stderr %q; want %q", code, out.String(), errOut.String(), want)
		}
	}
	if code := realMain([]string{"-store", db, "-monitor", "-interval", "1s"}, strings.NewReader(""), io.Discard, io.Discard); code != demo.ExitUsage {
		t.Errorf("-interval 1s: exit %d", code)
	}
}
