package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// unreadableAs stores raw as an older parser did: kept, without rows, as
// unreadable with reason; and returns its ID.
func unreadableAs(t *testing.T, s Store, raw []byte, source, reason string, at time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	out, err := s.AddReport(ctx, &Received{Raw: raw, Status: StatusUnreadable, Reason: reason, Source: source, At: at})
	if err != nil || out != Stored {
		t.Fatalf("storing %s as unreadable: %s, %v", source, out, err)
	}
	return idOf(t, s, `SELECT id FROM reports WHERE source = ?`, source)
}

// idOf returns the one report ID a query selects.
func idOf(t *testing.T, s Store, query string, args ...any) int64 {
	t.Helper()
	db := s.(*sqlStore)
	var id int64
	if err := db.db.QueryRowContext(context.Background(), db.q(query), args...).Scan(&id); err != nil {
		t.Fatalf("%s %v: %v", query, args, err)
	}
	return id
}

// sums returns a domain's daily sums and totals over the test days.
func sums(t *testing.T, s Store, domain string) ([]DaySource, []DaySource) {
	t.Helper()
	ctx := context.Background()
	from, to := day0.AddDate(-1, 0, 0), day0.AddDate(1, 0, 0)
	days, err := s.Days(ctx, domain, from, to)
	if err != nil {
		t.Fatal(err)
	}
	totals, err := s.Totals(ctx, domain, from, to)
	if err != nil {
		t.Fatal(err)
	}
	return days, totals
}

// rows of the reports the tests read again.
var rereadRows = []row{
	{ip: "192.0.2.1", count: 5, dkim: true, dkimRaw: "customer.example=pass", spfRaw: "bounce.vendor.example=pass"},
	{ip: "192.0.2.2", count: 3, disp: "quarantine", reason: "forwarded arc=pass", spfRaw: "customer.example=fail"},
	{ip: "198.51.100.7", count: 2, spf: true, spfRaw: "customer.example=pass"},
}

// A report an older parser could not read is read again after the
// parser improved: it has rows and the same sums as the same report
// ingested into a fresh store, its bytes, source and time of receipt are
// kept; a report still unreadable stays as it was. Reading again twice
// changes nothing.
func TestRereadParserImproved(t *testing.T) {
	good := []byte(reportXML("Google", "g-1", "customer.example", day0, rereadRows...))
	broken := []byte("<feedback><report_metadata>cut short")
	at := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

	// The same report ingested normally, into a fresh store.
	ctx := context.Background()
	fresh, err := Open(ctx, filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "g.xml"), good)
	if res, err := (&Ingester{Store: fresh}).Ingest(ctx, dir); err != nil || res.Stored != 1 {
		t.Fatalf("fresh ingest: %+v, %v", res, err)
	}
	wantDays, wantTotals := sums(t, fresh, "customer.example")
	if len(wantDays) != 3 {
		t.Fatalf("the fresh store has %d daily sums, want 3", len(wantDays))
	}

	each(t, func(t *testing.T, dsn string, s Store) {
		// The report read now is the last stored: its new ID is not its
		// old one (SQLite numbers a row after the highest left).
		brokenID := unreadableAs(t, s, broken, "broken.xml", "an older parser: unexpected EOF", at)
		goodID := unreadableAs(t, s, good, "old.eml: report.xml", "an older parser: unknown element", at)
		in := &Ingester{Store: s}
		res, err := in.Reread(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored != 1 || res.Present != 0 || res.Skipped != 0 || res.Items != 2 || len(res.Unreadable) != 1 {
			t.Fatalf("result = %+v; want 1 stored, 1 unreadable of 2", res)
		}
		if u := res.Unreadable[0]; u.Report != brokenID || u.File != "broken.xml" || u.Reason == "" {
			t.Errorf("unreadable = %+v; want report %d, broken.xml, with today's reason", u, brokenID)
		}
		days, totals := sums(t, s, "customer.example")
		if !reflect.DeepEqual(days, wantDays) || !reflect.DeepEqual(totals, wantTotals) {
			t.Errorf("sums after reading again:\n%+v\n%+v\nwant, as ingested into a fresh store:\n%+v\n%+v", days, totals, wantDays, wantTotals)
		}
		if r, err := s.Receivers(ctx, "customer.example", day0, day0); err != nil || len(r) != 1 || r[0].Org != "Google" || r[0].Reports != 1 {
			t.Errorf("receivers = %+v, %v", r, err)
		}
		// Read now: a report of its own, the same bytes, source and time.
		newID := idOf(t, s, `SELECT id FROM reports WHERE report_id = ?`, "g-1")
		if newID <= goodID {
			t.Errorf("the report read again is report %d, not numbered after its unreadable copy %d", newID, goodID)
		}
		sr, err := s.Report(ctx, newID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(sr.Raw, good) || sr.Status != StatusOK || sr.Org != "Google" || sr.Domain != "customer.example" || sr.Source != "old.eml: report.xml" || !sr.Received.Equal(at) {
			t.Errorf("report %d = %+v (%d bytes); want the same bytes, status ok, source and time kept", newID, sr, len(sr.Raw))
		}
		if n := count(t, s, `SELECT COUNT(*) FROM report_rows WHERE report = ?`, newID); n != len(rereadRows) {
			t.Errorf("%d rows, want %d", n, len(rereadRows))
		}
		if _, err := s.Report(ctx, goodID); !errors.Is(err, ErrNotFound) {
			t.Errorf("the unreadable copy %d is still there", goodID)
		}
		// Still unreadable: as it was.
		assertUnreadable(t, s, brokenID, broken, "an older parser: unexpected EOF")

		// Again: nothing changes.
		res, err = in.Reread(ctx)
		if err != nil || res.Stored+res.Present+res.Skipped != 0 || len(res.Unreadable) != 1 || res.Unreadable[0].Report != brokenID {
			t.Fatalf("again: %+v, %v; want only the broken report, unreadable", res, err)
		}
		days, totals = sums(t, s, "customer.example")
		if !reflect.DeepEqual(days, wantDays) || !reflect.DeepEqual(totals, wantTotals) {
			t.Errorf("sums after reading again twice: %+v", totals)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM reports`); n != 2 {
			t.Errorf("%d reports, want 2", n)
		}
		assertUnreadable(t, s, brokenID, broken, "an older parser: unexpected EOF")
	})
}

// assertUnreadable checks that report id is the only one listed as
// unreadable, with its bytes and reason as stored.
func assertUnreadable(t *testing.T, s Store, id int64, raw []byte, reason string) {
	t.Helper()
	ctx := context.Background()
	list, err := s.Unreadable(ctx, 10)
	if err != nil || len(list) != 1 || list[0].ID != id || list[0].Reason != reason {
		t.Fatalf("unreadable = %+v, %v; want report %d with reason %q", list, err, id, reason)
	}
	sr, err := s.Report(ctx, id)
	if err != nil || !bytes.Equal(sr.Raw, raw) || sr.Status != StatusUnreadable || sr.Reason != reason {
		t.Fatalf("report %d = %+v, %v; want its bytes and reason as stored", id, sr, err)
	}
}

// A report read again that the store holds already (the same
// organization and report ID, other bytes) is not counted twice: its
// unreadable copy is deleted. One for a domain the store does not keep
// is deleted too, counted as skipped.
func TestRereadPresentAndSkipped(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		if err := s.SetDomains(ctx, []string{"customer.example"}); err != nil {
			t.Fatal(err)
		}
		x := reportXML("Google", "g-1", "customer.example", day0, rereadRows...)
		dir := t.TempDir()
		write(t, filepath.Join(dir, "g.xml.gz"), gz(t, x))
		in := &Ingester{Store: s}
		if res, err := in.Ingest(ctx, dir); err != nil || res.Stored != 1 {
			t.Fatalf("ingest: %+v, %v", res, err)
		}
		wantDays, wantTotals := sums(t, s, "customer.example")
		unreadableAs(t, s, []byte(x), "copy.xml", "an older parser", day0)
		unreadableAs(t, s, []byte(reportXML("Google", "o-1", "other.example", day0, rereadRows...)), "other.xml", "an older parser", day0)
		res, err := in.Reread(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored != 0 || res.Present != 1 || res.Skipped != 1 || len(res.Unreadable) != 0 || res.Items != 2 {
			t.Fatalf("result = %+v; want 1 present, 1 skipped", res)
		}
		if list, err := s.Unreadable(ctx, 10); err != nil || len(list) != 0 {
			t.Errorf("unreadable = %+v, %v; want none", list, err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM reports`); n != 1 {
			t.Errorf("%d reports, want 1", n)
		}
		days, totals := sums(t, s, "customer.example")
		if !reflect.DeepEqual(days, wantDays) || !reflect.DeepEqual(totals, wantTotals) {
			t.Errorf("sums changed: %+v; want %+v", totals, wantTotals)
		}
		if d, _ := sums(t, s, "other.example"); len(d) != 0 {
			t.Errorf("other.example has sums: %+v", d)
		}
	})
}

// Batch.Reread leaves alone a report that is readable, gone, or whose
// bytes are not those given: the outcome is Gone, nothing changes.
func TestBatchRereadGone(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		x := []byte(reportXML("Google", "g-1", "customer.example", day0, rereadRows...))
		if out, err := s.AddReport(ctx, received(t, string(x))); err != nil || out != Stored {
			t.Fatal(out, err)
		}
		readable := idOf(t, s, `SELECT id FROM reports WHERE report_id = ?`, "g-1")
		other := []byte(reportXML("Yahoo", "y-1", "customer.example", day0, rereadRows...))
		unread := unreadableAs(t, s, other, "y.xml", "an older parser", day0)
		for _, c := range []struct {
			name string
			id   int64
			raw  []byte
		}{
			{"readable", readable, x},
			{"missing", unread + 100, other},
			{"other bytes", unread, append(append([]byte(nil), other...), '\n')},
		} {
			b, err := s.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			rd, err := b.Reread(ctx, c.id, bytes.NewReader(c.raw), Incoming{})
			if err != nil || rd.Outcome != Gone {
				t.Errorf("%s: %+v, %v; want gone", c.name, rd, err)
			}
			if err := b.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(t, s, `SELECT COUNT(*) FROM report_rows`); n != len(rereadRows) {
			t.Errorf("%d rows, want %d", n, len(rereadRows))
		}
		assertUnreadable(t, s, unread, other, "an older parser")
		if m, _ := messages(t, s, "customer.example"); m != 10 {
			t.Errorf("%d messages, want 10", m)
		}
	})
}

// Two processes reading again at once never count a report twice: each
// report is stored once, the sums are those of one copy each.
func TestRereadConcurrent(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		s2 := openAgain(t, dsn) // another process's pool of connections
		const n = 40
		for i := range n {
			x := reportXML("Org", fmt.Sprint(i), "customer.example", day0.AddDate(0, 0, i%4),
				row{ip: "192.0.2.1", count: 1, dkim: true}, row{ip: "192.0.2.2", count: 2})
			unreadableAs(t, s, []byte(x), fmt.Sprintf("r%02d.xml", i), "an older parser", day0)
		}
		broken := unreadableAs(t, s, []byte("<feedback>"), "broken.xml", "an older parser", day0)
		type result struct {
			res IngestResult
			err error
		}
		results := make(chan result, 2)
		for w, st := range []Store{s, s2} {
			go func() {
				res, err := (&Ingester{Store: st, Batch: BatchLimits{Reports: 3 + 4*w}}).Reread(ctx)
				results <- result{res, err}
			}()
		}
		stored := 0
		for range 2 {
			r := <-results
			if r.err != nil {
				t.Fatal(r.err)
			}
			if r.res.Present != 0 || r.res.Skipped != 0 {
				t.Errorf("a re-reader saw %+v", r.res)
			}
			stored += r.res.Stored
		}
		if stored != n {
			t.Errorf("stored %d, want %d", stored, n)
		}
		if m, p := messages(t, s, "customer.example"); m != 3*n || p != n {
			t.Errorf("messages, passed = %d, %d; want %d, %d", m, p, 3*n, n)
		}
		if got := count(t, s, `SELECT COUNT(*) FROM reports`); got != n+1 {
			t.Errorf("%d reports, want %d", got, n+1)
		}
		assertUnreadable(t, s, broken, []byte("<feedback>"), "an older parser")
	})
}

// A report kept in pieces (over 1 MB) is read again whole, and stored in
// pieces again; one still unreadable keeps its pieces.
func TestRereadInPieces(t *testing.T) {
	const n = 6000 // about 2.9 MB: three pieces
	xml := bigReportBytes("x", n)
	broken := append(bigReportBytes("z", n), "<record><row>"...) // unclosed
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		dir := t.TempDir()
		write(t, filepath.Join(dir, "x.xml"), xml)
		write(t, filepath.Join(dir, "z.xml"), broken)
		in := &Ingester{Store: s}
		if res, err := in.Ingest(ctx, dir); err != nil || res.Stored != 1 || len(res.Unreadable) != 1 {
			t.Fatalf("ingest: %+v, %v", res, err)
		}
		// What an older parser left: x.xml kept in pieces, unreadable,
		// without rows or sums.
		db := s.(*sqlStore)
		old := idOf(t, s, `SELECT id FROM reports WHERE report_id = ?`, "x")
		for _, q := range []string{
			`DELETE FROM report_rows`, `DELETE FROM daily`, `DELETE FROM daily_receivers`,
			`UPDATE reports SET org = NULL, report_id = NULL, domain = '', status = 'unreadable', reason = 'an older parser' WHERE id = ` + fmt.Sprint(old),
		} {
			if _, err := db.db.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		brokenID := idOf(t, s, `SELECT id FROM reports WHERE source LIKE ?`, "%z.xml")
		before, err := s.Report(ctx, brokenID)
		if err != nil {
			t.Fatal(err)
		}
		res, err := in.Reread(ctx)
		if err != nil || res.Stored != 1 || len(res.Unreadable) != 1 || res.Unreadable[0].Report != brokenID {
			t.Fatalf("reread: %+v, %v; want 1 stored, z.xml unreadable", res, err)
		}
		id := idOf(t, s, `SELECT id FROM reports WHERE report_id = ?`, "x")
		sr, err := s.Report(ctx, id)
		if err != nil || !bytes.Equal(sr.Raw, xml) {
			t.Fatalf("report %d read back: %v", id, err)
		}
		if got := count(t, s, `SELECT COUNT(*) FROM report_chunks WHERE report = ?`, id); got != 3 {
			t.Errorf("%d pieces of the report read again, want 3", got)
		}
		if got := count(t, s, `SELECT COUNT(*) FROM report_rows WHERE report = ?`, id); got != n {
			t.Errorf("%d rows, want %d", got, n)
		}
		if m, p := messages(t, s, "customer.example"); m != n || p != n-(n+2)/3 {
			t.Errorf("messages, passed = %d, %d", m, p)
		}
		if got := count(t, s, `SELECT COUNT(*) FROM report_chunks WHERE report = ?`, old); got != 0 {
			t.Errorf("%d pieces of the unreadable copy left", got)
		}
		assertUnreadable(t, s, brokenID, broken, before.Reason)
		if count(t, s, `SELECT COUNT(*) FROM report_chunks WHERE report = ?`, brokenID) != 3 {
			t.Errorf("the unreadable report lost its pieces")
		}
	})
}

// What was kept without a report's bytes (a message in which no report
// was found, a report too large to keep) is not read again: it stays,
// listed with its reason.
func TestRereadKeepsWhatHoldsNoReport(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		msg := []byte("From: a@b.example\r\nSubject: hello\r\n\r\nno report here\r\n")
		msgID := unreadableAs(t, s, msg, "inbox#1", "no aggregate report in the message", day0)
		if out, err := s.AddReport(ctx, &Received{Raw: []byte{}, Status: StatusUnreadable, Reason: "too large", Source: "huge.xml"}); err != nil || out != Stored {
			t.Fatal(out, err)
		}
		hugeID := idOf(t, s, `SELECT id FROM reports WHERE source = ?`, "huge.xml")
		res, err := (&Ingester{Store: s}).Reread(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []Unreadable{{File: "inbox#1", Reason: "no aggregate report in the message", Report: msgID}, {File: "huge.xml", Reason: "too large", Report: hugeID}}
		if !reflect.DeepEqual(res.Unreadable, want) || res.Items != 2 || res.Stored+res.Present+res.Skipped != 0 {
			t.Fatalf("result = %+v; want %+v", res, want)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM reports WHERE status = 'unreadable'`); n != 2 {
			t.Errorf("%d unreadable reports, want 2", n)
		}
		if sr, err := s.Report(ctx, msgID); err != nil || !bytes.Equal(sr.Raw, msg) {
			t.Errorf("the message kept: %+v, %v", sr, err)
		}
	})
}

// A batch reading a report again while another batch, of another
// process, has read it again and not yet committed, waits its turn, and
// then finds it gone: the report is stored once.
func TestBatchRereadTakesTurns(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		s2 := openAgain(t, dsn) // another process's pool of connections
		x := []byte(reportXML("Google", "g-1", "customer.example", day0, rereadRows...))
		id := unreadableAs(t, s, x, "g.xml", "an older parser", day0)
		b1, err := s.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = b1.Rollback() }()
		rd, err := b1.Reread(ctx, id, bytes.NewReader(x), Incoming{})
		if err != nil || rd.Outcome != Stored || rd.Status != StatusOK {
			t.Fatalf("first: %+v, %v", rd, err)
		}
		second := make(chan Read, 1)
		errs := make(chan error, 1)
		go func() {
			b2, err := s2.Begin(ctx)
			if err != nil {
				errs <- err
				return
			}
			defer func() { _ = b2.Rollback() }()
			rd, err := b2.Reread(ctx, id, bytes.NewReader(x), Incoming{})
			if err == nil {
				err = b2.Commit()
			}
			second <- rd
			errs <- err
		}()
		if err := b1.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		if rd := <-second; rd.Outcome != Gone {
			t.Errorf("second: %+v; want gone", rd)
		}
		if m, _ := messages(t, s, "customer.example"); m != 10 {
			t.Errorf("%d messages, want 10", m)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM reports`); n != 1 {
			t.Errorf("%d reports, want 1", n)
		}
	})
}
