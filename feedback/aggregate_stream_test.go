package feedback_test

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"

	"github.com/domainauth/domainauth/feedback"
)

// streamed reads a report with StreamAggregateReport and sums its records
// per row as ParseAggregateReport does (everything but the count alike),
// in the order first seen.
func streamed(t testing.TB, data []byte) (*feedback.AggregateReport, int, error) {
	var rows []feedback.ReportRow
	heads, records := 0, 0
	var head *feedback.AggregateReport
	rep, err := feedback.StreamAggregateReport(bytes.NewReader(data), feedback.AggregateHandler{
		Head: func(r *feedback.AggregateReport) error {
			heads++
			if records > 0 {
				t.Fatal("Head after a record")
			}
			head = r
			return nil
		},
		Record: func(r *feedback.ReportRow) error {
			records++
			if heads != 1 {
				t.Fatalf("record %d before Head", records)
			}
			for i := range rows {
				c := rows[i]
				c.Count = r.Count
				if reflect.DeepEqual(c, normal(*r)) {
					rows[i].Count += r.Count
					return nil
				}
			}
			rows = append(rows, normal(*r))
			return nil
		},
	})
	if err != nil {
		return nil, records, err
	}
	if heads != 1 || rep.Rows != nil {
		t.Fatalf("Head called %d times, %d rows returned", heads, len(rep.Rows))
	}
	if head.Domain != "" && (head.Domain != rep.Domain || head.ReportID != rep.ReportID || head.Org != rep.Org || !head.Begin.Equal(rep.Begin)) {
		t.Fatalf("Head gave %+v, the report is %+v", head, rep)
	}
	rep.Rows = rows
	return rep, records, nil
}

// normal copies a row the handler may not keep, its empty slices nil as
// ParseAggregateReport gives them.
func normal(r feedback.ReportRow) feedback.ReportRow {
	clone := func(s []feedback.AuthResult) []feedback.AuthResult {
		if len(s) == 0 {
			return nil
		}
		return append([]feedback.AuthResult(nil), s...)
	}
	r.DKIM, r.SPF = clone(r.DKIM), clone(r.SPF)
	if len(r.Reasons) == 0 {
		r.Reasons = nil
	} else {
		r.Reasons = append([]feedback.OverrideReason(nil), r.Reasons...)
	}
	return r
}

// Streamed, a report gives the records ParseAggregateReport sums into its
// rows, the same head before them, and the same errors.
func TestStreamAggregateReport(t *testing.T) {
	for _, name := range []string{"clean.xml", "newsletter.xml", "spoofing-only.xml", "forwarded-override.xml", "vendor-failing.xml"} {
		t.Run(name, func(t *testing.T) {
			data := readReport(t, name)
			for _, d := range [][]byte{data, gzipped(t, data)} {
				want, err := feedback.ParseAggregateReport(bytes.NewReader(d))
				if err != nil {
					t.Fatal(err)
				}
				got, _, err := streamed(t, d)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("streamed:\n  %+v\nparsed:\n  %+v", got, want)
				}
			}
		})
	}
	// 100,000 records alike: each given, none kept.
	var b bytes.Buffer
	b.WriteString(reportHead)
	repeat(&b, recordXML, 100000)
	b.WriteString("</feedback>")
	n, messages := 0, 0
	_, err := feedback.StreamAggregateXML(&b, feedback.AggregateHandler{Record: func(r *feedback.ReportRow) error {
		n++
		messages += r.Count
		return nil
	}})
	if err != nil || n != 100000 || messages != 300000 {
		t.Errorf("%d records, %d messages, %v", n, messages, err)
	}
	// The handler's error stops the reading, as it is.
	stop := errors.New("enough")
	n = 0
	_, err = feedback.StreamAggregateXML(bytes.NewReader([]byte(reportHead+recordXML+recordXML+"</feedback>")), feedback.AggregateHandler{Record: func(*feedback.ReportRow) error {
		n++
		return stop
	}})
	if err != stop || n != 1 {
		t.Errorf("%d records, %v; want 1, the handler's error", n, err)
	}
	// The limits hold: a record of 31 MB of empty <dkim/>.
	bomb := streamGzip(t, func(w io.Writer) {
		io.WriteString(w, reportHead+`<record><row><source_ip>192.0.2.1</source_ip><count>1</count></row><auth_results>`)
		repeat(w, "<dkim/>", 31<<20/7)
		io.WriteString(w, "</auth_results></record></feedback>")
	})
	if _, err := feedback.StreamAggregateReport(bytes.NewReader(bomb), feedback.AggregateHandler{}); !errors.Is(err, feedback.ErrReportTooLarge) {
		t.Errorf("bomb: %v, want ErrReportTooLarge", err)
	}
	// policy_published after the records: Head has no domain yet, the
	// report returned has it.
	late := []byte(`<feedback><report_metadata><org_name>o</org_name></report_metadata>` + recordXML + `<policy_published><domain>late.example</domain></policy_published></feedback>`)
	var headDomain string
	rep, err := feedback.StreamAggregateXML(bytes.NewReader(late), feedback.AggregateHandler{Head: func(r *feedback.AggregateReport) error {
		headDomain = r.Domain
		return nil
	}})
	if err != nil || headDomain != "" || rep.Domain != "late.example" {
		t.Errorf("late policy: head %q, report %+v, %v", headDomain, rep, err)
	}
}

// FuzzStreamAggregateReport: streamed and parsed, any input reads alike:
// both fail, or both give the same report (the streamed records summed as
// the parser sums them), whose messages add up.
func FuzzStreamAggregateReport(f *testing.F) {
	for _, name := range []string{"clean.xml", "newsletter.xml", "forwarded-override.xml"} {
		f.Add(readReport(f, name))
	}
	f.Add([]byte(reportHead + recordXML + recordXML + "</feedback>"))
	f.Add([]byte("<feedback><record><row><source_ip>::1</source_ip><count>1</count></row></record><policy_published><domain>x.example</domain></policy_published></feedback>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		want, werr := feedback.ParseAggregateReport(bytes.NewReader(data))
		got, records, gerr := streamed(t, data)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("parsed: %v; streamed: %v", werr, gerr)
		}
		if werr != nil {
			if !errors.Is(gerr, feedback.ErrReport) && !errors.Is(gerr, feedback.ErrReportTooLarge) {
				t.Fatalf("error %v wraps neither ErrReport nor ErrReportTooLarge", gerr)
			}
			return
		}
		if want.Overflow.Records > 0 {
			return // past MaxReportRows the parser counts, the stream gives
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("streamed %+v, parsed %+v", got, want)
		}
		for _, r := range got.Rows {
			if !r.SourceIP.IsValid() || r.SourceIP != r.SourceIP.Unmap() {
				t.Fatalf("row %+v", r)
			}
		}
		if records < len(got.Rows) {
			t.Fatalf("%d records for %d rows", records, len(got.Rows))
		}
	})
}
