package dmarc

import (
	"strings"
)

// Ignored is an entry of a published record that receivers discard: a
// value that is not valid for its tag (its default applies: RFC 9989,
// Section 4.7; RFC 7489, Section 6.3), an entry that is not tag=value, a
// report URI they cannot use, or a policy that an invalid sp= or np=
// replaces with none (RFC 9989, Section 4.10.1; RFC 7489, Section 6.6.3).
// [Record.String] leaves these out, so that it prints the record receivers
// apply; Lint reports each one with its offset.
type Ignored struct {
	Tag    string // the tag's name in lower case; "" for an entry that is not tag=value
	Value  string // the value (or the whole entry) as written
	Offset int    // byte offset of Value in the record's text
	Reason string // why receivers discard it, in English words: the catalogue's wording of Problem
	// Problem is why as a code, and Params its values, for a program to
	// word it in its reader's language: the message catalogue's clause
	// "text.dmarc-problem.<Problem>" (package i18n).
	Problem Problem
	Params  map[string]string
}

// String returns the entry as written: "pct=150", or the entry itself.
func (ig Ignored) String() string {
	if ig.Tag == "" {
		return ig.Value
	}
	return ig.Tag + "=" + ig.Value
}

// emptyEntries returns the offsets of the ";" that close an empty entry:
// RFC 9989's grammar (Section 4.8) separates tags with exactly one ";"
// (dmarc-sep), with one more allowed at the end, so ";;" and "; ;" are
// not records by the grammar, though receivers skip the empty entry.
func emptyEntries(s string) []int {
	var out []int
	prev := -1 // offset of the previous ";", -1 before the first
	for i := 0; i < len(s); i++ {
		if s[i] != ';' {
			continue
		}
		if prev >= 0 && strings.Trim(s[prev+1:i], " \t\r\n") == "" {
			out = append(out, i)
		}
		prev = i
	}
	return out
}

// isKeyword reports whether s is an RFC 5321 Keyword (Ldh-str): letters,
// digits and hyphens, starting and ending with a letter or digit.
func isKeyword(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !('a' <= c && c <= 'z' || '0' <= s[i] && s[i] <= '9' || s[i] == '-') {
			return false
		}
	}
	return true
}

// unregisteredFormats returns the formats an rf value names other than
// afrf, the only one registered (RFC 7489, Section 6.3).
func unregisteredFormats(rf string) []string {
	var out []string
	for _, f := range strings.Split(rf, ":") {
		if f = strings.TrimSpace(f); f != "afrf" {
			out = append(out, f)
		}
	}
	return out
}

// uriParts splits a rua or ruf value into its URIs, each with its offset
// in the value.
func uriParts(v string) (parts []string, offsets []int) {
	start := 0
	for i := 0; i <= len(v); i++ {
		if i < len(v) && v[i] != ',' {
			continue
		}
		part := v[start:i]
		lead := len(part) - len(strings.TrimLeft(part, " \t\r\n"))
		parts = append(parts, strings.TrimSpace(part))
		offsets = append(offsets, start+lead)
		start = i + 1
	}
	return parts, offsets
}

// parseURI reads one report URI with its optional "!size" suffix (RFC
// 7489, Section 6.2), or says why receivers cannot use it.
func parseURI(part string) (URI, Problem) {
	if part == "" {
		return URI{}, ProblemURIEmpty
	}
	u := URI{URI: part}
	if i := strings.LastIndexByte(part, '!'); i >= 0 {
		size := part[i+1:]
		if !validSize(size) {
			return URI{}, ProblemURISize
		}
		u = URI{URI: part[:i], Size: size}
	}
	colon := strings.IndexByte(u.URI, ':')
	if colon <= 0 || !isScheme(u.URI[:colon]) {
		return URI{}, ProblemURIScheme
	}
	if strings.EqualFold(u.URI[:colon], "mailto") && u.Address() == "" {
		return URI{}, ProblemURIAddress
	}
	return u, ""
}
