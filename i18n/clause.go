package i18n

import (
	"sort"
	"strings"
	"text/template"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Clauses are sentence parts that a producer names by a code of its own
// rather than by a finding code: the kind of an SPF parse error ("unknown
// mechanism …"), the hint that comes with it, the name of a character
// pasted by mistake. They live under "text.<set>.<code>" (text.spf-problem.
// unknown-mechanism), and a message inserts the one a parameter names with
// sub:
//
//	{{sub "spf-problem" .error .}}
//
// which renders the clause of the set whose code the parameter error holds,
// in the message's language, from the message's own parameters. A clause
// may insert a clause of its own (the name of a character in a hint), to
// maxSubDepth levels (deeper, sub renders empty); a code the set lacks
// renders empty; and [Catalog.Fields] of a message counts the parameters
// of every clause of the sets it inserts from.

// subDepth is the parameter that counts, in its length, the levels of
// clauses a clause is rendered in, so that clauses inserting each other
// end instead of recursing; a template cannot name it.
const subDepth = "\x00sub"

// maxSubDepth bounds the levels of clauses within a message.
const maxSubDepth = 2

// ClauseID is the message id of the clause code of a set:
// "text.<set>.<code>".
func ClauseID(set, code string) string { return "text." + set + "." + code }

// Clauses returns the ids of the clauses of a set in a catalogue language,
// sorted.
func (c *Catalog) Clauses(tag language.Tag, set string) []string {
	prefix := ClauseID(set, "")
	var ids []string
	for id := range c.messages[c.Match(tag)] {
		if strings.HasPrefix(id, prefix) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// Clause renders the clause code of a set in the language tag matches
// (English when that language lacks it), filled from params; "" when no
// language has it or it does not render. It is what sub inserts into a
// message, for a program that words a producer's code itself (the
// [spf.ParseError] of a record a customer typed, say).
func (c *Catalog) Clause(tag language.Tag, set, code string, params Params) string {
	if code == "" || strings.ContainsAny(code, ".\x00") {
		return ""
	}
	return c.Text(tag, ClauseID(set, code), params)
}

// sub is the template function sub of lang.
func (c *Catalog) sub(lang language.Tag, set, code string, data map[string]string) string {
	depth := data[subDepth]
	if len(depth) >= maxSubDepth {
		return ""
	}
	params := make(Params, len(data)+1)
	for k, v := range data {
		params[k] = v
	}
	params[subDepth] = depth + "+"
	return c.Clause(lang, set, code, params)
}

// Selectors returns the parameters the English message id passes to sub
// as codes, in it and in the clauses it inserts, sorted: parameters whose
// values choose a clause ("unknown-mechanism") rather than appear in the
// sentence. It returns nil for an unknown message.
func (c *Catalog) Selectors(id string) []string {
	m, ok := c.messages[English][id]
	if !ok {
		return nil
	}
	seen := map[string]bool{}
	c.selectors(m, seen, maxSubDepth)
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (c *Catalog) selectors(m *goi18n.Message, seen map[string]bool, depth int) {
	for _, src := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		if src == "" {
			continue
		}
		t, err := template.New("").Funcs(funcs(c, English)).Parse(src)
		if err != nil {
			continue
		}
		walk(t.Tree.Root, func(string) {}, func(set, code string) {
			if code != "" {
				seen[code] = true
			}
			if depth == 0 {
				return
			}
			for _, id := range c.Clauses(English, set) {
				c.selectors(c.messages[English][id], seen, depth-1)
			}
		})
	}
}
