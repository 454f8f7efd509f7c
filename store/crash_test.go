package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCrashHelper is the ingesting process that TestKillMidIngest kills;
// it does nothing in a normal run.
func TestCrashHelper(t *testing.T) {
	dsn, dir := os.Getenv("STORE_CRASH_DSN"), os.Getenv("STORE_CRASH_DIR")
	if dsn == "" {
		return
	}
	ctx := context.Background()
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	// Small batches: several commits before the kill, and one open.
	in := &Ingester{Store: s, Batch: BatchLimits{Reports: 16}, Progress: func(r IngestResult) {
		fmt.Printf("ack %d\n", r.Stored) // acknowledged: committed
	}}
	_, err = in.Ingest(ctx, dir)
	t.Fatal("not killed", err)
}

// A process killed (SIGKILL) in the middle of an ingest loses none of the
// reports it acknowledged and leaves no report half written: every report
// held has all of its rows, and the daily sums are those of the reports
// held.
func TestKillMidIngest(t *testing.T) {
	if os.Getenv("STORE_CRASH_DSN") != "" {
		return
	}
	each(t, func(t *testing.T, dsn string, s Store) {
		dir := t.TempDir()
		const n = 400
		for i := range n {
			rows := make([]row, 20)
			for j := range rows {
				rows[j] = row{ip: fmt.Sprintf("192.0.2.%d", j+1), count: 1, dkim: j%2 == 0}
			}
			write(t, filepath.Join(dir, fmt.Sprintf("%04d.xml", i)), []byte(reportXML("Org", strconv.Itoa(i), "customer.example", day0, rows...)))
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), "STORE_CRASH_DSN="+dsn, "STORE_CRASH_DIR="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		acked := 0
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
				acked, _ = strconv.Atoi(v)
			}
			if acked >= 50 {
				break
			}
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		if acked < 50 {
			t.Fatalf("the helper acknowledged %d reports before it ended", acked)
		}
		ctx := context.Background()
		s2 := openAgain(t, dsn) // another process's pool of connections
		db := s2.(*sqlStore)
		var reports, rows int
		if err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports`).Scan(&reports); err != nil {
			t.Fatal(err)
		}
		if err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM report_rows`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if reports < acked || reports >= n {
			t.Fatalf("%d reports held after the kill; %d were acknowledged, %d given", reports, acked, n)
		}
		// The acknowledged ones are the first, in name order.
		for i := range acked {
			var one int
			if err := db.db.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM reports WHERE report_id = ?`), strconv.Itoa(i)).Scan(&one); err != nil || one != 1 {
				t.Fatalf("acknowledged report %d: held %d times, %v", i, one, err)
			}
		}
		if rows != 20*reports {
			t.Errorf("%d rows for %d reports: a report is half written", rows, reports)
		}
		if m, _ := messages(t, s2, "customer.example"); m != 20*reports {
			t.Errorf("daily sums count %d messages for %d reports of 20", m, reports)
		}
		// Ingesting again completes the set, counting nothing twice.
		res, err := (&Ingester{Store: s2}).Ingest(ctx, dir)
		if err != nil || res.Stored+res.Present != n || res.Present != reports {
			t.Fatalf("after the kill: %+v, %v", res, err)
		}
		if m, _ := messages(t, s2, "customer.example"); m != 20*n {
			t.Errorf("messages = %d, want %d", m, 20*n)
		}
	})
}
