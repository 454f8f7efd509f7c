package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
	"github.com/domainauth/domainauth/store"
)

func TestHistoryPage(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "reports.db")
	if code, _, errOut := storeRun(t, reportsNow, "", "-store", db, "-ingest", "testdata/reports"); code != 0 {
		t.Fatalf("ingest: %s", errOut)
	}
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at := time.Date(2026, 11, 2, 9, 14, 0, 0, time.UTC)
	for i, c := range []store.Check{
		{Status: "changes-needed", Policy: dmarc.PolicyNone},
		{Status: "ready", Policy: dmarc.PolicyNone},
		{Status: "ready", Policy: dmarc.PolicyQuarantine, Partial: true},
		{Status: "changes-needed", Policy: dmarc.PolicyQuarantine, Partial: true},
	} {
		c.Domain, c.At = "customer.example", at.AddDate(0, 0, 2*i)
		if err := s.AddCheck(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	p, err := domaincheck.ParseProfile(demo.ProfileJSON())
	if err != nil {
		t.Fatal(err)
	}
	c := &domaincheck.Checker{Profile: p, Resolver: demo.Zone()}
	h := withRoutes(handler(c, nil), []route{{"GET /history", &history{s: s, p: p, now: func() time.Time { return reportsNow }}}})
	get := func(url string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
		return rec
	}
	rec := get("/history?domain=Customer.Example")
	if rec.Code != http.StatusOK || strings.Contains(rec.Header().Get("Content-Security-Policy"), "script-src") {
		t.Fatalf("status %d, CSP %q", rec.Code, rec.Header().Get("Content-Security-Policy"))
	}
	body := rec.Body.String()
	golden.Check(t, "store/history.html", body)
	for _, want := range []string{"<svg", "<polyline", `stroke-dasharray="4 3"`, ">quarantine-partial</text>", "ready → changes-needed", "198.51.100.7, mx.customer.example, DKIM not aligned", "<td>mx.customer.example</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page has no %q", want)
		}
	}
	if rec := get("/history?domain=%3Cscript%3E"); rec.Code != http.StatusBadRequest || strings.Contains(rec.Body.String(), "<script>") {
		t.Errorf("a bad domain: status %d", rec.Code)
	}
	// The check's own pages are still served beside it.
	if rec := get("/"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<form") {
		t.Errorf("/: status %d", rec.Code)
	}
}
