package store

import (
	"errors"
	"testing"
	"time"
)

func TestParseRetention(t *testing.T) {
	day := 24 * time.Hour
	for _, c := range []struct {
		in   string
		want Retention
		text string
	}{
		{"", Retention{}, "forever"},
		{"forever", Retention{}, "forever"},
		{"reports=400d", Retention{Reports: 400 * day}, "reports=400d"},
		{"checks=30d, reports=400d,days=800d", Retention{Reports: 400 * day, Days: 800 * day, Checks: 30 * day}, "reports=400d,days=800d,checks=30d"},
	} {
		got, err := ParseRetention(c.in)
		if err != nil || got != c.want || got.String() != c.text {
			t.Errorf("ParseRetention(%q) = %+v (%s), %v; want %+v (%s)", c.in, got, got.String(), err, c.want, c.text)
		}
	}
	for _, bad := range []string{"reports", "reports=400", "reports=0d", "rows=3d", "reports=1d,reports=2d", "reports=-1d"} {
		if _, err := ParseRetention(bad); !errors.Is(err, ErrRetention) {
			t.Errorf("ParseRetention(%q) = %v, want ErrRetention", bad, err)
		}
	}
}

func FuzzParseRetention(f *testing.F) {
	for _, s := range []string{"", "forever", "reports=400d", "checks=30d,reports=400d,days=800d", "x=1d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRetention(s)
		if err != nil {
			return
		}
		back, err := ParseRetention(r.String())
		if err != nil || back != r {
			t.Fatalf("%q: %+v -> %q -> %+v, %v", s, r, r.String(), back, err)
		}
	})
}
