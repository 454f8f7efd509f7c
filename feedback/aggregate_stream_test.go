package feedback_test

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
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

// records reads a report with stream, and returns it with its records.
func records(stream func(io.Reader, feedback.AggregateHandler) (*feedback.AggregateReport, error), data []byte) (*feedback.AggregateReport, []feedback.ReportRow, *feedback.AggregateReport, error) {
	var rows []feedback.ReportRow
	var head *feedback.AggregateReport
	rep, err := stream(bytes.NewReader(data), feedback.AggregateHandler{
		Head:   func(r *feedback.AggregateReport) error { head = r; return nil },
		Record: func(r *feedback.ReportRow) error { rows = append(rows, normal(*r)); return nil },
	})
	return rep, rows, head, err
}

// The plain reader reads what the full one reads, alike, or gives up.
func plainAgrees(t *testing.T, data []byte) (plain bool) {
	t.Helper()
	rep, rows, head, err := records(feedback.StreamAggregateXML, data)
	prep, prows, phead, perr := records(feedback.StreamPlainAggregateXML, data)
	if errors.Is(perr, feedback.ErrNotPlainXML) {
		return false
	}
	if (err == nil) != (perr == nil) || err != nil && err.Error() != perr.Error() {
		t.Fatalf("full: %v; plain: %v", err, perr)
	}
	if !reflect.DeepEqual(rep, prep) || !reflect.DeepEqual(rows, prows) || !reflect.DeepEqual(head, phead) {
		t.Fatalf("full: %+v %+v %+v\nplain: %+v %+v %+v", rep, head, rows, prep, phead, prows)
	}
	return true
}

func TestStreamPlainAggregateXML(t *testing.T) {
	clean := string(readReport(t, "clean.xml"))
	for _, tc := range []struct {
		name  string
		xml   string
		plain bool
	}{
		{"clean", clean, true},
		{"newsletter", string(readReport(t, "newsletter.xml")), true},
		{"forwarded", string(readReport(t, "forwarded-override.xml")), true},
		{"CRLF", strings.ReplaceAll(clean, "\n", "\r\n"), true},
		{"entities", strings.Replace(clean, "</org_name>", " &amp; &lt;Co&gt; &apos;&quot;</org_name>", 1), true},
		{"namespace", strings.Replace(clean, "<feedback>", `<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0" xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'>`, 1), true},
		{"self-closed", strings.Replace(clean, "</report_metadata>", "<extra_contact_info/></report_metadata>", 1), true},
		{"many records", reportHead + strings.Repeat(recordXML, 500) + "</feedback>", true},
		{"long text", strings.Replace(clean, "</policy_published>", "<unknown>"+strings.Repeat("x ", 20000)+"</unknown></policy_published>", 1), true},
		{"long tag", strings.Replace(clean, "<feedback>", "<feedback a='"+strings.Repeat("y", 20000)+"'>", 1), true},
		{"too long a text", strings.Replace(clean, "</policy_published>", "<unknown>"+strings.Repeat("x", 70000)+"</unknown></policy_published>", 1), false},
		{"broken: unclosed", strings.TrimSuffix(strings.TrimSpace(clean), "</feedback>"), false},
		{"broken: crossed", strings.Replace(clean, "</org_name>", "</email>", 1), false},
		{"comment", strings.Replace(clean, "<feedback>", "<feedback><!-- hello -->", 1), false},
		{"CDATA", strings.Replace(clean, "</org_name>", "<![CDATA[x]]></org_name>", 1), false},
		{"character reference", strings.Replace(clean, "</org_name>", "&#65;</org_name>", 1), false},
		{"prefix", strings.ReplaceAll(clean, "feedback>", "d:feedback>"), false},
		{"Latin-1", strings.Replace(clean, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1), false},
		{"invalid UTF-8", strings.Replace(clean, "</org_name>", "\xff</org_name>", 1), false},
		{"bare ampersand", strings.Replace(clean, "</org_name>", " & Co</org_name>", 1), false},
		{"address in angle brackets", strings.Replace(clean, "<email>", "<email><", 1), false},
		{"wrapper", "<wrap>" + clean + "</wrap>", true}, // refused alike: no <feedback> root
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(tc.xml, "<?xml") && tc.name == "clean" {
				t.Fatal("clean.xml has no XML declaration to read")
			}
			if got := plainAgrees(t, []byte(tc.xml)); got != tc.plain {
				t.Errorf("read as plain: %v, want %v", got, tc.plain)
			}
		})
	}
}

// FuzzStreamPlainAggregateXML: on any input the plain reader gives up or
// reads what the full reader reads: the same report, records and error.
func FuzzStreamPlainAggregateXML(f *testing.F) {
	for _, name := range []string{"clean.xml", "newsletter.xml", "forwarded-override.xml"} {
		f.Add(readReport(f, name))
	}
	f.Add([]byte(reportHead + recordXML + "</feedback>"))
	f.Add([]byte("<feedback a='1' b=\"2\"><policy_published><domain>x&amp;y</domain></policy_published><record><row><source_ip>::1</source_ip><count>1</count></row></record></feedback>\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		plainAgrees(t, data)
	})
}
