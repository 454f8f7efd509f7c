package store

import (
	"bytes"
	"io"
	"reflect"
	"testing"

	"github.com/domainauth/domainauth/feedback"
)

// FuzzReadReport: the lenient reader never panics; a report the strict
// parser reads is read the same, as OK; mending is idempotent (what
// mend gives needs no more mending), and a recovered report reads back
// the same from the mended text.
func FuzzReadReport(f *testing.F) {
	good := rep("Seed", "1")
	f.Add([]byte(good))
	f.Add([]byte(`<?xml version="1.0"?><root>` + good[len(`<?xml version="1.0" encoding="UTF-8"?>`):] + `</root>`))
	f.Add([]byte("<feedback><report_metadata><org_name>A & B</org_name><email><x@y></email></report_metadata><policy_published><domain>d.example</domain></policy_published></feedback>"))
	f.Add([]byte("<feedback>\xff</feedback>"))
	f.Add(gz(f, good))
	f.Fuzz(func(t *testing.T, raw []byte) {
		rc := ReadReport(raw)
		strict, err := feedback.ParseAggregateReport(bytes.NewReader(raw))
		if err == nil {
			if rc.Status != StatusOK || !reflect.DeepEqual(rc.Report, strict) {
				t.Fatalf("a strict report read as %s", rc.Status)
			}
			return
		}
		if (rc.Report == nil) != (rc.Status == StatusUnreadable) || rc.Reason == "" {
			t.Fatalf("status %s with report %v, reason %q", rc.Status, rc.Report != nil, rc.Reason)
		}
		xml, err := decompress(raw)
		if err != nil {
			return
		}
		once, _ := mend(xml)
		twice, again := mend(once)
		if !bytes.Equal(once, twice) || len(again) != 0 {
			t.Fatalf("mend is not idempotent: %q mended again (%v) to %q", once, again, twice)
		}
		if rc.Status == StatusRecovered {
			back, err := feedback.ParseAggregateReport(bytes.NewReader(once))
			if err != nil || !reflect.DeepEqual(back, rc.Report) {
				t.Fatalf("the mended text does not read back: %v", err)
			}
		}
	})
}

// FuzzMessage: finding reports in any message never panics and stays
// within its bounds.
func FuzzMessage(f *testing.F) {
	f.Add([]byte(attached("application/zip", "a.zip", zipped(f, "a.xml", rep("A", "1")))))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/mixed; boundary=y\r\n\r\n--y\r\n\r\n<feedback/>\r\n--y--\r\n--x--\r\n"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		parts, size := 0, 0
		err := reportParts(bytes.NewReader(msg), func(name string, body io.Reader) error {
			parts++
			n, _ := io.Copy(io.Discard, body)
			size += int(n)
			return nil
		})
		if err == nil && parts == 0 {
			t.Fatal("no error and no part")
		}
		if err != nil && parts > 0 {
			t.Fatalf("%d parts and %v", parts, err)
		}
		if parts > MaxMessageParts {
			t.Fatalf("%d parts", parts)
		}
		if size > MaxMessageSize {
			t.Fatalf("parts of %d bytes in all", size)
		}
	})
}
