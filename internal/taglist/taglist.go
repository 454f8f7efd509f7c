// Package taglist reads and writes the tag-list syntax of DKIM key records
// (RFC 6376, Section 3.2) and DMARC records (RFC 9989 keeps it), for the
// dkim and dmarc packages.
package taglist

import (
	"fmt"
	"strconv"
	"strings"
)

// Tag is one tag=value pair of a tag-list, the syntax of DKIM key records
// (RFC 6376, Section 3.2) and DMARC records (RFC 9989, which keeps it).
type Tag struct {
	Name        string // as written
	Value       string // as written, surrounding whitespace removed
	Offset      int    // byte offset of Name in the list
	ValueOffset int    // byte offset of Value in the list
}

// Error reports where a tag-list does not follow RFC 6376, Section 3.2.
type Error struct {
	Offset int
	Reason string // what is wrong, in English
	// Problem is what is wrong as a code, Params its values (name, found,
	// char), for a package to word it in its reader's language.
	Problem string
	Params  map[string]string
}

// Problems of [Error.Problem].
const (
	ProblemName      = "tag-name"      // no tag name where one must start: found (the text there, shortened)
	ProblemEquals    = "tag-equals"    // a tag name without "=": name
	ProblemCharacter = "tag-character" // a character a value may not hold: name, char (Go-quoted)
)

func (e *Error) Error() string { return fmt.Sprintf("%s (at offset %d)", e.Reason, e.Offset) }

// Parse splits a tag-list into its tags, in order. Tag names are letters,
// digits and "_", starting with a letter; values are printable ASCII except
// ";", with inner whitespace allowed. Whitespace (including folding CRLF)
// around names, "=" and values is skipped, and so are empty entries (";;",
// a trailing ";"). Duplicate names are returned as they are: the caller
// decides.
func Parse(s string) ([]Tag, error) {
	var tags []Tag
	for start := 0; start <= len(s); {
		end := strings.IndexByte(s[start:], ';')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		spec := s[start:end]
		if strings.TrimLeft(spec, " \t\r\n") != "" {
			t, err := parseTag(spec, start)
			if err != nil {
				return tags, err
			}
			tags = append(tags, t)
		}
		start = end + 1
	}
	return tags, nil
}

func isWSP(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func parseTag(spec string, base int) (Tag, error) {
	i := 0
	for i < len(spec) && isWSP(spec[i]) {
		i++
	}
	nameStart := i
	for i < len(spec) && (isAlpha(spec[i]) || (i > nameStart && ((spec[i] >= '0' && spec[i] <= '9') || spec[i] == '_'))) {
		i++
	}
	if i == nameStart {
		found := truncate(spec[nameStart:])
		return Tag{}, &Error{base + nameStart, fmt.Sprintf("expected a tag name, found %q", found), ProblemName, map[string]string{"found": found}}
	}
	name := spec[nameStart:i]
	for i < len(spec) && isWSP(spec[i]) {
		i++
	}
	if i == len(spec) || spec[i] != '=' {
		return Tag{}, &Error{base + i, fmt.Sprintf("expected \"=\" after tag %q", name), ProblemEquals, map[string]string{"name": name}}
	}
	i++
	for i < len(spec) && isWSP(spec[i]) {
		i++
	}
	valStart := i
	value := strings.TrimRight(spec[i:], " \t\r\n")
	for j := 0; j < len(value); j++ {
		c := value[j]
		if !isWSP(c) && (c < 0x21 || c > 0x7e) {
			return Tag{}, &Error{base + valStart + j, fmt.Sprintf("tag %q: character %q is not allowed in a value", name, rune(c)), ProblemCharacter,
				map[string]string{"name": name, "char": strconv.QuoteRune(rune(c))}}
		}
	}
	return Tag{Name: name, Value: value, Offset: base + nameStart, ValueOffset: base + valStart}, nil
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func truncate(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

// Format writes tags as "name=value; name=value".
func Format(tags []Tag) string {
	var b strings.Builder
	for i, t := range tags {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(t.Name)
		b.WriteByte('=')
		b.WriteString(t.Value)
	}
	return b.String()
}

// ParseAll is Parse for readers that ignore what they cannot read: it
// parses every entry, returns the tags that parse, and an error for each
// entry that does not, instead of stopping at the first.
func ParseAll(s string) ([]Tag, []*Error) {
	var tags []Tag
	var errs []*Error
	for start := 0; start <= len(s); {
		end := strings.IndexByte(s[start:], ';')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		if spec := s[start:end]; strings.TrimLeft(spec, " \t\r\n") != "" {
			t, err := parseTag(spec, start)
			if err != nil {
				errs = append(errs, err.(*Error))
			} else {
				tags = append(tags, t)
			}
		}
		start = end + 1
	}
	return tags, errs
}
