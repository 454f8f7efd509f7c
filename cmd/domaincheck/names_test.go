package main

import (
	"bytes"
	"context"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

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
