package store

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// bigReport writes a report of n records from 50 addresses (each record
// one message, every third failing DMARC) to w, with the given ID.
func bigReport(w io.Writer, id string, n int) {
	bw := bufio.NewWriterSize(w, 64<<10)
	x := reportXML("Big", id, "customer.example", day0)
	head, tail, _ := strings.Cut(x, "</feedback>")
	bw.WriteString(head)
	for i := range n {
		dkim := "pass"
		if i%3 == 0 {
			dkim = "fail"
		}
		fmt.Fprintf(bw, `<record><row><source_ip>198.51.100.%d</source_ip><count>1</count><policy_evaluated><disposition>none</disposition><dkim>%s</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>customer.example</header_from></identifiers><auth_results><dkim><domain>customer.example</domain><selector>s%d</selector><result>%s</result></dkim><spf><domain>bounce.vendor.example</domain><result>pass</result></spf></auth_results></record>
`, i%50, dkim, i, dkim)
	}
	bw.WriteString("</feedback>" + tail)
	bw.Flush()
}

func bigReportBytes(id string, n int) []byte {
	var b bytes.Buffer
	bigReport(&b, id, n)
	return b.Bytes()
}

// count returns a COUNT(*) of the store's database.
func count(t *testing.T, s Store, query string, args ...any) int {
	t.Helper()
	db := s.(*sqlStore)
	var n int
	if err := db.db.QueryRowContext(context.Background(), db.q(query), args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Reports of several pieces (XML, a zip, one unreadable) are stored in
// pieces, read back byte for byte, and held once: by their bytes and by
// their organization and report ID.
func TestReadReportInPieces(t *testing.T) {
	const n = 6000 // about 2.9 MB: three pieces
	xml := bigReportBytes("x", n)
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	zf, _ := zw.CreateHeader(&zip.FileHeader{Name: "y.xml", Method: zip.Store})
	bigReport(zf, "y", n)
	zw.Close()
	broken := append(bigReportBytes("z", n), "<record><row>"...) // unclosed
	if len(xml) < 2*rawChunk || zipped.Len() < 2*rawChunk {
		t.Fatalf("the reports are %d and %d bytes, not several pieces", len(xml), zipped.Len())
	}
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		dir := t.TempDir()
		write(t, filepath.Join(dir, "x.xml"), xml)
		write(t, filepath.Join(dir, "y.zip"), zipped.Bytes())
		write(t, filepath.Join(dir, "z.xml"), broken)
		in := &Ingester{Store: s}
		res, err := in.Ingest(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored != 2 || len(res.Unreadable) != 1 || !strings.HasSuffix(res.Unreadable[0].File, "z.xml") {
			t.Fatalf("result = %+v; want 2 stored, z.xml unreadable", res)
		}
		if got := count(t, s, `SELECT COUNT(*) FROM report_rows`); got != 2*n {
			t.Errorf("%d rows, want %d", got, 2*n)
		}
		if m, p := messages(t, s, "customer.example"); m != 2*n || p != 2*(n-(n+2)/3) {
			t.Errorf("messages, passed = %d, %d", m, p)
		}
		// Read back byte for byte.
		want := map[string][]byte{"x": xml, "y": zipped.Bytes(), "": broken}
		for id, raw := range want {
			var rid int64
			db := s.(*sqlStore)
			q := `SELECT id FROM reports WHERE report_id = ?`
			args := []any{id}
			if id == "" {
				q, args = `SELECT id FROM reports WHERE status = ?`, []any{string(StatusUnreadable)}
			}
			if err := db.db.QueryRowContext(ctx, db.q(q), args...).Scan(&rid); err != nil {
				t.Fatalf("report %q: %v", id, err)
			}
			got, err := s.Report(ctx, rid)
			if err != nil {
				t.Fatalf("report %q: %v", id, err)
			}
			if !bytes.Equal(got.Raw, raw) || got.Size != len(raw) {
				t.Fatalf("report %q read back: %d bytes; want %d bytes as received", id, len(got.Raw), len(raw))
			}
		}
		if got := count(t, s, `SELECT COUNT(*) FROM report_chunks`); got < 9 {
			t.Errorf("%d pieces stored, want at least 9", got)
		}
		// Again, and the same report with other bytes: held already.
		write(t, filepath.Join(dir, "x2.xml"), append(append([]byte(nil), xml...), "\n\n"...))
		res, err = in.Ingest(ctx, dir)
		if err != nil || res.Stored != 0 || res.Present != 3 || len(res.Unreadable) != 1 {
			t.Fatalf("again: %+v, %v; want 3 present, z.xml unreadable", res, err)
		}
		if m, _ := messages(t, s, "customer.example"); m != 2*n {
			t.Errorf("messages after the second ingest = %d, want %d", m, 2*n)
		}
	})
}

// failing gives n bytes of r, then an error: a source that breaks.
type failing struct {
	r io.Reader
	n int
}

func (f *failing) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("disk on fire")
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	m, err := f.r.Read(p)
	f.n -= m
	return m, err
}

// In one batch, the same report twice is stored once, and a report whose
// source fails half way (after a piece was stored) leaves nothing behind
// and the others stored.
func TestBatchDuplicatesAndFailures(t *testing.T) {
	big := bigReportBytes("big", 6000)
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		b, err := s.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Rollback()
		for i, tc := range []struct {
			r    io.Reader
			want Outcome
			err  error
		}{
			{strings.NewReader(rep("A", "1")), Stored, nil},
			{strings.NewReader(rep("A", "1")), Present, nil},
			{&failing{r: bytes.NewReader(big), n: 3 * rawChunk / 2}, "", ErrRead},
			{&failing{r: strings.NewReader(rep("B", "1")), n: 100}, "", ErrRead},
			{bytes.NewReader(big), Stored, nil},
			{strings.NewReader(rep("A", "1") + " "), Present, nil},
			{strings.NewReader(rep("C", "1")), Stored, nil},
		} {
			rd, err := b.ReadReport(ctx, tc.r, Incoming{Source: fmt.Sprint(i)})
			if !errors.Is(err, tc.err) || err == nil && rd.Outcome != tc.want {
				t.Fatalf("#%d: %+v, %v; want %q, %v", i, rd, err, tc.want, tc.err)
			}
		}
		// Nothing is visible before the commit.
		if got := count(t, s, `SELECT COUNT(*) FROM reports`); got != 0 {
			t.Errorf("%d reports visible before the commit", got)
		}
		if err := b.Commit(); err != nil {
			t.Fatal(err)
		}
		if got := count(t, s, `SELECT COUNT(*) FROM reports`); got != 3 {
			t.Errorf("%d reports, want 3", got)
		}
		if got, want := count(t, s, `SELECT COUNT(*) FROM report_chunks`), (len(big)+rawChunk-1)/rawChunk; got != want {
			t.Errorf("%d pieces, want %d (the failed report's left behind?)", got, want)
		}
		if m, _ := messages(t, s, "customer.example"); m != 6+6+6000 {
			t.Errorf("messages = %d, want %d", m, 6+6+6000)
		}
	})
}

// A report that puts policy_published after its records (the format
// does not, some senders do) is read all the same.
func TestReadReportLateHead(t *testing.T) {
	x := rep("Late", "1")
	start, end := strings.Index(x, "<policy_published>"), strings.Index(x, "</policy_published>")+len("</policy_published>")
	policy := x[start:end]
	late := strings.Replace(x[:start]+x[end:], "</feedback>", policy+"</feedback>", 1)
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		res, err := (&Ingester{Store: s}).IngestMessage(ctx, strings.NewReader("Content-Type: text/xml\r\n\r\n"+late), "-")
		if err != nil || res.Stored != 1 {
			t.Fatalf("%+v, %v", res, err)
		}
		if m, p := messages(t, s, "customer.example"); m != 6 || p != 5 {
			t.Errorf("messages, passed = %d, %d; want 6, 5", m, p)
		}
	})
}

// Several ingesters at once on one directory (two processes' pools of
// connections), each committing every few reports, store each report
// once and count its messages once.
func TestConcurrentIngestersGroupCommit(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		s2 := openAgain(t, dsn) // another process's pool of connections
		dir := t.TempDir()
		const n = 60
		for i := range n {
			write(t, filepath.Join(dir, fmt.Sprintf("%03d.xml", i)), []byte(reportXML("Org", fmt.Sprint(i), "customer.example", day0.AddDate(0, 0, i%4),
				row{ip: "192.0.2.1", count: 1, dkim: true}, row{ip: "192.0.2.2", count: 2})))
		}
		results := make(chan IngestResult, 3)
		errs := make(chan error, 3)
		for w := range 3 {
			st := s
			if w == 1 {
				st = s2
			}
			go func() {
				res, err := (&Ingester{Store: st, Batch: BatchLimits{Reports: 7 + w}}).Ingest(ctx, dir)
				results <- res
				errs <- err
			}()
		}
		stored := 0
		for range 3 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
			res := <-results
			if res.Stored+res.Present != n {
				t.Errorf("an ingester saw %+v", res)
			}
			stored += res.Stored
		}
		if stored != n {
			t.Errorf("stored %d, want %d", stored, n)
		}
		if m, p := messages(t, s, "customer.example"); m != 3*n || p != n {
			t.Errorf("messages, passed = %d, %d; want %d, %d", m, p, 3*n, n)
		}
	})
}

// writeBigFile writes a report of n records to a file, streaming.
func writeBigFile(t testing.TB, path, id string, n int) int64 {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	bigReport(f, id, n)
	fi, _ := f.Stat()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// The ingester counts a report (in the result, to Progress) only once the
// transaction holding it committed: with batches of five, the count of
// stored reports moves by five, and the same report twice in one batch
// is stored once.
func TestIngesterAcknowledgesAfterCommit(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		dir := t.TempDir()
		for i := range 12 {
			write(t, filepath.Join(dir, fmt.Sprintf("%02d.xml", i)), []byte(rep("Org", fmt.Sprint(i))))
		}
		write(t, filepath.Join(dir, "03-again.xml"), []byte(rep("Org", "3")))
		var seen []int
		in := &Ingester{Store: s, Batch: BatchLimits{Reports: 5, Wait: time.Hour}, Progress: func(r IngestResult) {
			seen = append(seen, r.Stored+r.Present)
		}}
		res, err := in.Ingest(ctx, dir)
		if err != nil || res.Stored != 12 || res.Present != 1 || res.Items != 13 {
			t.Fatalf("%+v, %v; want 12 stored, 1 present of 13", res, err)
		}
		for i, n := range seen {
			if n%5 != 0 && n != 13 {
				t.Fatalf("Progress #%d saw %d reports acknowledged, not a whole batch (%v)", i, n, seen)
			}
		}
		if seen[len(seen)-1] != 13 {
			t.Errorf("Progress ended at %v", seen)
		}
	})
}
