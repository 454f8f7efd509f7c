package dnsrec_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
)

func TestCanonicalName(t *testing.T) {
	tests := []struct {
		in, want string
		err      bool
	}{
		{"Example.COM", "example.com.", false},
		{"example.com.", "example.com.", false},
		{"_dmarc.example.ch", "_dmarc.example.ch.", false},
		{"default._domainkey.Example.ch.", "default._domainkey.example.ch.", false},
		{"bücher.example", "xn--bcher-kva.example.", false},
		{"ZÜRICH.ch", "xn--zrich-kva.ch.", false},
		{".", ".", false},
		{"", "", true},
		{"a..example.com", "", true},
		{strings.Repeat("x", 63) + ".com", strings.Repeat("x", 63) + ".com.", false},
		{strings.Repeat("x", 64) + ".com", "", true},
		{strings.Repeat("abcdefghi.", 26), "", true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := dnsrec.CanonicalName(tc.in)
			if tc.err {
				if !errors.Is(err, dnsrec.ErrInvalidName) {
					t.Fatalf("CanonicalName(%q) = %q, %v; want ErrInvalidName", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("CanonicalName(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestSplitTXT(t *testing.T) {
	tests := []struct {
		name  string
		value string
		lens  []int
	}{
		{"empty", "", []int{0}},
		{"short", "v=spf1 -all", []int{11}},
		{"exactly 255", strings.Repeat("a", 255), []int{255}},
		{"256", strings.Repeat("a", 256), []int{255, 1}},
		{"2048-bit key record", strings.Repeat("k", 410), []int{255, 155}},
		{"utf-8 not cut", strings.Repeat("a", 254) + "–" + "b", []int{254, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := dnsrec.SplitTXT(tc.value)
			if len(got) != len(tc.lens) {
				t.Fatalf("SplitTXT gave %d strings, want %d", len(got), len(tc.lens))
			}
			for i, s := range got {
				if len(s) != tc.lens[i] {
					t.Errorf("string %d has %d bytes, want %d", i, len(s), tc.lens[i])
				}
			}
			if j := dnsrec.JoinTXT(got); j != tc.value {
				t.Errorf("JoinTXT(SplitTXT(v)) = %q, want %q", j, tc.value)
			}
		})
	}
}

func TestRecordStringParse(t *testing.T) {
	tests := []struct {
		name string
		rec  dnsrec.Record
		line string
	}{
		{"txt", dnsrec.Record{Name: "example.com.", Type: "TXT", TTL: 3600, Txt: []string{"v=spf1 -all"}},
			"example.com.\t3600\tIN\tTXT\t\"v=spf1 -all\""},
		{"txt strings and escapes", dnsrec.Record{Name: "k._domainkey.example.com.", Type: "TXT", TTL: 300, Txt: []string{`a"b\c`, "d\x00é"}},
			"k._domainkey.example.com.\t300\tIN\tTXT\t\"a\\\"b\\\\c\" \"d\\000\\195\\169\""},
		{"cname", dnsrec.Record{Name: "default._domainkey.example.ch.", Type: "CNAME", TTL: 3600, Data: "default._domainkey.vendor.example."},
			"default._domainkey.example.ch.\t3600\tIN\tCNAME\tdefault._domainkey.vendor.example."},
		{"mx", dnsrec.Record{Name: "example.com.", Type: "MX", TTL: 60, Data: "10 mx.example.com."},
			"example.com.\t60\tIN\tMX\t10 mx.example.com."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.rec.String(); got != tc.line {
				t.Errorf("String() = %q, want %q", got, tc.line)
			}
			back, err := dnsrec.ParseRecord(tc.line)
			if err != nil {
				t.Fatal(err)
			}
			if !back.Equal(tc.rec) || back.TTL != tc.rec.TTL {
				t.Errorf("ParseRecord(String()) = %#v, want %#v", back, tc.rec)
			}
			b, err := json.Marshal(tc.rec)
			if err != nil {
				t.Fatal(err)
			}
			var fromJSON dnsrec.Record
			if err := json.Unmarshal(b, &fromJSON); err != nil {
				t.Fatal(err)
			}
			if !fromJSON.Equal(tc.rec) || fromJSON.TTL != tc.rec.TTL {
				t.Errorf("JSON round trip of %s = %#v, want %#v", b, fromJSON, tc.rec)
			}
		})
	}
}

func TestParseRecordErrors(t *testing.T) {
	for _, line := range []string{"", "example.com. IN TXT", "example.com. IN BOGUS x", "a. IN TXT \"x\"\nb. IN TXT \"y\""} {
		if r, err := dnsrec.ParseRecord(line); err == nil {
			t.Errorf("ParseRecord(%q) = %v, want an error", line, r)
		}
	}
}

func TestNewTXTAndCNAME(t *testing.T) {
	r, err := dnsrec.NewTXT("Selector._domainkey.Bücher.example", strings.Repeat("p", 300))
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "selector._domainkey.xn--bcher-kva.example." || len(r.Txt) != 2 || r.TTL != dnsrec.DefaultTTL {
		t.Errorf("NewTXT = %+v", r)
	}
	if _, err := dnsrec.NewCNAME("a..b", "c"); !errors.Is(err, dnsrec.ErrInvalidName) {
		t.Errorf("NewCNAME with an empty label: err = %v", err)
	}
	for _, bad := range []dnsrec.Record{
		{Name: "x.", Type: "TXT", Txt: []string{strings.Repeat("a", 256)}},
		{Name: "x.", Type: "BOGUS", Data: "1"},
		{Name: "a..b.", Type: "TXT", Txt: []string{"v"}},
		{Name: "x.", Type: "A", Data: "not an address"},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("Validate accepted %+v", bad)
		}
	}
	if err := r.Validate(); err != nil {
		t.Errorf("Validate(%v) = %v", r, err)
	}
}

// FuzzSplitJoinTXT: splitting never makes a string over 255 bytes, never
// loses a byte, and the zone-file form of the strings reads back exactly.
func FuzzSplitJoinTXT(f *testing.F) {
	for _, s := range []string{"", "v=spf1 -all", strings.Repeat("ä", 200), `"\` + "\x00\xff", strings.Repeat("x", 600)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		parts := dnsrec.SplitTXT(v)
		for _, p := range parts {
			if len(p) > dnsrec.MaxStringLen {
				t.Fatalf("string of %d bytes", len(p))
			}
		}
		if j := dnsrec.JoinTXT(parts); j != v {
			t.Fatalf("JoinTXT(SplitTXT(%q)) = %q", v, j)
		}
		r := dnsrec.Record{Name: "fuzz.example.", Type: dnsrec.TypeTXT, TTL: 1, Txt: parts}
		back, err := dnsrec.ParseRecord(r.String())
		if err != nil {
			t.Fatalf("ParseRecord(%q): %v", r.String(), err)
		}
		if !back.Equal(r) {
			t.Fatalf("round trip of %q gave %q", parts, back.Txt)
		}
		if back.String() != r.String() {
			t.Fatalf("String not stable: %q then %q", r.String(), back.String())
		}
	})
}

// FuzzParseRecord: whatever line parses prints to a line that parses to
// the same record.
func FuzzParseRecord(f *testing.F) {
	for _, s := range []string{
		"example.com. 3600 IN TXT \"v=spf1 -all\"",
		"x. 1 IN TXT \"a\\\"b\" \"c\\255\"",
		"x. IN CNAME y.",
		"x. 60 IN MX 10 mx.x.",
		"x. IN A 192.0.2.1",
		"x. IN AAAA 2001:db8::1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r, err := dnsrec.ParseRecord(line)
		if err != nil {
			return
		}
		r2, err := dnsrec.ParseRecord(r.String())
		if err != nil {
			t.Fatalf("ParseRecord(%q) ok, but its String %q does not parse: %v", line, r.String(), err)
		}
		if !r2.Equal(r) || r2.TTL != r.TTL || r2.String() != r.String() {
			t.Fatalf("round trip: %q -> %q", r.String(), r2.String())
		}
	})
}
