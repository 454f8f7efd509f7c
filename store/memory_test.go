package store

import (
	"context"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/domainauth/domainauth/feedback"
)

// heapPeak runs f and returns the most the heap's objects grew above what
// they were before, sampled from runtime/metrics while f runs. The
// collector runs at GOGC=10 meanwhile, so that garbage not yet collected
// counts little: what is measured is what f holds. (The sampling only
// decides how often it looks; nothing is timed.)
func heapPeak(f func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	base := read()
	var mu sync.Mutex
	peak := base
	note := func(v uint64) {
		mu.Lock()
		peak = max(peak, v)
		mu.Unlock()
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			note(read())
			select {
			case <-done:
				return
			case <-time.After(100 * time.Microsecond):
			}
		}
	})
	f()
	note(read())
	close(done)
	wg.Wait()
	return peak - base
}

// ingestPeak ingests one file into a new store and returns the heap's
// peak and the result.
func ingestPeak(t testing.TB, dsn, path string) (uint64, IngestResult) {
	ctx := context.Background()
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var res IngestResult
	peak := heapPeak(func() {
		res, err = (&Ingester{Store: s}).Ingest(ctx, path)
	})
	if err != nil {
		t.Fatal(err)
	}
	return peak, res
}

// A 50 MB report costs the heap no more than a 50 KB one plus a constant:
// it is read in pieces, its rows inserted as they are read (the first
// feedback.MaxReportRows; it holds more records, counted in the sums and
// the reason), and its sums kept per source.
func TestIngestMemoryIndependentOfSize(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and ingests a 50 MB report")
	}
	dir := t.TempDir()
	small, big := filepath.Join(dir, "small.xml"), filepath.Join(dir, "big.xml")
	smallSize := writeBigFile(t, small, "small", 115)
	bigSize := writeBigFile(t, big, "big", 118000)
	if smallSize < 45<<10 || smallSize > 55<<10 || bigSize < 50e6 {
		t.Fatalf("reports of %d and %d bytes", smallSize, bigSize)
	}
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			smallPeak, res := ingestPeak(t, b.dsn(t), small)
			if res.Stored != 1 {
				t.Fatalf("small: %+v", res)
			}
			dsn := b.dsn(t)
			bigPeak, res := ingestPeak(t, dsn, big)
			if res.Stored != 1 {
				t.Fatalf("big: %+v", res)
			}
			t.Logf("heap peak: %.1f MB for %d KB, %.1f MB for %d MB", float64(smallPeak)/(1<<20), smallSize>>10, float64(bigPeak)/(1<<20), bigSize>>20)
			// A small multiple of the small one's, and the pieces'
			// buffers (reading, compressing, reading back) beside it.
			const constant = 8 << 20
			if bigPeak > 2*smallPeak+constant {
				t.Errorf("the 50 MB report took %d bytes of heap at its peak, the 50 KB one %d: over twice that plus %d", bigPeak, smallPeak, constant)
			}
			s, err := Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if got := count(t, s, `SELECT COUNT(*) FROM report_rows`); got != feedback.MaxReportRows {
				t.Errorf("%d rows kept, want %d", got, feedback.MaxReportRows)
			}
			if m, _ := messages(t, s, "customer.example"); m != 118000 {
				t.Errorf("%d messages in the sums, want 118000", m)
			}
			var reason string
			db := s.(*sqlStore)
			if err := db.db.QueryRow(`SELECT reason FROM reports`).Scan(&reason); err != nil || !strings.Contains(reason, "68000 records past the first 50000") {
				t.Errorf("reason = %q, %v", reason, err)
			}
		})
	}
}

// BenchmarkIngestSize: one report of about 50 KB and one of about 50 MB
// ingested from a file into a new store, with the heap's peak while it is
// read (peak-heap-MB): about the same for both.
func BenchmarkIngestSize(b *testing.B) {
	dir := b.TempDir()
	for _, size := range []struct {
		name    string
		records int
	}{{"50KB", 115}, {"50MB", 118000}} {
		path := filepath.Join(dir, size.name+".xml")
		writeBigFile(b, path, size.name, size.records)
		for _, be := range backends(b) {
			b.Run(size.name+"/"+be.name, func(b *testing.B) {
				b.ReportAllocs()
				var peak uint64
				for range b.N {
					b.StopTimer()
					dsn := be.dsn(b)
					b.StartTimer()
					p, res := ingestPeak(b, dsn, path)
					if res.Stored != 1 {
						b.Fatalf("%+v", res)
					}
					peak = max(peak, p)
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			})
		}
	}
}
