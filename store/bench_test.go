package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// typicalReport is a report of 20 rows, as a large receiver sends for a
// domain and day.
func typicalReport(org string, id int) []byte {
	rows := make([]row, 20)
	for j := range rows {
		rows[j] = row{ip: fmt.Sprintf("192.0.2.%d", j+1), count: 10 + j, dkim: j%3 != 0, spf: j%2 == 0,
			dkimRaw: "customer.example=pass", spfRaw: "customer.example=pass"}
	}
	return []byte(reportXML(org, fmt.Sprint(id), "customer.example", day0.AddDate(0, 0, id%90), rows...))
}

// BenchmarkIngest: reports of 20 rows read (strictly, streaming) and
// stored, by group commit as the ingester does: defaultBatchReports to a
// transaction.
func BenchmarkIngest(b *testing.B) {
	for _, be := range backends(b) {
		b.Run(be.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(ctx, be.dsn(b))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			raws := make([][]byte, b.N)
			for i := range raws {
				raws[i] = typicalReport("Bench", i)
			}
			b.ReportAllocs()
			cpu0, cpuOK := cpuTime()
			b.ResetTimer()
			var batch Batch
			for i := range b.N {
				if batch == nil {
					if batch, err = s.Begin(ctx); err != nil {
						b.Fatal(err)
					}
				}
				rd, err := batch.ReadReport(ctx, bytes.NewReader(raws[i]), Incoming{Source: "bench"})
				if err != nil || rd.Outcome != Stored {
					b.Fatal(rd, err)
				}
				if (i+1)%defaultBatchReports == 0 || i == b.N-1 {
					if err := batch.Commit(); err != nil {
						b.Fatal(err)
					}
					batch = nil
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
			// On a machine shared with other work, the wall clock
			// counts the waits for a CPU too: the reports per second of
			// CPU the process used (with -cpu 1, of one core) say what
			// the code costs.
			if cpu1, ok := cpuTime(); ok && cpuOK && cpu1 > cpu0 {
				b.ReportMetric(float64(b.N)/(cpu1-cpu0), "reports/cpu-s")
			}
		})
	}
}

// Evidence benchmark scale: 10,000 domains x 90 days x 10 sources.
const (
	benchDomains = 10000
	benchDays    = 90
	benchSources = 10
)

var benchDay0 = day(day0)

// fillEvidence fills a store with benchDomains x benchDays x benchSources
// daily sums and two receivers a day, generated in the database.
func fillEvidence(b *testing.B, s *sqlStore) {
	ctx := context.Background()
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM daily_receivers`).Scan(&n); err == nil && n == benchDomains*benchDays*2 {
		return // made by an earlier run
	}
	var series string
	if s.dialect == dialectPostgres {
		series = fmt.Sprintf(`WITH d(n) AS (SELECT generate_series(1, %d)), dy(n) AS (SELECT generate_series(0, %d)), src(n) AS (SELECT generate_series(1, %d))`,
			benchDomains, benchDays-1, benchSources)
	} else {
		series = fmt.Sprintf(`WITH RECURSIVE d(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM d WHERE n < %d),
			dy(n) AS (SELECT 0 UNION ALL SELECT n+1 FROM dy WHERE n < %d),
			src(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM src WHERE n < %d)`, benchDomains, benchDays-1, benchSources)
	}
	start := time.Now()
	for _, q := range []string{
		series + fmt.Sprintf(` INSERT INTO daily (domain, day, source_ip, messages, dmarc_pass, spf_aligned, dkim_aligned, spf_pass, dkim_pass,
			disp_none, disp_quarantine, disp_reject, ovr_forwarded, ovr_local, ovr_list, ovr_sampled, ovr_trusted, ovr_other, ovr_arc, kind, host)
			SELECT 'd' || d.n || '.example', %d + dy.n, '192.0.2.' || src.n, 100, CASE WHEN src.n = 10 THEN 0 ELSE 100 END, 90, 100, 90, 100,
			100, 0, 0, 0, 0, 0, 0, 0, 0, 0, CASE WHEN src.n = 10 THEN 'unauthenticated' ELSE 'aligned' END, ''
			FROM d, dy, src`, benchDay0),
		series + fmt.Sprintf(` INSERT INTO daily_receivers (domain, day, org, reports)
			SELECT 'd' || d.n || '.example', %d + dy.n, CASE WHEN src.n = 1 THEN 'google.com' ELSE 'Yahoo' END, 1
			FROM d, dy, src WHERE src.n <= 2`, benchDay0),
	} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("filled %s with %d daily sums in %s", s.dialect, benchDomains*benchDays*benchSources, time.Since(start).Round(time.Second))
}

// BenchmarkEvidence: one domain's evidence over 90 days, in a store of
// 10,000 domains x 90 days x 10 sources. The SQLite file is kept in the
// temporary directory between runs (it takes a while to fill).
func BenchmarkEvidence(b *testing.B) {
	for _, be := range backends(b) {
		b.Run(be.name, func(b *testing.B) {
			ctx := context.Background()
			dsn := filepath.Join(os.TempDir(), "domainauth-bench-evidence.db")
			if be.name != "sqlite" {
				dsn = pgBenchSchema(b, os.Getenv("DOMAINAUTH_POSTGRES"))
			}
			st, err := Open(ctx, dsn)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			s := st.(*sqlStore)
			fillEvidence(b, s)
			now := dayTime(benchDay0 + benchDays - 1).Add(12 * time.Hour)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				domain := fmt.Sprintf("d%d.example", 1+(i*7919)%benchDomains)
				e, err := ComputeEvidence(ctx, st, domain, EvidenceOptions{Window: benchDays, Now: now})
				if err != nil {
					b.Fatal(err)
				}
				if e.Days != benchDays || len(e.Sources) != benchSources || e.Receivers != 2 {
					b.Fatalf("%s: %d days, %d sources, %d receivers", domain, e.Days, len(e.Sources), e.Receivers)
				}
			}
		})
	}
}

// pgBenchSchema returns a DSN for the schema bench_evidence, kept between
// runs as the SQLite file is (it takes a while to fill).
func pgBenchSchema(b *testing.B, dsn string) string {
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA IF NOT EXISTS bench_evidence`); err != nil {
		b.Fatal(err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", "bench_evidence")
	u.RawQuery = q.Encode()
	return u.String()
}
