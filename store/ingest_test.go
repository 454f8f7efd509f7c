package store

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func gz(t testing.TB, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, _ = w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zipped(t testing.TB, name, s string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, err := w.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// b64 wraps base64 at 76 columns, as mailers do.
func b64(data []byte) string {
	s := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	return b.String() + s + "\r\n"
}

// attached is a message with one attachment, as receivers send reports.
func attached(ctype, name string, data []byte) string {
	return "From: noreply-dmarc@receiver.example\r\nTo: dmarc@vendor.example\r\nSubject: Report domain: customer.example\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain\r\n\r\nThis is an aggregate report.\r\n" +
		"--b1\r\nContent-Type: " + ctype + "; name=\"" + name + "\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"" + name + "\"\r\n\r\n" +
		b64(data) + "--b1--\r\n"
}

func rep(org, id string) string {
	return reportXML(org, id, "customer.example", day0, row{ip: "192.0.2.1", count: 5, dkim: true}, row{ip: "198.51.100.7", count: 1})
}

func write(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestIngestFilesAndMessages(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		dir := t.TempDir()
		write(t, filepath.Join(dir, "reports", "a.xml"), []byte(rep("A", "1")))
		write(t, filepath.Join(dir, "reports", "b.xml.gz"), gz(t, rep("B", "1")))
		write(t, filepath.Join(dir, "reports", "c.zip"), zipped(t, "c.xml", rep("C", "1")))
		write(t, filepath.Join(dir, "reports", "sub", "zip-att.eml"), []byte(attached("application/zip", "d.zip", zipped(t, "d.xml", rep("D", "1")))))
		write(t, filepath.Join(dir, "reports", "sub", "gzip-att.eml"), []byte(attached("application/gzip", "e.xml.gz", gz(t, rep("E", "1")))))
		write(t, filepath.Join(dir, "reports", "sub", "xzip.eml"), []byte(attached("application/x-zip-compressed", "f.zip", zipped(t, "f.xml", rep("F", "1")))))
		write(t, filepath.Join(dir, "reports", "sub", "octet.eml"), []byte(attached("application/octet-stream", "g.xml.gz", gz(t, rep("G", "1")))))
		write(t, filepath.Join(dir, "reports", "sub", "inline.eml"), []byte("From: r@receiver.example\r\nSubject: report\r\nContent-Type: text/xml\r\n\r\n"+rep("H", "1")))
		write(t, filepath.Join(dir, "reports", "sub", "plain.eml"), []byte("From: r@receiver.example\r\nSubject: report\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"+strings.ReplaceAll(rep("I", "1"), "=", "=3D")))
		write(t, filepath.Join(dir, "reports", "sub", "noreport.eml"), []byte("From: someone@else.example\r\nSubject: hello\r\n\r\nPlease unsubscribe me.\r\n"))
		write(t, filepath.Join(dir, "reports", ".hidden.xml"), []byte(rep("Z", "1")))

		in := &Ingester{Store: s}
		res, err := in.Ingest(ctx, filepath.Join(dir, "reports"))
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored != 9 || res.Present != 0 || res.Skipped != 0 || len(res.Unreadable) != 1 {
			t.Fatalf("result = %+v; want 9 stored, 1 unreadable", res)
		}
		if u := res.Unreadable[0]; !strings.HasSuffix(u.File, "noreport.eml") || !strings.Contains(u.Reason, "no aggregate report") {
			t.Errorf("unreadable = %+v", u)
		}
		if m, _ := messages(t, s, "customer.example"); m != 9*6 {
			t.Errorf("messages = %d, want %d", m, 9*6)
		}
		// Again: everything is already there, nothing counted twice.
		res, err = in.Ingest(ctx, filepath.Join(dir, "reports"))
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored != 0 || res.Present != 9 || len(res.Unreadable) != 1 {
			t.Fatalf("second ingest = %+v; want 9 present, the same unreadable message", res)
		}
		if m, _ := messages(t, s, "customer.example"); m != 9*6 {
			t.Errorf("messages after the second ingest = %d, want %d", m, 9*6)
		}
	})
}

func TestIngestMaildirMboxStdin(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		dir := t.TempDir()
		md := filepath.Join(dir, "Maildir")
		write(t, filepath.Join(md, "new", "1.host"), []byte(attached("application/zip", "a.zip", zipped(t, "a.xml", rep("A", "1")))))
		write(t, filepath.Join(md, "cur", "2.host:2,S"), []byte(attached("application/gzip", "b.gz", gz(t, rep("B", "1")))))
		if err := os.MkdirAll(filepath.Join(md, "tmp"), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(md, "tmp", "3.host"), []byte(attached("application/gzip", "c.gz", gz(t, rep("C", "1")))))
		in := &Ingester{Store: s}
		res, err := in.Ingest(ctx, md)
		if err != nil || res.Stored != 2 || len(res.Unreadable) != 0 {
			t.Fatalf("Maildir: %+v, %v; want 2 stored (tmp/ is not delivered yet)", res, err)
		}

		var mbox strings.Builder
		for i, org := range []string{"M1", "M2", "M3"} {
			msg := strings.ReplaceAll(attached("text/xml", "r.xml", []byte(rep(org, "1"))), "\r\n", "\n")
			// A body line starting with "From " is quoted in an mbox.
			msg = strings.Replace(msg, "This is an aggregate report.", "This is an aggregate report.\n>From the receiver, with love.", 1)
			fmt.Fprintf(&mbox, "From MAILER-DAEMON Sun Dec  %d 10:00:00 2026\n%s\n", i+1, msg)
		}
		write(t, filepath.Join(dir, "reports.mbox"), []byte(mbox.String()))
		res, err = in.Ingest(ctx, filepath.Join(dir, "reports.mbox"))
		if err != nil || res.Stored != 3 || res.Items != 3 || len(res.Unreadable) != 0 {
			t.Fatalf("mbox: %+v, %v; want 3 messages, 3 stored", res, err)
		}

		msg := attached("application/zip", "s.zip", zipped(t, "s.xml", rep("S", "1")))
		res, err = in.IngestMessage(ctx, strings.NewReader(msg), "-")
		if err != nil || res.Stored != 1 {
			t.Fatalf("stdin: %+v, %v", res, err)
		}
		res, err = in.IngestMessage(ctx, strings.NewReader("not a message at all"), "-")
		if err != nil || len(res.Unreadable) != 1 || res.Unreadable[0].File != "-" {
			t.Fatalf("stdin, no message: %+v, %v", res, err)
		}
		// What could not be read is kept, as it came.
		list, err := s.Unreadable(ctx, 1)
		if err != nil || len(list) != 1 {
			t.Fatalf("Unreadable = %v, %v", list, err)
		}
		if got, err := s.Report(ctx, list[0].ID); err != nil || string(got.Raw) != "not a message at all" {
			t.Fatalf("kept %q, %v", got.Raw, err)
		}
	})
}

func TestIngestLenient(t *testing.T) {
	good := rep("Lenient", "1")
	body := strings.TrimPrefix(good, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
	cases := []struct {
		name, xml, mended string
	}{
		{"wrapper", `<?xml version="1.0"?><root>` + body + `</root>`, "wrapped"},
		{"angle email", strings.Replace(good, "<email>noreply@lenient</email>", "<email><noreply@lenient></email>", 1), "angle brackets"},
		{"invalid utf-8", strings.Replace(good, "<org_name>Lenient</org_name>", "<org_name>Lenient \xff\xfe</org_name>", 1), "invalid UTF-8"},
		{"bare ampersand", strings.Replace(good, "<org_name>Lenient</org_name>", "<org_name>Lenient & Co</org_name>", 1), `bare "&"`},
		{"latin-1", strings.Replace(strings.Replace(good, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1), "<org_name>Lenient</org_name>", "<org_name>Lenient Z\xfcrich</org_name>", 1), "Latin-1"},
	}
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		dir := t.TempDir()
		for i, c := range cases {
			write(t, filepath.Join(dir, fmt.Sprintf("%d.xml", i)), []byte(strings.Replace(c.xml, "<report_id>1</report_id>", fmt.Sprintf("<report_id>%d</report_id>", i), 1)))
		}
		write(t, filepath.Join(dir, "z-broken.xml"), []byte("<feedback><report_metadata>"))
		res, err := (&Ingester{Store: s}).Ingest(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored != len(cases) || res.Recovered != len(cases) || len(res.Unreadable) != 1 {
			t.Fatalf("result = %+v; want %d recovered and one unreadable, all stored", res, len(cases))
		}
		if u := res.Unreadable[0]; !strings.HasSuffix(u.File, "z-broken.xml") || !strings.Contains(u.Reason, "feedback: not an aggregate report") {
			t.Errorf("unreadable = %+v", u)
		}
		for i, c := range cases {
			rc := ReadReport([]byte(c.xml))
			if rc.Report == nil || rc.Status != StatusRecovered || !strings.Contains(rc.Reason, c.mended) {
				t.Errorf("%s: %s, %q; want recovered, mentioning %q", c.name, rc.Status, rc.Reason, c.mended)
				continue
			}
			if rc.Report.Domain != "customer.example" || len(rc.Report.Rows) != 2 {
				t.Errorf("%s: %+v", c.name, rc.Report)
			}
			_ = i
		}
		if rc := ReadReport([]byte(cases[4].xml)); rc.Report != nil && rc.Report.Org != "Lenient Zürich" {
			t.Errorf("latin-1 org = %q", rc.Report.Org)
		}
		if rc := ReadReport([]byte(cases[1].xml)); rc.Report != nil && rc.Report.Email != "noreply@lenient" {
			t.Errorf("email = %q", rc.Report.Email)
		}
		if m, _ := messages(t, s, "customer.example"); m != 6*len(cases) {
			t.Errorf("messages = %d, want %d", m, 6*len(cases))
		}
	})
}

func TestIngestSkipsOtherDomains(t *testing.T) {
	each(t, func(t *testing.T, dsn string, s Store) {
		ctx := context.Background()
		if err := s.SetDomains(ctx, []string{"customer.example"}); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		write(t, filepath.Join(dir, "a.xml"), []byte(rep("A", "1")))
		write(t, filepath.Join(dir, "b.xml"), []byte(reportXML("B", "1", "stranger.example", day0, row{ip: "192.0.2.1", count: 1})))
		res, err := (&Ingester{Store: s}).Ingest(ctx, dir)
		if err != nil || res.Stored != 1 || res.Skipped != 1 {
			t.Fatalf("%+v, %v; want 1 stored, 1 skipped", res, err)
		}
	})
}
