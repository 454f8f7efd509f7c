package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
	"github.com/domainauth/domainauth/store"
)

// storeRun runs the store part of the command line as of now.
func storeRun(t *testing.T, now time.Time, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	fs := flag.NewFlagSet("domaincheck", flag.ContinueOnError)
	format := fs.String("format", "text", "")
	sf := addStoreFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	p, err := domaincheck.ParseProfile(demo.ProfileJSON())
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code = sf.run(context.Background(), now, strings.NewReader(stdin), &out, &errOut, *format, p, fs.Args(), newResolver(false, nil))
	return code, out.String(), errOut.String()
}

var beginRE = regexp.MustCompile(`<begin>\d+</begin>`)

var reportsNow = time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)

func TestIngestAndEvidenceGolden(t *testing.T) {
	db := filepath.Join(t.TempDir(), "reports.db")
	code, out, errOut := storeRun(t, reportsNow, "", "-store", db, "-ingest", "testdata/reports")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden.Check(t, "store/ingest.txt", out)
	code, out, _ = storeRun(t, reportsNow, "", "-store", db, "-ingest", "testdata/reports", "-format", "json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	golden.Check(t, "store/ingest-again.json", out)
	for _, f := range []string{"text", "json"} {
		code, out, errOut = storeRun(t, reportsNow, "", "-store", db, "-evidence", "customer.example", "-format", f)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		golden.Check(t, "store/evidence."+map[string]string{"text": "txt", "json": "json"}[f], out)
	}
	code, out, _ = storeRun(t, reportsNow, "", "-store", db, "-evidence", "customer.example", "-window", "5d")
	if code != 0 || !strings.Contains(out, "covering 4 days") { // 6 to 9 November
		t.Errorf("-window 5d: exit %d:\n%s", code, out)
	}
}

// With a list of customer domains in the store, reports for other domains
// are skipped.
func TestIngestSkipsOtherDomains(t *testing.T) {
	db := filepath.Join(t.TempDir(), "reports.db")
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetDomains(context.Background(), []string{"customer.example"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	code, out, _ := storeRun(t, reportsNow, "", "-store", db, "-ingest", "testdata/reports/other-domain.xml", "-ingest", "testdata/reports/google-01.xml", "-format", "json")
	want := "{\n  \"stored\": 1,\n  \"present\": 0,\n  \"skipped\": 1,\n  \"recovered\": 0,\n  \"unreadable\": []\n}\n"
	if code != 0 || out != want {
		t.Errorf("exit %d:\n%s\nwant\n%s", code, out, want)
	}
}

func TestEvidenceProposesNextStage(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "reports.db")
	good, err := os.ReadFile("testdata/reports/google-01.xml")
	if err != nil {
		t.Fatal(err)
	}
	// 20 days of reports from two receivers, where every source passes.
	for d := range 20 {
		for _, org := range []string{"google.com", "Yahoo"} {
			begin := time.Date(2026, 11, 1+d, 0, 0, 0, 0, time.UTC).Unix()
			x := string(good)
			x = strings.Replace(x, "<org_name>google.com</org_name>", "<org_name>"+org+"</org_name>", 1)
			x = strings.Replace(x, "<report_id>g1</report_id>", fmt.Sprintf("<report_id>%s-%d</report_id>", org, d), 1)
			x = beginRE.ReplaceAllString(x, fmt.Sprintf("<begin>%d</begin>", begin))
			for _, ip := range []string{"198.51.100.7", "192.0.2.44"} {
				x = strings.ReplaceAll(x, "<source_ip>"+ip+"</source_ip>", "<source_ip>5.255.64.53</source_ip>")
			}
			x = strings.ReplaceAll(x, "<dkim>fail</dkim><spf>fail</spf>", "<dkim>pass</dkim><spf>fail</spf>")
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%02d.xml", org, d)), []byte(x), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	if code, _, errOut := storeRun(t, now, "", "-store", db, "-ingest", dir); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	code, out, errOut := storeRun(t, now, "", "-store", db, "-evidence", "customer.example")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden.Check(t, "store/evidence-next.txt", out)
}

func TestIngestStdin(t *testing.T) {
	db := filepath.Join(t.TempDir(), "reports.db")
	msg, err := os.ReadFile("testdata/reports/outlook.eml")
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := storeRun(t, reportsNow, string(msg), "-store", db, "-ingest", "-")
	if code != 0 || !strings.Contains(out, "1 reports stored") {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	// A store that cannot be opened: the MTA is told to try again later.
	code, _, errOut = storeRun(t, reportsNow, string(msg), "-store", "/dev/null/reports.db", "-ingest", "-")
	if code != exitTempFail || errOut == "" {
		t.Errorf("unopenable store: exit %d (%s), want %d", code, errOut, exitTempFail)
	}
	for _, args := range [][]string{
		{"-ingest", "-", "-ingest", "-"},
		{"-evidence", "customer.example", "-window", "30"},
		{"-evidence", "customer.example", "-format", "zone"},
		{"-evidence", "not a domain"},
	} {
		if code, _, _ := storeRun(t, reportsNow, "", append([]string{"-store", db}, args...)...); code != demo.ExitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, demo.ExitUsage)
		}
	}
}

// Checking domains with -store keeps each check, and the next check's
// evidence comes from the store.
func TestCheckKeepsChecks(t *testing.T) {
	db := filepath.Join(t.TempDir(), "reports.db")
	var out, errOut bytes.Buffer
	code := realMain([]string{"-store", db, "ready.example", "customer.example"}, strings.NewReader(""), &out, &errOut)
	if code != demo.ExitChanges {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checks, err := s.Checks(context.Background(), "ready.example", time.Time{})
	if err != nil || len(checks) != 1 || checks[0].Policy != "reject" || checks[0].Status == "" || len(checks[0].Records) != 1 {
		t.Fatalf("checks of ready.example = %+v, %v", checks, err)
	}
	if !strings.Contains(string(checks[0].Plan), "{") {
		t.Errorf("the plan is not kept: %q", checks[0].Plan)
	}
	// Through realMain, -ingest prints what it did.
	out.Reset()
	code = realMain([]string{"-store", db, "-ingest", "testdata/reports/google-01.xml"}, strings.NewReader(""), &out, &errOut)
	if code != 0 || !strings.HasPrefix(out.String(), "ingested 1 files and messages: 1 reports stored") {
		t.Errorf("exit %d: %s", code, out.String())
	}
}

// A long ingest says how far it is on standard error.
func TestIngestProgress(t *testing.T) {
	dir := t.TempDir()
	for i := range 501 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%04d.xml", i)), []byte("<feedback>not a report</feedback>"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := storeRun(t, reportsNow, "", "-store", filepath.Join(t.TempDir(), "r.db"), "-ingest", dir)
	// The counts are those committed by then, which trail the files read
	// by at most a group commit's worth.
	var unreadable int
	n, err := fmt.Sscanf(errOut, "domaincheck: ingest: 500 files and messages read; committed so far: 0 reports stored, 0 present, 0 skipped, %d unreadable\n", &unreadable)
	if code != 0 || n != 1 || err != nil || unreadable > 500 || strings.Count(errOut, "\n") != 1 {
		t.Errorf("exit %d, stderr %q (%v)", code, errOut, err)
	}
	if !strings.HasPrefix(out, "ingested 501 files and messages: 0 reports stored, 0 already held, 0 for other domains (skipped), 501 unreadable\n") {
		t.Errorf("stdout begins %.200q", out)
	}
}

// -retain deletes, after the ingest, what is older than it keeps.
func TestIngestRetain(t *testing.T) {
	db := filepath.Join(t.TempDir(), "reports.db")
	// The reports cover 1 to 9 November; at noon on 10 November, 5 days
	// of daily sums keep 5 to 9 November.
	code, _, errOut := storeRun(t, reportsNow, "", "-store", db, "-ingest", "testdata/reports", "-retain", "days=5d")
	if code != 0 || !strings.Contains(errOut, "retention days=5d: deleted 0 reports, 17 daily sums, 0 checks") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	code, out, _ := storeRun(t, reportsNow, "", "-store", db, "-evidence", "customer.example", "-window", "all")
	if code != 0 || !strings.Contains(out, "covering 5 days") {
		t.Errorf("after the retention:\n%s", out)
	}
	if code := realMain([]string{"-store", db, "-evidence", "customer.example", "-retain", "rows=1d"}, strings.NewReader(""), io.Discard, io.Discard); code != demo.ExitUsage {
		t.Errorf("-retain rows=1d: exit %d", code)
	}
}

// unreadableStore makes a store that holds, as an older program left
// them, reports it could not read: one any reader reads today, one only
// the lenient reader reads, one the store holds in a readable copy, one
// for a domain the store does not keep, a message without a report and a
// report cut short.
func unreadableStore(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "reports.db")
	if code, _, errOut := storeRun(t, reportsNow, "", "-store", db, "-ingest", "testdata/reports/google-02.xml", "-names=false"); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetDomains(ctx, []string{"customer.example"}); err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata/reports", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, u := range []struct {
		source string
		raw    []byte
	}{
		{"old/google-01.xml", read("google-01.xml")},
		{"old/wrapped.xml", read("wrapped.xml")},
		{"old/google-02-copy.xml", append(read("google-02.xml"), '\n')},
		{"old/other-domain.xml", read("other-domain.xml")},
		{"old/not-a-report.eml", read("not-a-report.eml")},
		{"old/cut-short.xml", read("google-03.xml")[:300]},
	} {
		out, err := s.AddReport(ctx, &store.Received{Raw: u.raw, Status: store.StatusUnreadable, Reason: "not read by an older program", Source: u.source, At: reportsNow})
		if err != nil || out != store.Stored {
			t.Fatalf("%s: %s, %v", u.source, out, err)
		}
	}
	return db
}

// -reread says what it did in one line of text, or in JSON as -ingest
// does; a second run finds only what stays unreadable.
func TestRereadGolden(t *testing.T) {
	db := unreadableStore(t)
	code, out, errOut := storeRun(t, reportsNow, "", "-store", db, "-reread")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden.Check(t, "store/reread.txt", out)
	code, out, errOut = storeRun(t, reportsNow, "", "-store", db, "-reread")
	if want := "read again 2 unreadable reports: 0 now stored, 0 already held, 0 for other domains (skipped), 2 still unreadable (kept)\n"; code != 0 || out != want {
		t.Errorf("again: exit %d: %q (%s); want %q", code, out, errOut, want)
	}
	code, out, errOut = storeRun(t, reportsNow, "", "-store", unreadableStore(t), "-reread", "-format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden.Check(t, "store/reread.json", out)
	// The reports read now count in the evidence.
	code, out, _ = storeRun(t, reportsNow, "", "-store", db, "-evidence", "customer.example", "-window", "all")
	if code != 0 || !strings.Contains(out, "reports:    3,") {
		t.Errorf("evidence after -reread: exit %d:\n%s", code, out)
	}
}

// -reread exits 2 when the store fails, and refuses what it cannot do.
func TestRereadExit(t *testing.T) {
	db := filepath.Join(t.TempDir(), "reports.db")
	if code, out, errOut := storeRun(t, reportsNow, "", "-store", db, "-reread"); code != 0 || !strings.HasPrefix(out, "read again 0 unreadable reports") {
		t.Errorf("an empty store: exit %d: %q %s", code, out, errOut)
	}
	if code, _, errOut := storeRun(t, reportsNow, "", "-store", "/dev/null/reports.db", "-reread"); code != 2 || errOut == "" {
		t.Errorf("unopenable store: exit %d (%s), want 2", code, errOut)
	}
	for _, args := range [][]string{
		{"-reread", "customer.example"},
		{"-reread", "-format", "zone"},
	} {
		if code, _, errOut := storeRun(t, reportsNow, "", append([]string{"-store", db}, args...)...); code != demo.ExitUsage || errOut == "" {
			t.Errorf("%q: exit %d, want %d", args, code, demo.ExitUsage)
		}
	}
	// Through realMain.
	var out bytes.Buffer
	if code := realMain([]string{"-store", db, "-reread"}, strings.NewReader(""), &out, io.Discard); code != 0 || !strings.HasPrefix(out.String(), "read again 0 unreadable reports") {
		t.Errorf("realMain -reread: exit %d: %s", code, out.String())
	}
}
