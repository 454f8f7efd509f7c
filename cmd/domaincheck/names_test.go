package main

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/store"
)

// names returns the store's reverse names of the demo reports' sources,
// by address: their result and name.
func names(t *testing.T, db string) map[string]string {
	t.Helper()
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ips []netip.Addr
	for _, ip := range []string{"5.255.64.53", "198.51.100.7", "203.0.113.66", "192.0.2.44"} {
		ips = append(ips, netip.MustParseAddr(ip))
	}
	ns, err := s.Names(context.Background(), ips)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, n := range ns {
		out[n.IP.String()] = strings.TrimSpace(string(n.Result) + " " + n.Name)
	}
	return out
}

// -ingest looks up the reverse names of the sources it stored, through
// the program's resolver (the demo zone on a loopback server), and keeps
// only those that resolve back; -names=false leaves them for later.
func TestIngestNames(t *testing.T) {
	db := filepath.Join(t.TempDir(), "reports.db")
	code, _, errOut := storeRun(t, reportsNow, "", "-store", db, "-ingest", "testdata/reports/google-01.xml", "-names=false")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := names(t, db); len(got) != 0 {
		t.Errorf("with -names=false: %v, want nothing looked up", got)
	}
	code, _, errOut = storeRun(t, reportsNow, "", "-store", db, "-ingest", "testdata/reports")
	want := "domaincheck: reverse names: 4 sources looked up: 2 named, 1 whose PTR name does not resolve back, 1 without PTR, 0 failed for now (asked again later)\n"
	if code != 0 || errOut != want {
		t.Fatalf("exit %d, stderr %q, want %q", code, errOut, want)
	}
	got := names(t, db)
	for ip, want := range map[string]string{
		"5.255.64.53":  "pass smtp1.vendor.example",
		"198.51.100.7": "pass mx.customer.example",
		"192.0.2.44":   "fail",
		"203.0.113.66": "permerror",
	} {
		if got[ip] != want {
			t.Errorf("%s: %q, want %q", ip, got[ip], want)
		}
	}
	// Again: nothing is due.
	if code, _, errOut := storeRun(t, reportsNow, "", "-store", db, "-ingest", "testdata/reports"); code != 0 || errOut != "" {
		t.Errorf("again: exit %d, stderr %q", code, errOut)
	}
}

// Each pass of the monitor looks up the names of the sources new to the
// store, with the checker's resolver.
func TestMonitorNames(t *testing.T) {
	db := filepath.Join(t.TempDir(), "reports.db")
	if code, _, errOut := storeRun(t, reportsNow, "", "-store", db, "-ingest", "testdata/reports", "-names=false"); code != 0 {
		t.Fatalf("ingest: %s", errOut)
	}
	var out, errOut bytes.Buffer
	code := realMain([]string{"-store", db, "-monitor", "-once", "customer.example"}, strings.NewReader(""), &out, &errOut)
	if code != 0 || !strings.Contains(errOut.String(), "reverse names: 4 sources looked up: 2 named") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	if got := names(t, db); got["198.51.100.7"] != "pass mx.customer.example" || got["192.0.2.44"] != "fail" {
		t.Errorf("after a pass: %v", got)
	}
}

// A long-running monitor looks the names up beside its passes, never
// holding them up, and when its caller's context ends it returns with
// the look-ups it started finished.
func TestMonitorNamesInTheBackground(t *testing.T) {
	db := filepath.Join(t.TempDir(), "reports.db")
	if code, _, errOut := storeRun(t, reportsNow, "", "-store", db, "-ingest", "testdata/reports", "-names=false"); code != 0 {
		t.Fatalf("ingest: %s", errOut)
	}
	srv, err := dnstest.Serve(demo.Zone())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	p, err := domaincheck.ParseProfile(demo.ProfileJSON())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := &domaincheck.Checker{Profile: p, Resolver: srv.Client()}
	var out, errOut bytes.Buffer
	done := make(chan error, 1)
	go func() {
		// An interval far below -interval's minimum: a pass every 20 ms.
		done <- runMonitor(ctx, c, s, []string{"customer.example"}, 200*time.Millisecond, false, "", store.Retention{}, true, &out, &errOut)
	}()
	for start := time.Now(); len(names(t, db)) < 4; time.Sleep(50 * time.Millisecond) {
		if time.Since(start) > 2*time.Minute {
			cancel()
			<-done
			t.Fatalf("no names after 2 minutes of monitoring: %v; stderr %q", names(t, db), errOut.String())
		}
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the monitor returned %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the monitor did not return a minute after its context ended")
	}
	if got := names(t, db); got["198.51.100.7"] != "pass mx.customer.example" || got["5.255.64.53"] != "pass smtp1.vendor.example" || got["192.0.2.44"] != "fail" || got["203.0.113.66"] != "permerror" {
		t.Errorf("names: %v", got)
	}
	// Looked up once: the passes after the first found nothing due.
	if n := strings.Count(errOut.String(), "reverse names: 4 sources looked up: 2 named"); n != 1 {
		t.Errorf("the names were looked up %d times; stderr %q", n, errOut.String())
	}
	// The checks went on beside the look-ups.
	if last, err := s.LastCheck(context.Background(), "customer.example"); err != nil || last == nil {
		t.Errorf("no check of customer.example kept: %v, %v", last, err)
	}
}
