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
	Reason string // what is wrong, in English: the catalogue's wording of Problem
	// Problem is what is wrong as a code, and Params the values it is
	// made of, by the names the [Problem] constants list (never nil), so
	// that a program words it in its reader's language: the message
	// catalogue's clause "text.dmarc-problem.<Problem>" (package i18n).
	Problem Problem
	Params  map[string]string
	kind    error
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
	reason string // the English of problem
	kind   issueKind
	at     int // offset of value, when it is not offset (a malformed entry: offset is where it breaks)
	// problem is what is wrong as a code, params its values.
	problem Problem
	params  map[string]string
}

// newIssue returns an issue with its problem, its values and its reason,
// the English of the problem.
func newIssue(offset int, tag, value string, kind issueKind, at int, p Problem, params map[string]string) issue {
	return issue{offset: offset, tag: tag, value: value, reason: clause(p, params), kind: kind, at: at, problem: p, params: params}
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
	fail := func(kind error, off int, tag string, p Problem, kv ...string) (*Record, []issue, error) {
		params := pairs(kv...)
		return nil, nil, &ParseError{Input: s, Offset: off, Tag: tag, Reason: clause(p, params), Problem: p, Params: params, kind: kind}
	}
	if !isDMARC(s) {
		off := 0
		if tags, _ := taglist.ParseAll(s); len(tags) > 0 && strings.EqualFold(tags[0].Name, "v") {
			off = tags[0].ValueOffset
		}
		return fail(ErrNotDMARC, off, "v", ProblemNotDMARC)
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
		issues = append(issues, newIssue(te.Offset, "", strings.TrimRight(trimmed, " \t\r\n"), issueMalformed, start+len(entry)-len(trimmed), Problem(te.Problem), te.Params))
	}
	for _, off := range emptyEntries(s) {
		issues = append(issues, newIssue(off, "", ";", issueEmpty, off, ProblemEmptyEntry, map[string]string{}))
	}
	bad := func(t taglist.Tag, p Problem) {
		name := strings.ToLower(t.Name)
		issues = append(issues, newIssue(t.ValueOffset, name, t.Value, issueInvalid, t.ValueOffset, p, pairs("tag", name, "value", t.Value)))
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
			return fail(ErrSyntax, t.Offset, name, ProblemDuplicateTag, "tag", name)
		}
		seen[name] = true
		v := strings.ToLower(t.Value)
		switch name {
		case "p", "sp", "np":
			pSeen = pSeen || name == "p"
			p := Policy(v)
			if !p.valid() {
				is := newIssue(t.ValueOffset, name, t.Value, issuePolicy, t.ValueOffset, ProblemPolicyValue, pairs("tag", name, "value", t.Value))
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
				bad(t, ProblemPSDValue)
				continue
			}
			r.PSD = PSD(v)
		case "t":
			if v != "y" && v != "n" {
				bad(t, ProblemTValue)
				continue
			}
			r.Test = v
		case "adkim", "aspf":
			if v != "r" && v != "s" {
				bad(t, ProblemAlignValue)
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
				bad(t, ProblemFOValue)
				continue
			}
			r.FO = opts
		case "pct":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 100 || len(v) > 3 || v[0] < '0' || v[0] > '9' {
				bad(t, ProblemPctValue)
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
				bad(t, ProblemRFValue)
				continue
			}
			r.RF = strings.Join(formats, ":")
		case "ri":
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				bad(t, ProblemRIValue)
				continue
			}
			r.RI = strconv.FormatUint(n, 10)
		case "rua", "ruf":
			var uris []URI
			parts, offs := uriParts(t.Value)
			for i, part := range parts {
				u, why := parseURI(part)
				if why != "" {
					issues = append(issues, newIssue(t.ValueOffset+offs[i], name, part, issueInvalid, t.ValueOffset+offs[i], why, pairs("tag", name, "value", part)))
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
				return fail(ErrSyntax, len(s), "p", ProblemNoPolicy, "section", rules.section())
			}
			is := invalid[0]
			return fail(ErrSyntax, is.offset, is.tag, ProblemInvalidPolicy, "tag", is.tag, "value", is.value, "section", rules.section())
		}
		if !pSeen {
			issues = append(issues, newIssue(len(s), "p", "", issuePolicy, len(s), ProblemMissingP, map[string]string{}))
		}
		issues = append(issues, invalid...)
		if len(invalid) > 0 {
			for _, t := range policyTags {
				issues = append(issues, newIssue(t.ValueOffset, strings.ToLower(t.Name), t.Value, issueReplaced, t.ValueOffset, ProblemReplaced, pairs("bytag", invalid[0].tag, "byvalue", invalid[0].value)))
			}
			r.Policy, r.SubdomainPolicy, r.NonexistentPolicy = "", "", ""
		}
	}
	sort.SliceStable(issues, func(i, j int) bool { return issues[i].at < issues[j].at })
	for _, is := range issues {
		if is.kind != issueEmpty && !(is.kind == issuePolicy && is.value == "") {
			r.Ignored = append(r.Ignored, Ignored{Tag: is.tag, Value: is.value, Offset: is.at, Reason: is.reason, Problem: is.problem, Params: is.params})
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
