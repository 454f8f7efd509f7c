package dmarc

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/internal/taglist"
)

// Parse errors.
var (
	// ErrNotDMARC: the text is not a DMARC record: it does not start with
	// the tag v=DMARC1 (RFC 9989 and RFC 7489 require exactly that).
	ErrNotDMARC = errors.New("dmarc: not a DMARC record")
	// ErrSyntax: a DMARC record, but a broken one.
	ErrSyntax = errors.New("dmarc: syntax error")
)

// ParseError reports where and why a record does not parse. It wraps
// ErrNotDMARC or ErrSyntax.
type ParseError struct {
	Input  string
	Offset int
	Tag    string
	Reason string
	kind   error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("dmarc: parse %q: %s (at offset %d)", e.Input, e.Reason, e.Offset)
}

// Unwrap returns ErrNotDMARC or ErrSyntax.
func (e *ParseError) Unwrap() error { return e.kind }

// issue is a problem a receiver works around (the tag's default is used);
// Parse reports the first as an error, discovery carries on.
type issue struct {
	offset int
	tag    string
	reason string
}

// Parse parses a DMARC record under RFC 9989. See [Rules.Parse].
func Parse(s string) (*Record, error) { return RFC9989.Parse(s) }

// MustParse is Parse for tests and examples: it panics on an error.
func MustParse(s string) *Record {
	r, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return r
}

// Parse parses a DMARC record strictly: "v=DMARC1" first, every tag at most
// once, every known tag with a valid value. Tag names and keyword values are
// matched without regard to case. Unknown tags are kept in Extra (receivers
// ignore them; [Lint] reports them). A record with no valid p= but a valid
// rua= is accepted as p=none, as both RFCs require. Removed or added tags
// (pct, rf, ri; np, psd, t) parse under either rule set; Lint says which
// ones the rules ignore.
func (rules Rules) Parse(s string) (*Record, error) {
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	r, issues, err := rules.parse(s)
	if err != nil {
		return nil, err
	}
	for _, is := range issues {
		if is.tag != "p" {
			return nil, &ParseError{Input: s, Offset: is.offset, Tag: is.tag, Reason: is.reason, kind: ErrSyntax}
		}
	}
	return r, nil
}

// parse reads a record the way a receiver does: fatal errors end it; invalid
// values of optional tags become issues and their defaults apply.
func (rules Rules) parse(s string) (*Record, []issue, error) {
	fail := func(kind error, off int, tag, reason string) (*Record, []issue, error) {
		return nil, nil, &ParseError{Input: s, Offset: off, Tag: tag, Reason: reason, kind: kind}
	}
	if !isDMARC(s) {
		off := 0
		if tags, _ := taglist.ParseAll(s); len(tags) > 0 && strings.EqualFold(tags[0].Name, "v") {
			off = tags[0].ValueOffset
		}
		return fail(ErrNotDMARC, off, "v", `a DMARC record starts with the tag "v=DMARC1", with nothing before it`)
	}
	// Receivers ignore an entry they cannot read, not the record (RFC
	// 9989, Section 4.7): malformed entries are issues, as invalid values
	// are, and Parse turns every issue but p's into an error.
	tags, tagErrs := taglist.ParseAll(s)
	r := &Record{}
	var issues []issue
	for _, te := range tagErrs {
		issues = append(issues, issue{te.Offset, "", te.Reason + "; receivers ignore this entry"})
	}
	bad := func(t taglist.Tag, format string, args ...any) {
		issues = append(issues, issue{t.ValueOffset, strings.ToLower(t.Name), fmt.Sprintf(format, args...)})
	}
	seen := map[string]bool{"v": true}
	pValid := false
	var invalidSub []string // sp or np with an invalid value
	for _, t := range tags {
		name := strings.ToLower(t.Name)
		if name == "v" && t == tags[0] {
			continue
		}
		if seen[name] {
			return fail(ErrSyntax, t.Offset, name, fmt.Sprintf("tag %q appears twice; a record must not repeat a tag, and receivers differ on which one wins", name))
		}
		seen[name] = true
		v := strings.ToLower(t.Value)
		switch name {
		case "p", "sp", "np":
			p := Policy(v)
			if !p.valid() {
				bad(t, "%s=%s: the policy must be none, quarantine or reject", name, t.Value)
				if name == "sp" || name == "np" && !rules.is7489() {
					invalidSub = append(invalidSub, name)
				}
				continue
			}
			switch name {
			case "p":
				r.Policy, pValid = p, true
			case "sp":
				r.SubdomainPolicy = p
			default:
				r.NonexistentPolicy = p
			}
		case "psd":
			if v != "y" && v != "n" && v != "u" {
				bad(t, "psd=%s: must be y, n or u", t.Value)
				continue
			}
			r.PSD = PSD(v)
		case "t":
			if v != "y" && v != "n" {
				bad(t, "t=%s: must be y or n", t.Value)
				continue
			}
			r.Test = v
		case "adkim", "aspf":
			if v != "r" && v != "s" {
				bad(t, "%s=%s: must be r (relaxed) or s (strict)", name, t.Value)
				continue
			}
			if name == "adkim" {
				r.ADKIM = Alignment(v)
			} else {
				r.ASPF = Alignment(v)
			}
		case "fo":
			opts := strings.Split(v, ":")
			ok := true
			for i, o := range opts {
				opts[i] = strings.TrimSpace(o)
				ok = ok && (opts[i] == "0" || opts[i] == "1" || opts[i] == "d" || opts[i] == "s")
			}
			if !ok {
				bad(t, "fo=%s: options are 0, 1, d and s, separated by colons", t.Value)
				continue
			}
			r.FO = opts
		case "pct":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 100 || len(v) > 3 {
				bad(t, "pct=%s: must be a whole number from 0 to 100", t.Value)
				continue
			}
			r.Pct = v
		case "rf":
			r.RF = v
		case "ri":
			if n, err := strconv.ParseUint(v, 10, 32); err != nil {
				bad(t, "ri=%s: must be a number of seconds", t.Value)
				continue
			} else {
				r.RI = strconv.FormatUint(n, 10)
			}
		case "rua", "ruf":
			uris, errs := parseURIs(t.Value)
			for _, e := range errs {
				bad(t, "%s: %s", name, e)
			}
			if name == "rua" {
				r.RUA = uris
			} else {
				r.RUF = uris
			}
		default:
			r.Extra = append(r.Extra, Tag{Name: t.Name, Value: t.Value})
		}
	}
	if !pValid {
		if len(r.RUA) == 0 {
			return fail(ErrSyntax, len(s), "p", "the record has no valid p= and no valid rua=, so receivers ignore it")
		}
		r.Policy = ""
		issues = append(issues, issue{len(s), "p", "no valid p=: receivers treat the record as p=none because it has a valid rua="})
	}
	// An invalid policy value is treated like an invalid p (RFC 9989,
	// Section 4.7): with a valid rua the policy is none, without one the
	// record is not used. RFC 7489 says so for sp (Section 6.3).
	for _, name := range invalidSub {
		if len(r.RUA) == 0 {
			return fail(ErrSyntax, len(s), name, fmt.Sprintf("%s= is invalid and the record has no valid rua=, so receivers do not use the record", name))
		}
		if name == "sp" {
			r.SubdomainPolicy = PolicyNone
		} else {
			r.NonexistentPolicy = PolicyNone
		}
	}
	return r, issues, nil
}

// parseURIs reads a comma-separated list of report URIs, each with an
// optional "!size" suffix (RFC 7489, Section 6.2).
func parseURIs(v string) ([]URI, []string) {
	var out []URI
	var errs []string
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			errs = append(errs, "an empty entry in the list")
			continue
		}
		u := URI{URI: part}
		if i := strings.LastIndexByte(part, '!'); i >= 0 {
			size := part[i+1:]
			if !validSize(size) {
				errs = append(errs, fmt.Sprintf("%q: the size after \"!\" must be digits with an optional k, m, g or t", part))
				continue
			}
			u = URI{URI: part[:i], Size: size}
		}
		colon := strings.IndexByte(u.URI, ':')
		if colon <= 0 || !isScheme(u.URI[:colon]) {
			errs = append(errs, fmt.Sprintf("%q is not a URI; write mailto:%s", part, part))
			continue
		}
		if strings.EqualFold(u.URI[:colon], "mailto") && u.Address() == "" {
			errs = append(errs, fmt.Sprintf("%q does not hold a valid mail address", part))
			continue
		}
		out = append(out, u)
	}
	return out, errs
}

func validSize(s string) bool {
	if s != "" {
		if c := s[len(s)-1] | 0x20; c == 'k' || c == 'm' || c == 'g' || c == 't' {
			s = s[:len(s)-1]
		}
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		alpha := 'a' <= c|0x20 && c|0x20 <= 'z'
		if !alpha && (i == 0 || !('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return s != ""
}
