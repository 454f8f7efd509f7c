package i18n

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"text/template/parse"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	i18ntemplate "github.com/nicksnyder/go-i18n/v2/i18n/template"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

//go:embed messages/*.yaml
var files embed.FS

// English is the catalogue's source language: every message exists in it,
// and a message missing from another language is rendered in it.
var English = language.English

// languages are the catalogue's languages, English first (the fallback of
// the matcher).
var languages = []language.Tag{language.English, language.German, language.French, language.Italian, language.Dutch}

// Languages returns the catalogue's languages, English first.
func Languages() []language.Tag { return slices.Clone(languages) }

// Errors of [Catalog.Render].
var (
	ErrUnknownMessage = errors.New("i18n: no such message")
	ErrTemplate       = errors.New("i18n: message does not render")
)

// Params are the values a message is filled from, by name: the values of
// [plan.Finding.Params]. They are inserted verbatim.
type Params = map[string]string

// Catalog holds the messages of every language, parsed once. It is
// immutable and safe for concurrent use.
type Catalog struct {
	bundle     *goi18n.Bundle
	matcher    language.Matcher
	localizers map[language.Tag]*goi18n.Localizer
	parsers    map[language.Tag]*textParser
	messages   map[language.Tag]map[string]*goi18n.Message
}

// New parses the embedded message files.
func New() (*Catalog, error) {
	c := &Catalog{
		bundle:     goi18n.NewBundle(English),
		matcher:    language.NewMatcher(languages),
		localizers: map[language.Tag]*goi18n.Localizer{},
		parsers:    map[language.Tag]*textParser{},
		messages:   map[language.Tag]map[string]*goi18n.Message{},
	}
	c.bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	for _, tag := range languages {
		name := "messages/" + tag.String() + ".yaml"
		buf, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		mf, err := c.bundle.ParseMessageFileBytes(buf, path.Base(name))
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", name, err)
		}
		if mf.Tag != tag {
			return nil, fmt.Errorf("i18n: %s holds %s, not %s", name, mf.Tag, tag)
		}
		ms := map[string]*goi18n.Message{}
		for _, m := range mf.Messages {
			ms[m.ID] = m
		}
		c.messages[tag] = ms
		c.localizers[tag] = goi18n.NewLocalizer(c.bundle, tag.String())
		c.parsers[tag] = &textParser{lang: tag, c: c}
	}
	return c, nil
}

var defaultCatalog = sync.OnceValue(func() *Catalog {
	c, err := New()
	if err != nil {
		panic(err) // the embedded files are tested; this is a broken build
	}
	return c
})

// Default returns the catalogue of the embedded message files, parsed on
// first use.
func Default() *Catalog { return defaultCatalog() }

// Match returns the catalogue language that serves a reader who prefers
// the given languages, in order: de-CH and de-AT read de, fr-CH fr, nl-BE
// nl, and a language the catalogue lacks reads English.
func (c *Catalog) Match(prefs ...language.Tag) language.Tag {
	_, i, conf := c.matcher.Match(prefs...)
	if conf == language.No {
		return English
	}
	return languages[i]
}

// MatchString is [Catalog.Match] for a language as text: a tag ("de-CH"),
// or an HTTP Accept-Language value ("fr-CH, fr;q=0.9, en;q=0.5"). Text that
// names no language reads English.
func (c *Catalog) MatchString(s string) language.Tag {
	tags, _, err := language.ParseAcceptLanguage(s)
	if err != nil || len(tags) == 0 {
		return English
	}
	return c.Match(tags...)
}

// Has reports whether the catalogue has the message id in the language
// tag serves, without falling back to English.
func (c *Catalog) Has(tag language.Tag, id string) bool {
	_, ok := c.messages[c.Match(tag)][id]
	return ok
}

// IDs returns the ids of the messages of a catalogue language, sorted.
func (c *Catalog) IDs(tag language.Tag) []string {
	ms := c.messages[c.Match(tag)]
	ids := make([]string, 0, len(ms))
	for id := range ms {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Render fills the message id of the language tag matches from params. A
// message missing in that language is rendered in English;
// [ErrUnknownMessage] says English lacks it too. A parameter the message
// uses and params lacks renders empty (its sentences are written so that
// an optional value is tested first); values are inserted as they are,
// never read as template text.
func (c *Catalog) Render(tag language.Tag, id string, params Params) (string, error) {
	lang := c.Match(tag)
	m, ok := c.messages[lang][id]
	if !ok {
		lang = English
		if m, ok = c.messages[lang][id]; !ok {
			return "", fmt.Errorf("%w: %q", ErrUnknownMessage, id)
		}
	}
	data := make(map[string]string, len(params))
	for k, v := range params {
		data[k] = v
	}
	lc := &goi18n.LocalizeConfig{MessageID: id, TemplateData: data, TemplateParser: c.parsers[lang]}
	if name, ok := countParam(m); ok {
		if n, err := strconv.ParseInt(strings.TrimSpace(params[name]), 10, 64); err == nil {
			lc.PluralCount = n
		}
	}
	s, err := c.localizers[lang].Localize(lc)
	if err != nil {
		return "", fmt.Errorf("%w: %s in %s: %v", ErrTemplate, id, lang, err)
	}
	return s, nil
}

// Text is [Catalog.Render] for callers that have a fallback: it returns
// "" when the message is unknown or does not render.
func (c *Catalog) Text(tag language.Tag, id string, params Params) string {
	s, err := c.Render(tag, id, params)
	if err != nil {
		return ""
	}
	return s
}

// countParam returns the parameter a message's plural forms are chosen
// by: its description reads "count: NAME".
func countParam(m *goi18n.Message) (string, bool) {
	name, ok := strings.CutPrefix(strings.TrimSpace(m.Description), "count:")
	name = strings.TrimSpace(name)
	return name, ok && name != ""
}

// Fields returns the parameters the message id of a catalogue language
// uses, in all its plural forms, and its count parameter, sorted: what the
// catalogue's tests compare across languages and against the codes'
// documented parameters. It returns nil for an unknown message.
func (c *Catalog) Fields(tag language.Tag, id string) []string {
	m, ok := c.messages[c.Match(tag)][id]
	if !ok {
		return nil
	}
	seen := map[string]bool{}
	c.fields(c.Match(tag), m, seen, maxSubDepth)
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// PluralForms returns the plural forms the message id of a catalogue
// language writes ("one", "other"), or nil when it has none but Other.
func (c *Catalog) PluralForms(tag language.Tag, id string) []string {
	m, ok := c.messages[c.Match(tag)][id]
	if !ok {
		return nil
	}
	var out []string
	for _, f := range []struct{ name, src string }{{"zero", m.Zero}, {"one", m.One}, {"two", m.Two}, {"few", m.Few}, {"many", m.Many}, {"other", m.Other}} {
		if f.src != "" {
			out = append(out, f.name)
		}
	}
	return out
}

// fields adds to seen the parameters message m of lang uses: its count
// parameter, the fields its plural forms read and those of every clause
// its calls of sub may insert, to depth levels (as deep as sub renders).
func (c *Catalog) fields(lang language.Tag, m *goi18n.Message, seen map[string]bool, depth int) {
	if name, ok := countParam(m); ok {
		seen[name] = true
	}
	for _, src := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		if src == "" {
			continue
		}
		t, err := template.New("").Funcs(funcs(c, English)).Parse(src)
		if err != nil {
			seen["!parse error: "+err.Error()] = true
			continue
		}
		walk(t.Tree.Root, func(name string) { seen[name] = true }, func(set, _ string) {
			if depth == 0 {
				return
			}
			for _, id := range c.Clauses(lang, set) {
				c.fields(lang, c.messages[lang][id], seen, depth-1)
			}
		})
	}
}

// walk calls fn with the name of every field (.name) a template reads, and
// sub with the set and the code's parameter of every call of sub
// (sub "set" .code .; "" for a code that is no parameter).
func walk(n parse.Node, fn func(string), sub func(set, code string)) {
	switch n := n.(type) {
	case nil:
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walk(c, fn, sub)
		}
	case *parse.ActionNode:
		walk(n.Pipe, fn, sub)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walk(c, fn, sub)
		}
	case *parse.CommandNode:
		if len(n.Args) >= 3 {
			if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "sub" {
				if set, ok := n.Args[1].(*parse.StringNode); ok {
					code := ""
					if f, ok := n.Args[2].(*parse.FieldNode); ok && len(f.Ident) > 0 {
						code = f.Ident[0]
					}
					sub(set.Text, code)
				}
			}
		}
		for _, a := range n.Args {
			walk(a, fn, sub)
		}
	case *parse.FieldNode:
		if len(n.Ident) > 0 {
			fn(n.Ident[0])
		}
	case *parse.IfNode:
		walk(n.Pipe, fn, sub)
		walk(n.List, fn, sub)
		walk(n.ElseList, fn, sub)
	case *parse.WithNode:
		walk(n.Pipe, fn, sub)
		walk(n.List, fn, sub)
		walk(n.ElseList, fn, sub)
	case *parse.RangeNode:
		walk(n.Pipe, fn, sub)
		walk(n.List, fn, sub)
		walk(n.ElseList, fn, sub)
	}
}

// textParser parses a language's templates with that language's
// functions. Each language has its own, and a template is only ever run
// with its own language's parser, so the parsed template can be cached.
type textParser struct {
	lang language.Tag
	c    *Catalog
}

func (p *textParser) Cacheable() bool { return true }

func (p *textParser) Parse(src, leftDelim, rightDelim string) (i18ntemplate.ParsedTemplate, error) {
	inner := &i18ntemplate.TextParser{LeftDelim: leftDelim, RightDelim: rightDelim, Funcs: funcs(p.c, p.lang), Option: "missingkey=zero"}
	return inner.Parse(src, leftDelim, rightDelim)
}
