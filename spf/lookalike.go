package spf

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// lookalikes are characters that people paste into records in place of the
// ASCII ones the syntax needs: word processors and chat tools turn "-" into
// dashes and quotes into curly ones, and web pages carry non-breaking spaces.
//
// Each is named by its code, "U+2013", in the message catalogue's clauses
// "text.spf-char.<code>" (an en dash).
var lookalikes = map[rune]string{
	'\u2010': "-", // hyphen
	'\u2011': "-", // non-breaking hyphen
	'\u2012': "-", // figure dash
	'\u2013': "-", // en dash
	'\u2014': "-", // em dash
	'\u2212': "-", // minus sign
	'\u00a0': " ", // non-breaking space
	'\u2002': " ", // en space
	'\u2003': " ", // em space
	'\u2009': " ", // thin space
	'\u202f': " ", // narrow non-breaking space
	'\u3000': " ", // ideographic space
	'\t':     " ", // tab
	'\n':     " ", // line break
	'\r':     "",  // carriage return
	'\u200b': "",  // zero-width space
	'\ufeff': "",  // byte-order mark
	'\u201c': `"`, // curly quote
	'\u201d': `"`, // curly quote
	'\u201e': `"`, // low curly quote
	'\u2018': "'", // curly apostrophe
	'\u2019': "'", // curly apostrophe
	'\uff1a': ":", // full-width colon
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
			b.WriteString(l)
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
			e.advise(AdviceVersionLookalike, "lookalike", codePoint(r))
			break
		}
		e.Offset = 6
		e.Problem = ProblemNoSpace
		e.Reason = clause(problemSet, string(e.Problem), e.Params)
		if c := s[6]; c == '0' || c == '.' || '0' <= c && c <= '9' {
			return // another version tag: genuinely not SPF
		}
		e.advise(AdviceSpaceAfterVersion)
		fixed = s[:6] + " " + s[6:]
	case strings.HasPrefix(lower, "v=spf2"), strings.HasPrefix(lower, "spf2.0/"):
		e.advise(AdviceSenderID)
		return
	case at > 0:
		before := s[:at]
		switch {
		case strings.TrimSpace(before) == "":
			e.advise(AdviceLeadingSpace)
		case strings.Trim(before, ` "'`) == "" || strings.Trim(before, " \"\u201c\u201d\u201e\u2018\u2019'") == "":
			e.advise(AdviceQuoted)
		default:
			e.advise(AdviceTextBefore, "before", before)
			return
		}
	case strings.HasPrefix(lower, "spf1 ") || strings.HasPrefix(lower, "v=spf "):
		e.advise(AdviceVersionMisspelt)
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
		switch at := strconv.Itoa(off); {
		case r == '\n' || r == '\r':
			e.advise(AdviceLineBreak, "at", at)
		case lookalikes[r] == "":
			e.advise(AdviceLookalike, "lookalike", codePoint(r), "at", at)
		default:
			e.advise(AdviceLookalike, "lookalike", codePoint(r), "at", at, "meant", lookalikes[r])
		}
		if p, err := parse(repair(e.Input), false); err == nil {
			e.Suggestion = p.Text()
		}
		return
	}
	if i := strings.IndexFunc(e.Input, func(r rune) bool { return r >= utf8.RuneSelf }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(e.Input[i:])
		e.advise(AdviceNonASCII, "character", strconv.QuoteRune(r), "codepoint", codePoint(r), "at", strconv.Itoa(i))
		return
	}
	if e.Problem == ProblemUnknownMechanism {
		name := strings.ToLower(strings.TrimLeft(e.Term, "+-~?"))
		if i := strings.IndexAny(name, ":/="); i >= 0 {
			name = name[:i]
		}
		for _, m := range []Mechanism{MechAll, MechInclude, MechA, MechMX, MechPTR, MechIP4, MechIP6, MechExists} {
			if len(m) > 1 && editDistance(name, string(m)) <= 2 {
				e.advise(AdviceDidYouMean, "meant", string(m))
				fixed := e.Input[:e.Offset] + string(m) + e.Input[e.Offset+len(name):]
				if p, err := parse(fixed, false); err == nil {
					e.Suggestion = p.Text()
				}
				return
			}
		}
		if strings.HasPrefix(name, "redirect") || strings.HasPrefix(name, "exp") {
			e.advise(AdviceModifierEquals)
		}
	}
}

// codePoint is the code of a character: "U+2013".
func codePoint(r rune) string { return fmt.Sprintf("U+%04X", r) }

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
