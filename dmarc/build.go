package dmarc

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrSettings: Build was given settings that make no valid record.
var ErrSettings = errors.New("dmarc: invalid settings")

// Settings describe a record to build. The zero value builds the monitoring
// record "v=DMARC1; p=none".
type Settings struct {
	Policy            Policy   // p; "" means none
	SubdomainPolicy   Policy   // sp; "" means the same as p
	NonexistentPolicy Policy   // np; "" means the same as sp (RFC 9989)
	Reports           []string // aggregate report addresses ("dmarc@example.com" or "mailto:dmarc@example.com")
	FailureReports    []string // failure report addresses (ruf)
	Testing           bool     // t=y (RFC 9989): receivers apply the policy one step more leniently
	Percent           int      // pct (RFC 7489 only): 1 to 99; 0 writes no pct
	// Rules is the rule set the record is built for; the zero value is
	// RFC 9989, which removed pct: Build refuses a Percent under it (write
	// Testing instead), so that it never writes a tag its lint reports.
	Rules      Rules
	StrictDKIM bool // adkim=s
	StrictSPF  bool // aspf=s
}

// Build returns the record the settings describe, such as the three
// stages a domain goes through (monitoring, a partial quarantine, reject):
//
//	Build(Settings{Reports: []string{"postmaster@example.com"}})
//	Build(Settings{Policy: PolicyQuarantine, Testing: true, Reports: ...})
//	Build(Settings{Policy: PolicyReject, Reports: []string{"postmaster@example.com", "dmarc@example.com"}})
func Build(s Settings) (*Record, error) {
	r := &Record{Policy: s.Policy, SubdomainPolicy: s.SubdomainPolicy, NonexistentPolicy: s.NonexistentPolicy}
	if r.Policy == "" {
		r.Policy = PolicyNone
	}
	for _, p := range []Policy{r.Policy, r.SubdomainPolicy, r.NonexistentPolicy} {
		if p != "" && !p.valid() {
			return nil, fmt.Errorf("%w: policy %q: use none, quarantine or reject", ErrSettings, p)
		}
	}
	if s.Testing {
		r.Test = "y"
	}
	switch {
	case s.Percent < 0 || s.Percent > 100:
		return nil, fmt.Errorf("%w: percent %d: use 1 to 100", ErrSettings, s.Percent)
	case s.Percent > 0 && s.Percent < 100 && !s.Rules.is7489():
		return nil, fmt.Errorf("%w: percent %d: RFC 9989 removed pct; set Testing (t=y) to apply the policy one step more leniently, or build for RFC 7489", ErrSettings, s.Percent)
	case s.Percent > 0 && s.Percent < 100:
		r.Pct = strconv.Itoa(s.Percent)
	}
	if s.StrictDKIM {
		r.ADKIM = AlignStrict
	}
	if s.StrictSPF {
		r.ASPF = AlignStrict
	}
	var err error
	if r.RUA, err = mailtos(s.Reports); err != nil {
		return nil, err
	}
	if r.RUF, err = mailtos(s.FailureReports); err != nil {
		return nil, err
	}
	return r, nil
}

// mailtos turns addresses into mailto: URIs, checking each.
func mailtos(addrs []string) ([]URI, error) {
	var out []URI
	for _, a := range addrs {
		a = strings.TrimSpace(a)
		if !strings.HasPrefix(strings.ToLower(a), "mailto:") {
			a = "mailto:" + a
		}
		u := URI{URI: a}
		if u.Address() == "" || strings.ContainsAny(a, ",;! ") {
			return nil, fmt.Errorf("%w: %q is not a mail address", ErrSettings, strings.TrimPrefix(a, "mailto:"))
		}
		out = append(out, u)
	}
	return out, nil
}
