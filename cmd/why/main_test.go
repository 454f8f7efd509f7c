package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
)

func in(name string) string { return filepath.Join("testdata", "inputs", name) }

// The renderings, text and JSON, of the samples and of the messages in
// testdata/inputs (written for these tests), compared whole.
func TestGolden(t *testing.T) {
	readable := []string{in("forged.eml"), in("arc.eml"), in("no-from.eml"), in("listed.eml"), in("headerless-bounce.txt")}
	for _, tc := range []struct {
		name   string
		args   []string
		status int
	}{
		{"samples.txt", nil, demo.ExitChanges},
		{"samples.json", []string{"-format", "json"}, demo.ExitChanges},
		{"inputs.txt", readable, demo.ExitChanges},
		{"inputs.json", append([]string{"-format", "json"}, readable...), demo.ExitChanges},
		{"trusted.txt", []string{"-trusted", "lists.forwarder.example", in("arc.eml")}, demo.ExitReady},
		// Microsoft 365's delivery with its own spam verdict, and a result
		// the sender wrote below the receiver's Received field, and Microsoft's spam
		// fields in a message another receiver got.
		{"receivers.txt", []string{in("microsoft.eml"), in("forged-below.eml"), in("microsoft-elsewhere.eml")}, demo.ExitChanges},
		// A report whose list mail was delivered only by the receiver's
		// override (local_policy, arc=pass): not safe to tighten.
		{"override.txt", []string{in("forwarded-override.xml")}, demo.ExitChanges},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			if got := realMain(tc.args, nil, &out, &errs); got != tc.status {
				t.Fatalf("status %d, want %d\n%s", got, tc.status, errs.String())
			}
			if strings.HasSuffix(tc.name, ".json") {
				var doc struct {
					Inputs []map[string]any `json:"inputs"`
				}
				if err := json.Unmarshal(out.Bytes(), &doc); err != nil || len(doc.Inputs) == 0 {
					t.Fatalf("not one JSON document: %v", err)
				}
				if strings.Contains(out.String(), "null") {
					t.Errorf("the JSON holds a null")
				}
			}
			golden.Check(t, tc.name, out.String())
		})
	}
}

// Each case with its exit status: 0 nothing failed, 1 failures found, 2
// usage or input that cannot be read; errors are one sentence, never the
// input echoed.
func TestInputs(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.eml")
	os.WriteFile(ok, []byte("From: a@ready.example\r\nAuthentication-Results: mx.example; spf=pass smtp.mailfrom=ready.example; dkim=pass header.d=ready.example; dmarc=pass header.from=ready.example\r\n\r\nhi\r\n"), 0o644)
	for _, tc := range []struct {
		name        string
		args        []string
		stdin       string
		status      int
		out, stderr string
	}{
		{"passing headers", []string{ok}, "", 0, "[ok  ] DMARC passed for ready.example", ""},
		{"a bounce on standard input", []string{"-"}, string(demo.Sample("bounce.eml")), 1, "anna@gmail.example: authentication (5.7.26)", ""},
		{"a missing file", []string{filepath.Join(dir, "missing.eml")}, "", 2, "", "no such file"},
		{"a flag after the arguments", []string{ok, "-profile", "x.json"}, "", 2, "", "put flags first"},
		{"-h", []string{"-h"}, "", 0, "-format", ""},
		{"a bad -format", []string{"-format", "yaml", ok}, "", 2, "", `-format "yaml": use text or json`},
		{"empty input", []string{in("empty.eml")}, "", 2, "", "the input is empty"},
		{"empty standard input", []string{"-"}, "", 2, "", "standard input: the input is empty"},
		{"binary input", []string{in("binary.png")}, "", 2, "", "binary data"},
		{"a note without header fields", []string{in("headerless-note.txt")}, "", 2, "", "has no header fields"},
		{"a bounce's text without header fields", []string{in("headerless-bounce.txt")}, "", 0, "sven@corp.example: mailbox (5.1.1)", ""},
		{"no From field", []string{in("no-from.eml")}, "", 1, "A message with no readable From field.", ""},
		{"a forged header", []string{in("forged.eml")}, "", 1, "[????] DMARC passed for customer.example (Authentication-Results naming trusted.bank.example", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			got := realMain(tc.args, strings.NewReader(tc.stdin), &out, &errs)
			if got != tc.status || !strings.Contains(out.String(), tc.out) || !strings.Contains(errs.String(), tc.stderr) {
				t.Errorf("why %v: status %d; want %d, %q in stdout and %q in stderr\n%s%s", tc.args, got, tc.status, tc.out, tc.stderr, out.String(), errs.String())
			}
			if strings.Contains(errs.String(), "PNG") || strings.Contains(errs.String(), "Dear support") || strings.Count(strings.TrimSpace(errs.String()), "\n") > 0 && tc.name != "-h" {
				t.Errorf("stderr echoes the input or is more than one line: %q", errs.String())
			}
		})
	}
}
