package dmarc

import (
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/internal/taglist"
)

// Rules selects the specification a record is read and applied under. The
// zero value is RFC9989. Any other value is refused by every method that
// returns an error (wrapping [ErrRules]), and Lint reports it, so that a
// misspelled "rfc7849" does not silently mean RFC 9989.
//
// The package functions Parse, Lint, Discover and Evaluate are the methods
// of RFC9989, for the callers (most) that read records under the current
// specification; a receiver or a report reader that must apply RFC 7489 uses
// the methods of [RFC7489].
type Rules string

// Rule sets.
const (
	RFC9989 Rules = "rfc9989" // DMARCbis (2026): DNS tree walk, np, psd, t; pct, rf, ri removed. The default.
	RFC7489 Rules = "rfc7489" // the original DMARC (2015): Public Suffix List, pct, rf, ri
)

// ErrRules is wrapped by the error for a Rules value that names no rule
// set.
var ErrRules = errors.New("dmarc: unknown rules")

// ParseRules reads a rule set's name ("rfc9989", "RFC 7489", "7489"),
// without regard to case and spaces; "" is the default, RFC9989.
func ParseRules(s string) (Rules, error) {
	n := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	switch strings.TrimPrefix(n, "rfc") {
	case "", "9989":
		return RFC9989, nil
	case "7489":
		return RFC7489, nil
	}
	return "", fmt.Errorf("%w %q: use rfc9989 or rfc7489", ErrRules, s)
}

// Validate returns nil for RFC9989, RFC7489 and the zero value, and an
// error wrapping [ErrRules] naming the value otherwise.
func (r Rules) Validate() error {
	if r == "" || r == RFC9989 || r == RFC7489 {
		return nil
	}
	return fmt.Errorf("%w %q: use rfc9989 or rfc7489", ErrRules, string(r))
}

func (r Rules) is7489() bool { return r == RFC7489 }

// String returns the RFC name.
func (r Rules) String() string {
	if r.is7489() {
		return "RFC 7489"
	}
	return "RFC 9989"
}

// Policy is a requested handling of mail that fails DMARC (p, sp, np).
type Policy string

// Policies.
const (
	PolicyNone       Policy = "none"       // monitor only; deliver as usual
	PolicyQuarantine Policy = "quarantine" // treat as suspicious (spam folder)
	PolicyReject     Policy = "reject"     // refuse the message
)

func (p Policy) valid() bool {
	return p == PolicyNone || p == PolicyQuarantine || p == PolicyReject
}

// strictness orders policies: none < quarantine < reject.
func (p Policy) strictness() int {
	switch p {
	case PolicyQuarantine:
		return 1
	case PolicyReject:
		return 2
	}
	return 0
}

// Alignment is an identifier alignment mode (adkim, aspf).
type Alignment string

// Alignment modes.
const (
	AlignRelaxed Alignment = "r" // same organizational domain (the default)
	AlignStrict  Alignment = "s" // exactly the same domain
)

// PSD is the psd tag: whether the record's domain is a public suffix
// domain (RFC 9989).
type PSD string

// PSD values.
const (
	PSDYes     PSD = "y" // a public suffix domain (a registry, such as a TLD)
	PSDNo      PSD = "n" // an organizational domain: the tree walk stops here
	PSDUnknown PSD = "u" // unknown (the default)
)

// URI is one report destination of rua or ruf.
type URI struct {
	URI  string // as written, such as "mailto:dmarc@example.com"
	Size string // the obsolete "!size" suffix without the "!" ("10m"); "" when absent
}

// String returns the URI as written in a record.
func (u URI) String() string {
	if u.Size == "" {
		return u.URI
	}
	return u.URI + "!" + u.Size
}

// Address returns the mail address of a mailto: URI, or "".
func (u URI) Address() string {
	rest, ok := cutPrefixFold(u.URI, "mailto:")
	if !ok {
		return ""
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	a, err := mail.ParseAddress(rest)
	if err != nil {
		return ""
	}
	return a.Address
}

// Domain returns the domain of a mailto: URI's address, or "".
func (u URI) Domain() string {
	a := u.Address()
	if i := strings.LastIndexByte(a, '@'); i >= 0 {
		return strings.ToLower(a[i+1:])
	}
	return ""
}

// Record is a DMARC policy record, published as TXT at _dmarc.<domain>.
// Fields hold the tags as published ("" when absent); methods give the
// effective values with the defaults applied.
type Record struct {
	Policy            Policy    // p
	SubdomainPolicy   Policy    // sp
	NonexistentPolicy Policy    // np (RFC 9989)
	PSD               PSD       // psd (RFC 9989)
	Test              string    // t (RFC 9989): "y" or "n"
	RUA               []URI     // rua: aggregate report destinations
	RUF               []URI     // ruf: failure report destinations
	ADKIM             Alignment // adkim
	ASPF              Alignment // aspf
	FO                []string  // fo: failure reporting options (0, 1, d, s)
	Pct               string    // pct (RFC 7489; removed in RFC 9989)
	RF                string    // rf (RFC 7489; removed in RFC 9989)
	RI                string    // ri (RFC 7489; removed in RFC 9989)
	Extra             []Tag     // tags neither RFC defines, as published (receivers ignore them)
	// Ignored lists what receivers discard from the published text
	// (invalid values, malformed entries, unusable report URIs), in the
	// order written. String leaves it out: it prints the record receivers
	// apply, so Parse(r.String()) is Equal to r and has no Ignored.
	Ignored []Ignored
}

// EffectivePolicy returns p, or none when the record has none (allowed only
// with a valid rua; see Parse).
func (r *Record) EffectivePolicy() Policy {
	if r.Policy == "" {
		return PolicyNone
	}
	return r.Policy
}

// EffectiveSubdomainPolicy returns sp, or p.
func (r *Record) EffectiveSubdomainPolicy() Policy {
	if r.SubdomainPolicy != "" {
		return r.SubdomainPolicy
	}
	return r.EffectivePolicy()
}

// EffectiveNonexistentPolicy returns np, or sp, or p (RFC 9989).
func (r *Record) EffectiveNonexistentPolicy() Policy {
	if r.NonexistentPolicy != "" {
		return r.NonexistentPolicy
	}
	return r.EffectiveSubdomainPolicy()
}

// Testing reports t=y.
func (r *Record) Testing() bool { return r.Test == "y" }

// AlignDKIM returns adkim, relaxed by default.
func (r *Record) AlignDKIM() Alignment {
	if r.ADKIM == "" {
		return AlignRelaxed
	}
	return r.ADKIM
}

// AlignSPF returns aspf, relaxed by default.
func (r *Record) AlignSPF() Alignment {
	if r.ASPF == "" {
		return AlignRelaxed
	}
	return r.ASPF
}

// Percent returns pct as a number, 100 when absent.
func (r *Record) Percent() int {
	if r.Pct == "" {
		return 100
	}
	n, err := strconv.Atoi(r.Pct)
	if err != nil {
		return 100
	}
	return n
}

// String returns the record as it should be published: "v=DMARC1" first,
// then the tags present, in the order p, sp, np, psd, t, pct, adkim, aspf,
// fo, rf, ri, rua, ruf, then unknown tags.
func (r *Record) String() string {
	tags := []taglist.Tag{{Name: "v", Value: "DMARC1"}}
	add := func(name, value string) {
		if value != "" {
			tags = append(tags, taglist.Tag{Name: name, Value: value})
		}
	}
	add("p", string(r.Policy))
	add("sp", string(r.SubdomainPolicy))
	add("np", string(r.NonexistentPolicy))
	add("psd", string(r.PSD))
	add("t", r.Test)
	add("pct", r.Pct)
	add("adkim", string(r.ADKIM))
	add("aspf", string(r.ASPF))
	add("fo", strings.Join(r.FO, ":"))
	add("rf", r.RF)
	add("ri", r.RI)
	add("rua", joinURIs(r.RUA))
	add("ruf", joinURIs(r.RUF))
	for _, t := range r.Extra {
		tags = append(tags, taglist.Tag{Name: t.Name, Value: t.Value})
	}
	return taglist.Format(tags)
}

// Equal reports whether two records have the same tags (Ignored aside:
// it compares what String prints).
func (r *Record) Equal(o *Record) bool { return r.String() == o.String() }

// MarshalText returns [Record.String].
func (r *Record) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText parses a record under RFC 9989.
func (r *Record) UnmarshalText(b []byte) error {
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*r = *p
	return nil
}

func joinURIs(us []URI) string {
	parts := make([]string, len(us))
	for i, u := range us {
		parts[i] = u.String()
	}
	return strings.Join(parts, ",")
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// Tag is a tag of a DMARC record that this package does not interpret, kept
// as published so that the record prints back as it was.
type Tag struct {
	Name  string // as written
	Value string // as written, surrounding whitespace removed
}
