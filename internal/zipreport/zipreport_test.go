package zipreport

import (
	"archive/zip"
	"bytes"
	"errors"
	"testing"
)

func zipOf(t *testing.T, names ...string) *zip.Reader {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, n := range names {
		f, err := w.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("<feedback/>"))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

func TestMember(t *testing.T) {
	for _, tc := range []struct {
		names []string
		want  string // "" for ErrNoReport
	}{
		{[]string{"google.com!customer.example!1763596800!1763683199.xml"}, "google.com!customer.example!1763596800!1763683199.xml"},
		{[]string{"report"}, "report"}, // the only member, whatever its name
		{[]string{"README.txt", "r.XML", "s.xml"}, "r.XML"},
		{[]string{"a.txt", "b.txt"}, ""},
		{nil, ""},
	} {
		f, err := Member(zipOf(t, tc.names...))
		switch {
		case tc.want == "" && !errors.Is(err, ErrNoReport):
			t.Errorf("%v: %v, %v; want ErrNoReport", tc.names, f, err)
		case tc.want != "" && (err != nil || f.Name != tc.want):
			t.Errorf("%v: %v, %v; want %s", tc.names, f, err, tc.want)
		}
	}
}
