package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrRetention: a retention text that [ParseRetention] cannot read.
var ErrRetention = errors.New("store: bad retention")

// ParseRetention reads a retention as a command line gives it: kinds and
// ages in days, comma-separated, such as "reports=400d,days=800d,checks=400d";
// a kind left out is kept for ever, as is "" or "forever".
func ParseRetention(s string) (Retention, error) {
	var r Retention
	s = strings.TrimSpace(s)
	if s == "" || s == "forever" {
		return r, nil
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		kind, age, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return Retention{}, fmt.Errorf("%w: %q: use kind=Nd (reports, days or checks)", ErrRetention, part)
		}
		n, err := strconv.Atoi(strings.TrimSuffix(age, "d"))
		if err != nil || !strings.HasSuffix(age, "d") || n < 1 || n > 36600 {
			return Retention{}, fmt.Errorf("%w: %s=%q: use a number of days, such as 400d", ErrRetention, kind, age)
		}
		if seen[kind] {
			return Retention{}, fmt.Errorf("%w: %s given twice", ErrRetention, kind)
		}
		seen[kind] = true
		d := time.Duration(n) * 24 * time.Hour
		switch kind {
		case "reports":
			r.Reports = d
		case "days":
			r.Days = d
		case "checks":
			r.Checks = d
		default:
			return Retention{}, fmt.Errorf("%w: %q is no kind of data: use reports, days or checks", ErrRetention, kind)
		}
	}
	return r, nil
}

// String returns the retention as ParseRetention reads it ("forever" for
// the zero value). Ages are whole days, rounded down.
func (r Retention) String() string {
	var parts []string
	for _, k := range []struct {
		name string
		d    time.Duration
	}{{"reports", r.Reports}, {"days", r.Days}, {"checks", r.Checks}} {
		if days := int(k.d / (24 * time.Hour)); days > 0 {
			parts = append(parts, fmt.Sprintf("%s=%dd", k.name, days))
		}
	}
	if len(parts) == 0 {
		return "forever"
	}
	return strings.Join(parts, ",")
}
