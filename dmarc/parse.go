package dmarc

import (
	"errors"
	"fmt"
	"sort"
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

// issue is something receivers work around: an entry they discard (its
// default applies), an empty entry, or a record without a valid policy
// that they read as p=none.
type issue struct {
	offset int
	tag    string // lower case; "" for an entry that is not tag=value
	value  string // as written
	reason string
	kind   issueKind
	at     int // offset of value, when it is not offset (a malformed entry: offset is where it breaks)
}

type issueKind int

const (
	issueInvalid   issueKind = iota // an invalid value or an unusable URI: ignored, the default applies
	issueMalformed                  // an entry that is not tag=value: ignored
	issueEmpty                      // an empty entry (";;"): skipped
	issuePolicy                     // no valid p=, or an invalid sp= or np=: the record reads as p=none
	issueReplaced                   // a valid p=, sp= or np= that issuePolicy replaces with none
)

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

// Parse reads a DMARC record as receivers do, and fails exactly when they
// do not use it: the text does not start with "v=DMARC1" ([ErrNotDMARC]),
// a tag is repeated, or the record has no usable policy (no valid p=, or
// an invalid sp= or, under RFC 9989, np=) and no valid rua= ([ErrSyntax]).
// Everything else that is wrong is discarded as receivers discard it, and
// listed in the record's Ignored with its offset and reason: an invalid
// value (the tag's default applies: pct=150 is 100, ri=abc is 86400), an
// entry that is not tag=value, an unusable report URI. A record with no
// valid p=, or with an invalid sp= or np=, but with a valid rua= is read
// as p=none, as both RFCs require (RFC 9989, Section 4.10.1; RFC 7489,
// Section 6.6.3). Tag names and keyword values are matched without regard
// to case. Unknown tags are kept in Extra. Removed or added tags (pct, rf,
// ri; np, psd, t) parse under either rule set; Lint says which ones the
// rules ignore.
func (rules Rules) Parse(s string) (*Record, error) {
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	r, _, err := rules.parse(s)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// parse reads a record the way a receiver does: fatal errors end it;
// everything it works around becomes an issue (and, for an entry it
// discards, one of the record's Ignored).
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
	// 9989, Section 4.7).
	tags, tagErrs := taglist.ParseAll(s)
	r := &Record{}
	var issues []issue
	for _, te := range tagErrs {
		// The entry around the error, from the ";" before it to the next.
		start := strings.LastIndexByte(s[:te.Offset], ';') + 1
		entry := s[start:]
		if i := strings.IndexByte(entry, ';'); i >= 0 {
			entry = entry[:i]
		}
		trimmed := strings.TrimLeft(entry, " \t\r\n")
		issues = append(issues, issue{te.Offset, "", strings.TrimRight(trimmed, " \t\r\n"), te.Reason + "; receivers ignore this entry", issueMalformed, start + len(entry) - len(trimmed)})
	}
	for _, off := range emptyEntries(s) {
		issues = append(issues, issue{off, "", ";", "an empty entry", issueEmpty, off})
	}
	bad := func(t taglist.Tag, format string, args ...any) {
		issues = append(issues, issue{t.ValueOffset, strings.ToLower(t.Name), t.Value, fmt.Sprintf(format, args...), issueInvalid, t.ValueOffset})
	}
	seen := map[string]bool{"v": true}
	var policyTags []taglist.Tag // the valid p, sp and np, replaced by none when one is invalid
	var invalid []issue          // the invalid p, sp and np (np only under RFC 9989)
	pSeen := false
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
			pSeen = pSeen || name == "p"
			p := Policy(v)
			if !p.valid() {
				is := issue{t.ValueOffset, name, t.Value, fmt.Sprintf("%s=%s: the policy must be none, quarantine or reject", name, t.Value), issuePolicy, t.ValueOffset}
				if name == "np" && rules.is7489() {
					is.kind = issueInvalid // an RFC 9989 tag, which RFC 7489 receivers ignore
					issues = append(issues, is)
				} else {
					invalid = append(invalid, is)
				}
				continue
			}
			policyTags = append(policyTags, t)
			switch name {
			case "p":
				r.Policy = p
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
			if err != nil || n < 0 || n > 100 || len(v) > 3 || v[0] < '0' || v[0] > '9' {
				bad(t, "pct=%s: must be a whole number from 0 to 100", t.Value)
				continue
			}
			r.Pct = v
		case "rf":
			formats := strings.Split(v, ":")
			ok := true
			for i, f := range formats {
				formats[i] = strings.TrimSpace(f)
				ok = ok && isKeyword(formats[i])
			}
			if !ok {
				bad(t, "rf=%s: must be report format names separated by colons, such as afrf", t.Value)
				continue
			}
			r.RF = strings.Join(formats, ":")
		case "ri":
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				bad(t, "ri=%s: must be a number of seconds", t.Value)
				continue
			}
			r.RI = strconv.FormatUint(n, 10)
		case "rua", "ruf":
			var uris []URI
			parts, offs := uriParts(t.Value)
			for i, part := range parts {
				u, why := parseURI(part)
				if why != "" {
					issues = append(issues, issue{t.ValueOffset + offs[i], name, part, name + ": " + why, issueInvalid, t.ValueOffset + offs[i]})
					continue
				}
				uris = append(uris, u)
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
	// No valid p=, or an invalid sp= or np= (RFC 9989, Section 4.10.1;
	// RFC 7489, Section 6.6.3, which names p and sp): with a valid rua=,
	// receivers act as if the record said p=none; without one, they do
	// not use it.
	if !pSeen || len(invalid) > 0 {
		if len(r.RUA) == 0 {
			if len(invalid) == 0 {
				return fail(ErrSyntax, len(s), "p", fmt.Sprintf("the record has no p= and no valid rua= by which to read it as p=none (%s)", rules.section()))
			}
			is := invalid[0]
			return fail(ErrSyntax, is.offset, is.tag, fmt.Sprintf("%s=%s is not a policy (none, quarantine or reject), and the record has no valid rua= by which to read it as p=none (%s)", is.tag, is.value, rules.section()))
		}
		if !pSeen {
			issues = append(issues, issue{len(s), "p", "", "no p=", issuePolicy, len(s)})
		}
		issues = append(issues, invalid...)
		if len(invalid) > 0 {
			for _, t := range policyTags {
				issues = append(issues, issue{t.ValueOffset, strings.ToLower(t.Name), t.Value, fmt.Sprintf("replaced by p=none because %s=%s is not a policy", invalid[0].tag, invalid[0].value), issueReplaced, t.ValueOffset})
			}
			r.Policy, r.SubdomainPolicy, r.NonexistentPolicy = "", "", ""
		}
	}
	sort.SliceStable(issues, func(i, j int) bool { return issues[i].at < issues[j].at })
	for _, is := range issues {
		if is.kind != issueEmpty && !(is.kind == issuePolicy && is.value == "") {
			r.Ignored = append(r.Ignored, Ignored{Tag: is.tag, Value: is.value, Offset: is.at, Reason: is.reason})
		}
	}
	return r, issues, nil
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
