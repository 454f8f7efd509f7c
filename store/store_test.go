package store

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/feedback"
)

func TestOpenMigrates(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		v, err := s.Version(ctx)
		if err != nil || v != SchemaVersion {
			t.Fatalf("Version = %d, %v; want %d", v, err, SchemaVersion)
		}
		// Opening again applies nothing and keeps what is there.
		if err := s.SetDomains(ctx, []string{"a.example"}); err != nil {
			t.Fatal(err)
		}
		s2 := openAgain(t, dsn) // another process's pool of connections
		if got, err := s2.Domains(ctx); err != nil || len(got) != 1 || got[0] != "a.example" {
			t.Fatalf("Domains after reopening = %v, %v", got, err)
		}
	})
}

// A store of an older program (schema version 1, without the monitor's
// table) is brought to the present schema when opened, its data kept.
func TestOpenUpgrades(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		if _, err := s.AddReport(ctx, received(t, reportXML("G", "1", "customer.example", day0, row{ip: "192.0.2.1", count: 4}))); err != nil {
			t.Fatal(err)
		}
		db := s.(*sqlStore)
		for _, q := range []string{`DROP TABLE report_chunks`, `DROP TABLE monitor`, `DROP TABLE source_names`, `DROP TABLE source_names_scan`, `DELETE FROM schema_version WHERE version >= 2`} {
			if _, err := db.db.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		s2 := openAgain(t, dsn) // another process's pool of connections
		if v, err := s2.Version(ctx); err != nil || v != SchemaVersion {
			t.Fatalf("Version = %d, %v", v, err)
		}
		if err := s2.Schedule(ctx, []string{"customer.example"}, day0); err != nil {
			t.Fatal(err)
		}
		if m, _ := messages(t, s2, "customer.example"); m != 4 {
			t.Errorf("messages after the upgrade = %d, want 4", m)
		}
	})
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		db := s.(*sqlStore)
		if _, err := db.db.ExecContext(ctx, db.q(`INSERT INTO schema_version (version, applied_unix) VALUES (?, 0)`), SchemaVersion+1); err != nil {
			t.Fatal(err)
		}
		_, err := Open(ctx, dsn)
		if !errors.Is(err, ErrSchemaNewer) {
			t.Fatalf("Open of a newer store: %v, want ErrSchemaNewer", err)
		}
	})
}

func TestOpenBadDSN(t *testing.T) {
	for _, dsn := range []string{"", "mysql://x/y"} {
		if _, err := Open(context.Background(), dsn); !errors.Is(err, ErrDSN) {
			t.Errorf("Open(%q) = %v, want ErrDSN", dsn, err)
		}
	}
}

// messages sums the daily messages of a domain over all days.
func messages(t *testing.T, s Store, domain string) (msgs, passed int) {
	t.Helper()
	days, err := s.Days(context.Background(), domain, day0.AddDate(-1, 0, 0), day0.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range days {
		msgs += d.Messages
		passed += d.Passed
	}
	return msgs, passed
}

func TestAddReportOnce(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		x := reportXML("Google", "r1", "customer.example", day0,
			row{ip: "192.0.2.1", count: 10, dkim: true}, row{ip: "198.51.100.7", count: 3})
		for i, want := range []Outcome{Stored, Present} {
			got, err := s.AddReport(ctx, received(t, x))
			if err != nil || got != want {
				t.Fatalf("AddReport #%d = %q, %v; want %q", i+1, got, err, want)
			}
		}
		// The same organization and ID with other bytes (a resend with
		// another layout) is the same report.
		again := received(t, x+"\n")
		if got, err := s.AddReport(ctx, again); err != nil || got != Present {
			t.Fatalf("same org and id, other bytes: %q, %v", got, err)
		}
		// The same bytes with the ID missing (nothing to match on but the
		// bytes) are the same report too.
		noID := received(t, reportXML("Google", "", "customer.example", day0, row{ip: "192.0.2.1", count: 1}))
		for i, want := range []Outcome{Stored, Present} {
			if got, err := s.AddReport(ctx, noID); err != nil || got != want {
				t.Fatalf("no id #%d: %q, %v; want %q", i+1, got, err, want)
			}
		}
		if m, p := messages(t, s, "customer.example"); m != 14 || p != 10 {
			t.Fatalf("messages, passed = %d, %d; want 14, 10", m, p)
		}
	})
}

func TestAddReportSums(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		x := reportXML("Yahoo", "y1", "Customer.Example", day0,
			row{ip: "192.0.2.1", count: 10, dkim: true, dkimRaw: "customer.example=pass"},
			row{ip: "192.0.2.1", count: 2, spf: true, spfRaw: "customer.example=pass"},
			row{ip: "203.0.113.9", count: 4, disp: "none", reason: "local_policy arc=pass", spfRaw: "list.example=pass"},
			row{ip: "203.0.113.10", count: 5, disp: "quarantine"})
		if _, err := s.AddReport(ctx, received(t, x)); err != nil {
			t.Fatal(err)
		}
		days, err := s.Days(ctx, "customer.example", day0, day0)
		if err != nil {
			t.Fatal(err)
		}
		want := []DaySource{
			{Domain: "customer.example", Day: day0, IP: netip.MustParseAddr("192.0.2.1"), Messages: 12, Passed: 12, SPFAligned: 2, DKIMAligned: 10, SPFPass: 2, DKIMPass: 10, None: 12, Kind: feedback.SourceAligned},
			{Domain: "customer.example", Day: day0, IP: netip.MustParseAddr("203.0.113.10"), Messages: 5, Quarantine: 5, Kind: feedback.SourceUnauthenticated},
			{Domain: "customer.example", Day: day0, IP: netip.MustParseAddr("203.0.113.9"), Messages: 4, SPFPass: 4, None: 4, Overrides: Overrides{LocalPolicy: 4, ARC: 4}, Kind: feedback.SourceUnaligned},
		}
		if len(days) != len(want) {
			t.Fatalf("Days = %+v", days)
		}
		for i := range want {
			if days[i] != want[i] {
				t.Errorf("Days[%d] =\n  %+v\nwant\n  %+v", i, days[i], want[i])
			}
		}
		recv, err := s.Receivers(ctx, "customer.example", day0, day0)
		if err != nil || len(recv) != 1 || recv[0] != (DayReceiver{Day: day0, Org: "Yahoo", Reports: 1}) {
			t.Fatalf("Receivers = %+v, %v", recv, err)
		}
	})
}

func TestAddReportUnreadableKept(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		raw := []byte("\x1f\x8bnot really gzip")
		r := &Received{Raw: raw, Reason: "gzip: invalid header", Source: "inbox/42"}
		for i, want := range []Outcome{Stored, Present} {
			if got, err := s.AddReport(ctx, r); err != nil || got != want {
				t.Fatalf("#%d: %q, %v; want %q", i+1, got, err, want)
			}
		}
		list, err := s.Unreadable(ctx, 10)
		if err != nil || len(list) != 1 {
			t.Fatalf("Unreadable = %+v, %v", list, err)
		}
		if list[0].Reason != "gzip: invalid header" || list[0].Source != "inbox/42" || list[0].Size != len(raw) {
			t.Errorf("Unreadable[0] = %+v", list[0])
		}
		got, err := s.Report(ctx, list[0].ID)
		if err != nil || string(got.Raw) != string(raw) || got.Status != StatusUnreadable {
			t.Fatalf("Report = %+v, %v; want the raw bytes back", got, err)
		}
		// Two reports too large to keep, from two files, are two entries;
		// the same file again is the same entry.
		for i, src := range []string{"a.xml", "b.xml", "a.xml"} {
			want := Stored
			if i == 2 {
				want = Present
			}
			big := &Received{Raw: nil, Reason: "feedback: aggregate report too large", Source: src}
			if got, err := s.AddReport(ctx, big); err != nil || got != want {
				t.Fatalf("too large, %s: %q, %v; want %q", src, got, err, want)
			}
		}
		if _, err := s.Report(ctx, 999999); !errors.Is(err, ErrNotFound) {
			t.Errorf("Report(999999) = %v, want ErrNotFound", err)
		}
	})
}

func TestAddReportSkipsOtherDomains(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		if err := s.SetDomains(ctx, []string{"Customer.Example.", " other.example"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Domains(ctx); fmt.Sprint(got) != "[customer.example other.example]" {
			t.Fatalf("Domains = %v", got)
		}
		out, err := s.AddReport(ctx, received(t, reportXML("G", "1", "stranger.example", day0, row{ip: "192.0.2.1", count: 1})))
		if err != nil || out != Skipped {
			t.Fatalf("stranger: %q, %v; want skipped", out, err)
		}
		out, err = s.AddReport(ctx, received(t, reportXML("G", "2", "customer.example", day0, row{ip: "192.0.2.1", count: 1})))
		if err != nil || out != Stored {
			t.Fatalf("customer: %q, %v; want stored", out, err)
		}
		if m, _ := messages(t, s, "stranger.example"); m != 0 {
			t.Errorf("stranger.example has %d messages stored", m)
		}
	})
}

// Two ingesters on one store (two pools of connections, as two
// processes have) adding the same reports at once count each once.
func TestConcurrentIngestersCountOnce(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		s2 := openAgain(t, dsn) // another process's pool of connections
		const n = 30
		var reps []*Received
		for i := range n {
			reps = append(reps, received(t, reportXML("Org", fmt.Sprint(i), "customer.example", day0.AddDate(0, 0, i%3),
				row{ip: "192.0.2.1", count: 1, dkim: true}, row{ip: "192.0.2.2", count: 2})))
		}
		var wg sync.WaitGroup
		counts := make([]map[Outcome]int, 4)
		errs := make(chan error, 4*n)
		for w := range 4 {
			counts[w] = map[Outcome]int{}
			st := s
			if w%2 == 1 {
				st = s2
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range n {
					out, err := st.AddReport(ctx, reps[(i+w*7)%n])
					if err != nil {
						errs <- err
						return
					}
					counts[w][out]++
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		stored := 0
		for _, c := range counts {
			stored += c[Stored]
		}
		if stored != n {
			t.Errorf("stored %d reports, want %d", stored, n)
		}
		if m, p := messages(t, s, "customer.example"); m != 3*n || p != n {
			t.Errorf("messages, passed = %d, %d; want %d, %d", m, p, 3*n, n)
		}
	})
}

func TestChecks(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		t1 := day0.Add(9 * time.Hour)
		cs := []Check{
			{Domain: "customer.example", At: t1, Status: "changes-needed", Policy: dmarc.PolicyNone, Records: []string{"_dmarc.customer.example. TXT \"v=DMARC1; p=none\""}, Plan: []byte(`{"changes":[]}`)},
			{Domain: "customer.example", At: t1.AddDate(0, 0, 1), Status: "ready", Policy: dmarc.PolicyQuarantine, Partial: true},
		}
		for _, c := range cs {
			if err := s.AddCheck(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Checks(ctx, "Customer.Example", time.Time{})
		if err != nil || len(got) != 2 {
			t.Fatalf("Checks = %+v, %v", got, err)
		}
		if fmt.Sprintf("%+v", got[0]) != fmt.Sprintf("%+v", cs[0]) {
			t.Errorf("Checks[0] =\n  %+v\nwant\n  %+v", got[0], cs[0])
		}
		if g := got[1]; g.Policy != dmarc.PolicyQuarantine || !g.Partial || g.Status != "ready" || len(g.Records) != 0 || g.Plan != nil {
			t.Errorf("Checks[1] = %+v", g)
		}
		if last, err := s.LastCheck(ctx, "customer.example"); err != nil || last == nil || last.Status != "ready" {
			t.Errorf("LastCheck = %+v, %v", last, err)
		}
		if last, err := s.LastCheck(ctx, "unknown.example"); err != nil || last != nil {
			t.Errorf("LastCheck of an unknown domain = %+v, %v", last, err)
		}
		if got, _ := s.Checks(ctx, "customer.example", t1.Add(time.Hour)); len(got) != 1 {
			t.Errorf("Checks since a later time = %d, want 1", len(got))
		}
	})
}

func TestPrune(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		old, recent := day0, day0.AddDate(0, 0, 60)
		for i, d := range []time.Time{old, recent} {
			r := received(t, reportXML("G", fmt.Sprint(i), "customer.example", d, row{ip: "192.0.2.1", count: 1}))
			r.At = d.Add(36 * time.Hour)
			if _, err := s.AddReport(ctx, r); err != nil {
				t.Fatal(err)
			}
			if err := s.AddCheck(ctx, Check{Domain: "customer.example", At: d, Status: "ready"}); err != nil {
				t.Fatal(err)
			}
		}
		now := recent.AddDate(0, 0, 10)
		// Zero keeps everything.
		if p, err := s.Prune(ctx, now, Retention{}); err != nil || p != (Pruned{}) {
			t.Fatalf("Prune(zero) = %+v, %v", p, err)
		}
		p, err := s.Prune(ctx, now, Retention{Reports: 30 * 24 * time.Hour, Days: 30 * 24 * time.Hour, Checks: 30 * 24 * time.Hour})
		if err != nil || p != (Pruned{Reports: 1, Days: 1, Checks: 1}) {
			t.Fatalf("Prune = %+v, %v; want one of each", p, err)
		}
		if m, _ := messages(t, s, "customer.example"); m != 1 {
			t.Errorf("messages after pruning = %d, want 1", m)
		}
		// The old report's rows went with it.
		db := s.(*sqlStore)
		var rows int
		if err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM report_rows`).Scan(&rows); err != nil || rows != 1 {
			t.Errorf("report_rows after pruning = %d, %v; want 1", rows, err)
		}
	})
}
