package spf

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// lookalikes are characters that people paste into records in place of the
// ASCII ones the syntax needs: word processors and chat tools turn "-" into
// dashes and quotes into curly ones, and web pages carry non-breaking spaces.
var lookalikes = map[rune]struct {
	ascii string
	name  string
}{
	'\u2010': {"-", "a hyphen (U+2010)"},
	'\u2011': {"-", "a non-breaking hyphen (U+2011)"},
	'\u2012': {"-", "a figure dash (U+2012)"},
	'\u2013': {"-", "an en dash (U+2013)"},
	'\u2014': {"-", "an em dash (U+2014)"},
	'\u2212': {"-", "a minus sign (U+2212)"},
	'\u00a0': {" ", "a non-breaking space (U+00A0)"},
	'\u2002': {" ", "an en space (U+2002)"},
	'\u2003': {" ", "an em space (U+2003)"},
	'\u2009': {" ", "a thin space (U+2009)"},
	'\u202f': {" ", "a narrow non-breaking space (U+202F)"},
	'\u3000': {" ", "an ideographic space (U+3000)"},
	'\t':     {" ", "a tab"},
	'\n':     {" ", "a line break"},
	'\r':     {"", "a carriage return"},
	'\u200b': {"", "a zero-width space (U+200B)"},
	'\ufeff': {"", "a byte-order mark (U+FEFF)"},
	'\u201c': {`"`, "a curly quote (U+201C)"},
	'\u201d': {`"`, "a curly quote (U+201D)"},
	'\u201e': {`"`, "a low curly quote (U+201E)"},
	'\u2018': {"'", "a curly apostrophe (U+2018)"},
	'\u2019': {"'", "a curly apostrophe (U+2019)"},
	'\uff1a': {":", "a full-width colon (U+FF1A)"},
}

// findLookalike returns the first look-alike character in s, its offset and
// what it stands for.
func findLookalike(s string) (off int, r rune, ok bool) {
	for i, c := range s {
		if _, found := lookalikes[c]; found {
			return i, c, true
		}
	}
	return 0, 0, false
}

// repair replaces look-alikes with what they stand for, removes quotes
// around the whole text, and folds runs of spaces, giving what the person
// probably meant.
func repair(s string) string {
	var b strings.Builder
	for _, c := range s {
		if l, ok := lookalikes[c]; ok {
			b.WriteString(l.ascii)
			continue
		}
		b.WriteRune(c)
	}
	out := strings.TrimSpace(b.String())
	for len(out) >= 2 && (out[0] == '"' && out[len(out)-1] == '"' || out[0] == '\'' && out[len(out)-1] == '\'') {
		out = strings.TrimSpace(out[1 : len(out)-1])
	}
	// A record pasted as several quoted strings: "v=spf1 a" "-all".
	if strings.Contains(out, `" "`) && strings.HasPrefix(out, "v=spf1") {
		out = strings.ReplaceAll(out, `" "`, "")
	}
	return strings.Join(strings.Fields(out), " ")
}

// explainNotSPF adds a hint to an ErrNotSPF error when the text is an SPF
// record in disguise.
func explainNotSPF(e *ParseError) {
	s := e.Input
	lower := asciiLower(s) // same length as s, so offsets carry over
	fixed := repair(s)
	at := strings.Index(lower, "v=spf1")
	switch {
	case at == 0 && len(s) > 6: // "v=spf1" not followed by a space
		if off, r, ok := findLookalike(s); ok && off == 6 {
			e.Offset = off
			e.Hint = fmt.Sprintf(`"v=spf1" is followed by %s, not a space, so receivers do not see an SPF record`, lookalikes[r].name)
			break
		}
		e.Offset = 6
		e.Reason = `"v=spf1" is not followed by a space`
		if c := s[6]; c == '0' || c == '.' || '0' <= c && c <= '9' {
			return // another version tag: genuinely not SPF
		}
		e.Hint = "put a space after v=spf1"
		fixed = s[:6] + " " + s[6:]
	case strings.HasPrefix(lower, "v=spf2"), strings.HasPrefix(lower, "spf2.0/"):
		e.Hint = "this is a Sender ID record (RFC 4406, obsolete); receivers ignore it; publish a v=spf1 record instead"
		return
	case at > 0:
		before := s[:at]
		switch {
		case strings.TrimSpace(before) == "":
			e.Hint = "remove the space before v=spf1: the record must start with it"
		case strings.Trim(before, ` "'`) == "" || strings.Trim(before, " \"\u201c\u201d\u201e\u2018\u2019'") == "":
			e.Hint = "the quotes are part of the published value; enter the record without quotes (your DNS provider adds them itself)"
		default:
			e.Hint = fmt.Sprintf("the record must start with v=spf1, but starts with %q", before)
			return
		}
	case strings.HasPrefix(lower, "spf1 ") || strings.HasPrefix(lower, "v=spf "):
		e.Hint = `the record must start with "v=spf1"`
		fixed = "v=spf1 " + strings.TrimSpace(s[strings.IndexByte(s, ' '):])
	default:
		return
	}
	if r, err := parse(fixed, false); err == nil {
		e.Suggestion = r.Text()
	}
}

// asciiLower lower-cases ASCII letters only, keeping every byte offset.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// explainSyntax adds a hint to a syntax error: a look-alike character, a
// misspelt mechanism, or a record pasted across lines.
func explainSyntax(e *ParseError) {
	if off, r, ok := findLookalike(e.Input); ok {
		l := lookalikes[r]
		what := fmt.Sprintf("%q", l.ascii)
		if l.ascii == "" {
			what = "nothing"
		}
		e.Hint = fmt.Sprintf("the record contains %s at offset %d where %s was meant (pasted from a document or web page?)", l.name, off, what)
		if r == '\n' || r == '\r' {
			e.Hint = fmt.Sprintf("the record is split across lines at offset %d; a TXT value must be one line", off)
		}
		if p, err := parse(repair(e.Input), false); err == nil {
			e.Suggestion = p.Text()
		}
		return
	}
	if i := strings.IndexFunc(e.Input, func(r rune) bool { return r >= utf8.RuneSelf }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(e.Input[i:])
		e.Hint = fmt.Sprintf("the record contains the non-ASCII character %q (U+%04X) at offset %d; SPF records are ASCII only", r, r, i)
		return
	}
	if strings.HasPrefix(e.Reason, "unknown mechanism") {
		name := strings.ToLower(strings.TrimLeft(e.Term, "+-~?"))
		if i := strings.IndexAny(name, ":/="); i >= 0 {
			name = name[:i]
		}
		for _, m := range []Mechanism{MechAll, MechInclude, MechA, MechMX, MechPTR, MechIP4, MechIP6, MechExists} {
			if len(m) > 1 && editDistance(name, string(m)) <= 2 {
				e.Hint = fmt.Sprintf("did you mean %q?", string(m))
				fixed := e.Input[:e.Offset] + string(m) + e.Input[e.Offset+len(name):]
				if p, err := parse(fixed, false); err == nil {
					e.Suggestion = p.Text()
				}
				return
			}
		}
		if strings.HasPrefix(name, "redirect") || strings.HasPrefix(name, "exp") {
			e.Hint = `modifiers are written with "=", as in redirect=example.com`
		}
	}
}

// editDistance is the Levenshtein distance of two short ASCII strings.
func editDistance(a, b string) int {
	if len(a) > 32 || len(b) > 32 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
