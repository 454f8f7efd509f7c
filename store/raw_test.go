package store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// smallReader gives at most 7 bytes a read: the pieces' edges fall
// inside reads.
type smallReader struct{ r io.Reader }

func (s smallReader) Read(p []byte) (int, error) { return s.r.Read(p[:min(len(p), 7)]) }

// OpenReport gives back the bytes as received, of a report of one piece
// and of one in several, whatever the size of the reads, with what Report
// says of the report.
func TestOpenReport(t *testing.T) {
	small := []byte(reportXML("receiver.example", "small", "customer.example", day0, row{ip: "192.0.2.1", count: 3}))
	big := bigReportBytes("big", 6000) // about 2.9 MB: three pieces
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		dir := t.TempDir()
		write(t, filepath.Join(dir, "small.xml"), small)
		write(t, filepath.Join(dir, "big.xml"), big)
		if res, err := (&Ingester{Store: s}).Ingest(ctx, dir); err != nil || res.Stored != 2 {
			t.Fatalf("ingest: %+v, %v", res, err)
		}
		for name, want := range map[string][]byte{"small": small, "big": big} {
			id := idOf(t, s, `SELECT id FROM reports WHERE report_id = ?`, name)
			r, err := s.OpenReport(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(smallReader{r})
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s: %d bytes read, want %d; %v", name, len(got), len(want), err)
			}
			r.Close()
			if _, err := r.Read(make([]byte, 1)); err == nil {
				t.Errorf("%s: a read after Close succeeded", name)
			}
			whole, err := s.Report(ctx, id)
			if err != nil || !bytes.Equal(whole.Raw, want) {
				t.Fatalf("%s: Report: %v", name, err)
			}
			whole.Raw = nil
			if !reflect.DeepEqual(r.StoredReport, *whole) {
				t.Errorf("%s: OpenReport says %+v, Report %+v", name, r.StoredReport, *whole)
			}
		}
		if _, err := s.OpenReport(ctx, 1<<40); !errors.Is(err, ErrNotFound) {
			t.Errorf("a report that is not there: %v, want ErrNotFound", err)
		}
	})
}

// A report deleted while it is read (retention, or read again by another
// process) is an error, never a shorter report taken for the whole.
func TestOpenReportDeletedMidRead(t *testing.T) {
	big := bigReportBytes("big", 6000)
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		dir := t.TempDir()
		write(t, filepath.Join(dir, "big.xml"), big)
		if res, err := (&Ingester{Store: s}).Ingest(ctx, dir); err != nil || res.Stored != 1 {
			t.Fatalf("ingest: %+v, %v", res, err)
		}
		id := idOf(t, s, `SELECT id FROM reports WHERE report_id = ?`, "big")
		r, err := s.OpenReport(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if _, err := io.ReadFull(r, make([]byte, 100)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.(*sqlStore).db.ExecContext(ctx, s.(*sqlStore).q(`DELETE FROM reports WHERE id = ?`), id); err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, r)
		if err == nil || !strings.Contains(err.Error(), "bytes read back") {
			t.Errorf("after %d more bytes: %v, want an error saying how many were read back", n, err)
		}
	})
}

// Reading a report a piece at a time holds a piece, not the report.
func TestOpenReportMemory(t *testing.T) {
	big := bigReportBytes("big", 16000) // about 7.7 MB: eight pieces
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		dir := t.TempDir()
		write(t, filepath.Join(dir, "big.xml"), big)
		if res, err := (&Ingester{Store: s}).Ingest(ctx, dir); err != nil || res.Stored != 1 {
			t.Fatalf("ingest: %+v, %v", res, err)
		}
		id := idOf(t, s, `SELECT id FROM reports WHERE report_id = ?`, "big")
		var n int64
		var rerr error
		peak := heapPeak(func() {
			r, err := s.OpenReport(ctx, id)
			if err != nil {
				rerr = err
				return
			}
			defer r.Close()
			n, rerr = io.Copy(io.Discard, r)
		})
		if rerr != nil || n != int64(len(big)) {
			t.Fatalf("read %d bytes of %d: %v", n, len(big), rerr)
		}
		t.Logf("%d bytes read: heap peak +%.1f MB", n, float64(peak)/(1<<20))
		if peak > 4<<20 {
			t.Errorf("the heap grew by %d bytes reading a report of %d", peak, len(big))
		}
	})
}

// BenchmarkOpenReport reads a stored report of about 2.9 MB (three
// pieces) back, a piece at a time, as Ingester.Reread does.
func BenchmarkOpenReport(b *testing.B) {
	big := bigReportBytes("big", 6000)
	for _, be := range backends(b) {
		b.Run(be.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(ctx, be.dsn(b))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			dir := b.TempDir()
			write(b, filepath.Join(dir, "big.xml"), big)
			if res, err := (&Ingester{Store: s}).Ingest(ctx, dir); err != nil || res.Stored != 1 {
				b.Fatalf("ingest: %+v, %v", res, err)
			}
			var id int64
			if err := s.(*sqlStore).db.QueryRowContext(ctx, `SELECT MAX(id) FROM reports`).Scan(&id); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(big)))
			b.ReportAllocs()
			for b.Loop() {
				r, err := s.OpenReport(ctx, id)
				if err != nil {
					b.Fatal(err)
				}
				if n, err := io.Copy(io.Discard, r); err != nil || n != int64(len(big)) {
					b.Fatalf("%d bytes, %v", n, err)
				}
				r.Close()
			}
		})
	}
}
