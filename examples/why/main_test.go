package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/examples/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
)

func TestSamplesGolden(t *testing.T) {
	var out, errs bytes.Buffer
	if got := realMain(nil, nil, &out, &errs); got != demo.ExitChanges {
		t.Fatalf("status %d, want %d (failures found)\n%s", got, demo.ExitChanges, errs.String())
	}
	golden.Check(t, "samples.txt", out.String())
}

func TestInputs(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.eml")
	os.WriteFile(ok, []byte("From: a@ready.example\r\nAuthentication-Results: mx.example; spf=pass smtp.mailfrom=ready.example; dkim=pass header.d=ready.example; dmarc=pass header.from=ready.example\r\n\r\nhi\r\n"), 0o644)
	for _, tc := range []struct {
		args   []string
		stdin  string
		status int
		out    string
	}{
		{[]string{ok}, "", 0, "[ok  ] DMARC passed for ready.example"},
		{[]string{"-"}, string(demo.Sample("bounce.eml")), 1, "anna@gmail.example: authentication (5.7.26)"},
		{[]string{filepath.Join(dir, "missing.eml")}, "", 2, ""},
		{[]string{ok, "-profile", "x.json"}, "", 2, ""},
	} {
		var out, errs bytes.Buffer
		if got := realMain(tc.args, strings.NewReader(tc.stdin), &out, &errs); got != tc.status || !strings.Contains(out.String(), tc.out) {
			t.Errorf("why %v: status %d; want %d and %q in\n%s%s", tc.args, got, tc.status, tc.out, out.String(), errs.String())
		}
	}
}
