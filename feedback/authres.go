package feedback

import (
	"errors"
	"strings"
)

// The Authentication-Results grammar (RFC 8601, Section 2.2) allows CFWS,
// comments and quoted strings as RFC 5322, Section 3.2.2 defines them, almost
// everywhere: "mx.example (amavis); dkim=pass (2048-bit key; unprotected
// key) header.d=customer.example". A parser that splits the field on ";"
// first (go-msgauth's authres.Parse does, as its own TODO says) cuts a
// comment holding a ";" in two and loses the results after it. The lexer
// below reads comments and quoted strings before it looks for ";".

// Limits of [parseAuthResults]: a field is read up to maxFieldLen bytes,
// comments nest at most maxCommentDepth deep, and at most maxResults
// results are kept.
const (
	maxFieldLen     = 64 << 10
	maxCommentDepth = 16
	maxResults      = 64
)

// authResults is one Authentication-Results field: whose results, and the
// results.
type authResults struct {
	ID      string // the authserv-id
	Results []methodResult
}

// methodResult is one resinfo: "dkim=pass header.d=customer.example".
type methodResult struct {
	Method  string            // spf, dkim, dmarc, arc, ... (lower case)
	Result  string            // pass, fail, ... (lower case)
	Reason  string            // reason=
	Props   map[string]string // "header.d" -> "customer.example"
	Comment string            // the comments inside it, joined
}

type tokKind int

const (
	tokWord  tokKind = iota // an atom, dot-atom or value
	tokQuote                // a quoted string, without its quotes
	tokSemi                 // ";"
	tokEq                   // "="
)

type token struct {
	kind tokKind
	text string
}

// lexAuthResults splits a field into tokens, dropping CFWS and returning
// the comments' text beside each resinfo (by the index of the ";" before
// it; 0 is the part before the first ";").
func lexAuthResults(v string) ([]token, map[int]string, error) {
	if len(v) > maxFieldLen {
		return nil, nil, errors.New("the field is over 64 KB")
	}
	var toks []token
	comments := map[int]string{}
	semis := 0
	addComment := func(c string) {
		c = strings.Join(strings.Fields(c), " ")
		if c == "" {
			return
		}
		if comments[semis] != "" {
			c = comments[semis] + "; " + c
		}
		comments[semis] = c
	}
	for i := 0; i < len(v); {
		c := v[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '(':
			depth, start := 0, i+1
			j := i
			for ; j < len(v); j++ {
				switch v[j] {
				case '\\':
					j++
				case '(':
					depth++
					if depth > maxCommentDepth {
						return nil, nil, errors.New("comments nested too deep")
					}
				case ')':
					depth--
				}
				if depth == 0 {
					break
				}
			}
			if depth != 0 {
				return nil, nil, errors.New("a comment is not closed")
			}
			addComment(v[start:j])
			i = j + 1
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(v) && v[j] != '"'; j++ {
				if v[j] == '\\' && j+1 < len(v) {
					j++
				}
				b.WriteByte(v[j])
			}
			if j >= len(v) {
				return nil, nil, errors.New("a quoted string is not closed")
			}
			toks = append(toks, token{tokQuote, b.String()})
			i = j + 1
		case c == ';':
			toks = append(toks, token{kind: tokSemi})
			semis++
			i++
		case c == '=':
			toks = append(toks, token{kind: tokEq})
			i++
		default:
			j := i
			for j < len(v) && !strings.ContainsRune(" \t\r\n()\";=", rune(v[j])) {
				j++
			}
			if j == i {
				return nil, nil, errors.New(`a ")" closes no comment`)
			}
			toks = append(toks, token{tokWord, v[i:j]})
			i = j
		}
	}
	return toks, comments, nil
}

// parseAuthResults reads an Authentication-Results field value (RFC 8601,
// Section 2.2), or an ARC-Authentication-Results value without its "i="
// tag. A field that starts with a result rather than an authserv-id
// (Microsoft 365 writes none) gets the id "".
func parseAuthResults(v string) (*authResults, error) {
	toks, comments, err := lexAuthResults(v)
	if err != nil {
		return nil, err
	}
	ar := &authResults{}
	// The groups between ";".
	var groups [][]token
	cur := []token{}
	for _, t := range toks {
		if t.kind == tokSemi {
			groups = append(groups, cur)
			cur = []token{}
			continue
		}
		cur = append(cur, t)
	}
	groups = append(groups, cur)
	first := groups[0]
	switch {
	case len(first) == 0:
		return nil, errors.New("no authserv-id")
	case len(first) >= 2 && first[1].kind == tokEq:
		// No authserv-id: the first group is already a result.
	default:
		if first[0].kind != tokWord && first[0].kind != tokQuote || first[0].text == "" {
			return nil, errors.New("no authserv-id")
		}
		ar.ID = strings.ToLower(first[0].text)
		// An optional version ("mx.example 1;"), then nothing else.
		rest := first[1:]
		if len(rest) > 0 && rest[0].kind == tokWord && rest[0].text == "1" {
			rest = rest[1:]
		}
		if len(rest) == 1 && rest[0].kind == tokWord && strings.EqualFold(rest[0].text, "none") {
			rest = nil // "mx.example; none" is written "mx.example none" by some
		}
		if len(rest) > 0 {
			return nil, errors.New("unexpected text after the authserv-id " + quoteShort(ar.ID))
		}
		groups = groups[1:]
	}
	for gi, g := range groups {
		if len(g) == 0 {
			continue
		}
		if len(g) == 1 && g[0].kind == tokWord && strings.EqualFold(g[0].text, "none") {
			continue // no-result
		}
		res, err := parseResInfo(g)
		if err != nil {
			return nil, err
		}
		idx := gi + 1
		if ar.ID == "" && len(first) > 0 && len(first) >= 2 && first[1].kind == tokEq {
			idx = gi
		}
		res.Comment = comments[idx]
		if len(ar.Results) < maxResults {
			ar.Results = append(ar.Results, res)
		}
	}
	return ar, nil
}

// parseResInfo reads "method[/version]=result *(ptype.property=value)".
func parseResInfo(g []token) (methodResult, error) {
	var m methodResult
	i := 0
	if g[i].kind != tokWord {
		return m, errors.New("a result does not start with a method")
	}
	m.Method, _, _ = strings.Cut(strings.ToLower(g[i].text), "/") // "dkim/1": a method version
	i++
	if i+1 >= len(g) || g[i].kind != tokEq || g[i+1].kind == tokEq {
		return m, errors.New("method " + quoteShort(m.Method) + " has no result")
	}
	if !isKeyword(m.Method) || g[i+1].kind != tokWord || !isKeyword(g[i+1].text) {
		return m, errors.New("a result is not written method=result")
	}
	m.Result = strings.ToLower(g[i+1].text)
	i += 2
	m.Props = map[string]string{}
	for i < len(g) {
		if g[i].kind != tokWord || i+2 >= len(g) || g[i+1].kind != tokEq || g[i+2].kind == tokEq || g[i+2].kind == tokSemi {
			// Free text between properties (some MTAs write it): skip it.
			i++
			continue
		}
		key, val := strings.ToLower(g[i].text), g[i+2].text
		i += 3
		// An addr-spec whose local part is quoted: "\"a b\"@example".
		if g[i-1].kind == tokQuote && i < len(g) && g[i].kind == tokWord && strings.HasPrefix(g[i].text, "@") && !(i+1 < len(g) && g[i+1].kind == tokEq) {
			val += g[i].text
			i++
		}
		if key == "reason" {
			m.Reason = val
		} else {
			m.Props[key] = val
		}
	}
	return m, nil
}

// isKeyword: the characters of a method or result name (RFC 8601,
// Section 2.2, Keyword, with "_" and "." that some MTAs use).
func isKeyword(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func quoteShort(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return `"` + s + `"`
}
