package i18n

import (
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// numberTag is the locale numbers are written in for a catalogue
// language: German as in Switzerland (1’000), like its spelling.
func numberTag(lang language.Tag) language.Tag {
	if lang == language.German {
		return language.MustParse("de-CH")
	}
	return lang
}

// Number writes an integer given as text the way readers of tag write
// numbers: 10,000 in English, 10’000 in Swiss German, 10 000 in French.
// Text that is not an integer is returned as it is.
func (c *Catalog) Number(tag language.Tag, s string) string {
	return formatNumber(c.Match(tag), s)
}

func formatNumber(lang language.Tag, s string) string {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return s
	}
	return message.NewPrinter(numberTag(lang)).Sprint(number.Decimal(n))
}

// Date writes the day of t as readers of tag write dates, with the layout
// of the catalogue's message format.date (a Go time layout).
func (c *Catalog) Date(tag language.Tag, t time.Time) string {
	layout, err := c.Render(tag, "format.date", nil)
	if err != nil || layout == "" {
		layout = "2006-01-02"
	}
	return t.Format(layout)
}

// funcs are the functions a message of lang may call:
//
//	q       the value in double quotes, Go-escaped, as English writes %q
//	num     the integer written as lang writes numbers
//	list    a list written "a, b, c" (as parameters hold lists) joined
//	        as lang writes one in a sentence: "a, b and c"
//	stepOf  the step number N of an English "make step N of the
//	        customer's changes …" (a fix some findings carry as a
//	        parameter), or "" when the value is another sentence
//	sub     the clause of a set whose code a parameter holds, in lang,
//	        from the message's parameters: {{sub "spf-problem" .error .}}
//	        (see [Catalog.Clause])
//	sec     a reference "RFC 9989, Section 4.10.1" with lang's word for
//	        a section (the message format.section)
func funcs(c *Catalog, lang language.Tag) template.FuncMap {
	return template.FuncMap{
		"sub":    func(set, code string, data map[string]string) string { return c.sub(lang, set, code, data) },
		"q":      strconv.Quote,
		"num":    func(s string) string { return formatNumber(lang, s) },
		"stepOf": stepOf,
		"list":   func(s string) string { return joinList(lang, s) },
		"sec":    func(s string) string { return c.section(lang, s) },
	}
}

// section writes a reference to an RFC's section, "RFC 9989, Section
// 4.10.1", with lang's word for a section; another text is left as it is.
func (c *Catalog) section(lang language.Tag, s string) string {
	rfc, n, ok := strings.Cut(s, ", Section ")
	if !ok {
		return s
	}
	word, err := c.Render(lang, "format.section", nil)
	if err != nil || word == "" {
		return s
	}
	return rfc + ", " + word + " " + n
}

// conjunctions are the words that join the last two items of a list.
var conjunctions = map[language.Tag]string{
	language.English: " and ", language.German: " und ", language.French: " et ",
	language.Italian: " e ", language.Dutch: " en ",
}

// joinList writes the items of a parameter list ("a, b, c") as lang joins
// them in a sentence ("a, b and c").
func joinList(lang language.Tag, s string) string {
	items := strings.Split(s, ", ")
	if len(items) < 2 {
		return s
	}
	and, ok := conjunctions[lang]
	if !ok {
		and = " and "
	}
	return strings.Join(items[:len(items)-1], ", ") + and + items[len(items)-1]
}

// stepRef is how the vendor check words a fix that is a step of the plan.
var stepRef = regexp.MustCompile(`^make step ([0-9]+) of the customer's changes\b`)

func stepOf(s string) string {
	if m := stepRef.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}
