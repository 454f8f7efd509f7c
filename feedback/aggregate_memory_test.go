package feedback_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/domainauth/domainauth/feedback"
)

// heapPeak runs f and returns the most the heap grew above what it held
// before, sampled from runtime/metrics while f runs (a measure of bytes,
// not of time: the sampling only decides how often it looks; the garbage
// the collector has not yet freed counts), and what f's result keeps once
// collected.
func heapPeak(f func() any) (peak, kept uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	// A low GOGC keeps the garbage small, so that what is measured is
	// what the parse holds (with the default, the collector lets garbage
	// grow as large as the caller's live heap).
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	base := read()
	var max uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			v := read()
			mu.Lock()
			if v > max {
				max = v
			}
			mu.Unlock()
			select {
			case <-done:
				return
			case <-time.After(50 * time.Microsecond):
			}
		}
	}()
	res := f()
	v := read()
	mu.Lock()
	if v > max {
		max = v
	}
	mu.Unlock()
	close(done)
	wg.Wait()
	runtime.GC()
	after := read()
	runtime.KeepAlive(res)
	if max > base {
		peak = max - base
	}
	if after > base {
		kept = after - base
	}
	return peak, kept
}

// streamGzip compresses what write produces, without holding it.
func streamGzip(t testing.TB, write func(w io.Writer)) []byte {
	var out bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&out, gzip.BestSpeed) // the size of the input is not what is measured
	write(gz)
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func repeat(w io.Writer, s string, n int) {
	chunk := strings.Repeat(s, 1024)
	for ; n >= 1024; n -= 1024 {
		io.WriteString(w, chunk)
	}
	io.WriteString(w, strings.Repeat(s, n))
}

const recordXML = `<record><row><source_ip>198.51.100.7</source_ip><count>3</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>customer.example</header_from></identifiers><auth_results><dkim><domain>customer.example</domain><selector>default</selector><result>pass</result></dkim><spf><domain>bounce.vendor.example</domain><result>pass</result></spf></auth_results></record>`

// distinct writes n records, each from its own address (10.0.0.0/8): no
// two are alike, so none is summed into another.
func distinct(w io.Writer, n int) {
	bw := bufio.NewWriterSize(w, 64<<10)
	for i := 0; i < n; i++ {
		fmt.Fprintf(bw, strings.Replace(recordXML, "198.51.100.7", "10.%d.%d.%d", 1), i>>16&255, i>>8&255, i&255)
	}
	bw.Flush()
}

const reportHead = `<?xml version="1.0"?><feedback><report_metadata><org_name>big.example</org_name><report_id>r</report_id><date_range><begin>1763596800</begin><end>1763683199</end></date_range></report_metadata><policy_published><domain>customer.example</domain><p>none</p></policy_published>`

// Reports small in bytes and huge in what they decode to are refused (or
// read) within the documented bound, measured as heap growth: 31 MB of
// empty <dkim/> in 46 KB of gzip, 4.5 million nested elements, a gzip
// bomb and a zip bomb; and reports of any number of records are read
// within it: 100,000 records alike summed into one row, 50,000 distinct
// records kept, 500,000 distinct records of which the rows past
// MaxReportRows are counted.
func TestAggregateReportMemory(t *testing.T) {
	bomb := streamGzip(t, func(w io.Writer) {
		io.WriteString(w, "<feedback><report_metadata><!--")
		repeat(w, "A", feedback.MaxReportSize+1)
		io.WriteString(w, "--></report_metadata></feedback>")
	})
	var zipBomb bytes.Buffer
	zw := zip.NewWriter(&zipBomb)
	zf, _ := zw.Create("receiver.example!customer.example!1763596800!1763683199.xml")
	io.WriteString(zf, reportHead)
	repeat(zf, " ", 60<<20) // one token of 60 MB: refused at MaxReportToken
	io.WriteString(zf, "</feedback>")
	zw.Close()
	// The largest zip: stored, not compressed, so the file held is as
	// large as its report.
	var stored bytes.Buffer
	zw = zip.NewWriter(&stored)
	zf, _ = zw.CreateHeader(&zip.FileHeader{Name: "r.xml", Method: zip.Store})
	io.WriteString(zf, reportHead)
	distinct(zf, feedback.MaxReportRows)
	io.WriteString(zf, "</feedback>")
	zw.Close()
	// The race detector reads about ten times slower; it checks the
	// overflow with fewer records past the cap (the whole count runs
	// without it).
	many := 500000
	if raceEnabled {
		many = 150000
	}
	for _, tc := range []struct {
		name     string
		data     []byte
		want     error // nil: read
		rows     int
		overflow int // records counted, not kept
		limit    uint64
	}{
		{"gzip bomb: a 32 MB comment", bomb, feedback.ErrReportTooLarge, 0, 0, 12 << 20},
		{"zip bomb: 60 MB of one token in a zip", zipBomb.Bytes(), feedback.ErrReportTooLarge, 0, 0, 12 << 20},
		{"60 MB of small comments, read and dropped", streamGzip(t, func(w io.Writer) {
			io.WriteString(w, reportHead)
			repeat(w, "<!--x-->", 60<<20/8)
			io.WriteString(w, "</feedback>")
		}), nil, 0, 0, 12 << 20},
		{"31 MB of empty <dkim/> in one record", streamGzip(t, func(w io.Writer) {
			io.WriteString(w, reportHead+`<record><row><source_ip>192.0.2.1</source_ip><count>1</count></row><auth_results>`)
			repeat(w, "<dkim/>", 31<<20/7)
			io.WriteString(w, "</auth_results></record></feedback>")
		}), feedback.ErrReportTooLarge, 0, 0, 12 << 20},
		{"31 MB of empty <dkim/> outside records", streamGzip(t, func(w io.Writer) {
			io.WriteString(w, reportHead)
			repeat(w, "<dkim/>", 31<<20/7)
			io.WriteString(w, "</feedback>")
		}), feedback.ErrReportTooLarge, 0, 0, 12 << 20},
		{"100,000 records alike, summed into one row", streamGzip(t, func(w io.Writer) {
			io.WriteString(w, reportHead)
			repeat(w, recordXML, 100000)
			io.WriteString(w, "</feedback>")
		}), nil, 1, 0, 12 << 20},
		{"4.5 million nested elements", streamGzip(t, func(w io.Writer) {
			io.WriteString(w, reportHead)
			repeat(w, "<a>", 4500000)
			repeat(w, "</a>", 4500000)
			io.WriteString(w, "</feedback>")
		}), feedback.ErrReportTooLarge, 0, 0, 12 << 20},
		{"50,000 distinct records", streamGzip(t, func(w io.Writer) {
			io.WriteString(w, reportHead)
			distinct(w, feedback.MaxReportRows)
			io.WriteString(w, "</feedback>")
		}), nil, feedback.MaxReportRows, 0, feedback.MaxReportHeap},
		{"50,000 distinct records in a stored zip", stored.Bytes(), nil, feedback.MaxReportRows, 0, feedback.MaxReportHeap},
		{fmt.Sprintf("%d distinct records", many), streamGzip(t, func(w io.Writer) {
			io.WriteString(w, reportHead)
			distinct(w, many)
			io.WriteString(w, "</feedback>")
		}), nil, feedback.MaxReportRows, many - feedback.MaxReportRows, feedback.MaxReportHeap},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rep *feedback.AggregateReport
			var err error
			peak, kept := heapPeak(func() any {
				rep, err = feedback.ParseAggregateReport(bytes.NewReader(tc.data))
				return rep
			})
			t.Logf("%d bytes compressed: heap peak +%.1f MB, kept +%.1f MB; %v", len(tc.data), float64(peak)/(1<<20), float64(kept)/(1<<20), err)
			if tc.want != nil && !errors.Is(err, tc.want) || tc.want == nil && (err != nil || len(rep.Rows) != tc.rows || rep.Overflow.Records != tc.overflow) {
				t.Fatalf("err = %v", err)
			}
			if rep != nil {
				t.Logf("%d rows, %d records counted past them", len(rep.Rows), rep.Overflow.Records)
			}
			if peak > tc.limit {
				t.Errorf("the heap grew by %d bytes, over the bound of %d", peak, tc.limit)
			}
		})
	}
}

// BenchmarkParseAggregateReport reads a gzipped report of 1,000 records.
func BenchmarkParseAggregateReport(b *testing.B) {
	data := streamGzip(b, func(w io.Writer) {
		io.WriteString(w, reportHead)
		repeat(w, recordXML, 1000)
		io.WriteString(w, "</feedback>")
	})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := feedback.ParseAggregateReport(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAggregateReportDistinct reads a gzipped report of 10,000
// records from as many addresses: each a row of its own.
func BenchmarkParseAggregateReportDistinct(b *testing.B) {
	data := streamGzip(b, func(w io.Writer) {
		io.WriteString(w, reportHead)
		distinct(w, 10000)
		io.WriteString(w, "</feedback>")
	})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := feedback.ParseAggregateReport(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
