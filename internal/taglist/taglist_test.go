package taglist

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in    string
		names []string
		err   int // offset of the error, -1 for none
	}{
		{"v=DKIM1; k=rsa; p=abc", []string{"v", "k", "p"}, -1},
		{" v = DMARC1 ;p=none;", []string{"v", "p"}, -1},
		{"a=1;;b=2", []string{"a", "b"}, -1},
		{"p=ab\r\n cd", []string{"p"}, -1}, // folding whitespace inside a value
		{"=x", nil, 0},
		{"v=DMARC1; ruf", []string{"v"}, 13},
		{"1a=b", nil, 0},
		{"a=b\x00", []string{}, 3},
	} {
		tags, err := Parse(tc.in)
		var pe *Error
		if tc.err >= 0 {
			if !errors.As(err, &pe) || pe.Offset != tc.err {
				t.Errorf("Parse(%q): err %v, want one at offset %d", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || len(tags) != len(tc.names) {
			t.Errorf("Parse(%q) = %v, %v", tc.in, tags, err)
			continue
		}
		for i, n := range tc.names {
			if tags[i].Name != n || tc.in[tags[i].Offset:tags[i].Offset+len(n)] != n {
				t.Errorf("Parse(%q): tag %d = %+v", tc.in, i, tags[i])
			}
		}
	}
}

// FuzzParse: a tag-list that parses formats to one that parses to the same
// tags (names and values), and formatting is then stable; offsets always
// point at the tag in the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"v=DKIM1; k=rsa; p=abc", " v = DMARC1 ;p=none;", "a=1;;b=2", "p=ab\r\n cd", "=x", "v=DMARC1; ruf", "a=b; a=c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags, err := Parse(s)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(s) {
				t.Fatalf("%q: error %v without a valid offset", s, err)
			}
			return
		}
		for _, tg := range tags {
			if s[tg.Offset:tg.Offset+len(tg.Name)] != tg.Name || s[tg.ValueOffset:tg.ValueOffset+len(tg.Value)] != tg.Value {
				t.Fatalf("%q: offsets of %+v do not point at the tag", s, tg)
			}
		}
		out := Format(tags)
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("%q formats to %q, which does not parse: %v", s, out, err)
		}
		if len(again) != len(tags) {
			t.Fatalf("%q -> %q: %d tags, then %d", s, out, len(tags), len(again))
		}
		for i := range tags {
			if again[i].Name != tags[i].Name || again[i].Value != tags[i].Value {
				t.Fatalf("%q -> %q: tag %d %+v became %+v", s, out, i, tags[i], again[i])
			}
		}
		if Format(again) != out {
			t.Fatalf("formatting is not stable: %q then %q", out, Format(again))
		}
	})
}
