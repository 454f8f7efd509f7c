package main

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/mailbox"
	"github.com/domainauth/domainauth/plan"
)

// pageLang is the language of a page: ?lang= when the reader chose one
// with the language switch, else the browser's Accept-Language, else
// English; matched to the catalogue's languages (de-CH reads de).
func pageLang(r *http.Request) language.Tag {
	if l := r.URL.Query().Get("lang"); l != "" {
		if tag, err := demo.ParseLang(l); err == nil {
			return tag
		}
	}
	return i18n.Default().MatchString(r.Header.Get("Accept-Language"))
}

// T renders the catalogue's message id in the page's language, filled from
// name, value pairs; html/template escapes what it returns.
func (p page) T(id string, kv ...string) string {
	params := i18n.Params{}
	for i := 0; i+1 < len(kv); i += 2 {
		params[kv[i]] = kv[i+1]
	}
	return i18n.Default().Text(p.Lang, id, params)
}

// pageError is why a check request was refused, as the page says it in
// lang: in English the check's own words; in another language the
// catalogue's sentence for the situation.
func pageError(lang language.Tag, domain string, err error) string {
	if i18n.Default().Match(lang) == i18n.English {
		return err.Error()
	}
	id := "not-a-domain"
	switch {
	case errors.Is(err, errBusy):
		id = "busy"
	case errors.Is(err, errServerBusy):
		id = "server-busy"
	case errors.Is(err, errTooLong):
		id = "too-long"
	case strings.TrimSpace(domain) == "":
		id = "empty"
	}
	return i18n.Default().Text(lang, "text.web.error."+id, i18n.Params{"domain": domain})
}

// RuleFix is a rule's fix in the page's language: the step of the plan
// that makes it hold ("Schritt 1 Ihrer Änderungen ausführen …").
func (p page) RuleFix(r *mailbox.RuleResult) string { return r.In(p.Lang).Fix }

// English says whether the page is in English, whose steps keep their
// short form ("Edit the TXT record at @ in the zone …").
func (p page) English() bool { return p.Lang == i18n.English }

// Step is a change's step sentence in the page's language, as the text
// report words it ("Fügen Sie einen CNAME-Eintrag bei default._domainkey
// in der Zone example.ch hinzu"), without its closing colon.
func (p page) Step(c plan.Change) string {
	line, _, _ := strings.Cut(c.In(p.Lang).Text, "\n")
	return strings.TrimSuffix(line, ":")
}

// LangParam says whether the page carries its language in the form, so
// that a check keeps the language the reader chose.
func (p page) LangParam() bool { return p.Lang != i18n.English }

// pageLanguage is one entry of the language switch.
type pageLanguage struct {
	Tag, Name, URL string
	Current        bool
}

// languageNames are the languages as their readers name them.
var languageNames = map[string]string{"en": "English", "de": "Deutsch", "fr": "Français", "it": "Italiano", "nl": "Nederlands"}

// Languages is the language switch: a link to this page in each language.
func (p page) Languages() []pageLanguage {
	var out []pageLanguage
	for _, tag := range i18n.Languages() {
		q := url.Values{"lang": {tag.String()}}
		path := "/"
		if p.Domain != "" {
			q.Set("domain", p.Domain)
			path = "/check"
		}
		out = append(out, pageLanguage{Tag: tag.String(), Name: languageNames[tag.String()], URL: path + "?" + q.Encode(), Current: tag == p.Lang})
	}
	return out
}

// Again is the link that checks the domain again, in the page's language.
func (p page) Again() string {
	q := url.Values{"domain": {p.Domain}}
	if p.LangParam() {
		q.Set("lang", p.Lang.String())
	}
	return "/check?" + q.Encode()
}

// stepTTL is the TTL a step's records are published with, "" when it
// publishes none.
func stepTTL(c plan.Change) string {
	if add := c.Added(); len(add) > 0 {
		return strconv.FormatUint(uint64(add[0].TTL), 10)
	}
	return ""
}

// matrixRow is one rule of the providers' matrix: the rule as the
// providers share it ("dmarc-policy"), what it asks for in the page's
// language ("die Mail besteht SPF oder DKIM"), and each provider's result,
// nil where the provider has no such rule.
type matrixRow struct {
	Rule, Summary string
	Cells         []*mailbox.RuleResult
}

// Matrix lays the providers' rules about the customer's DNS out as rows (a
// rule, by its ID without the provider's prefix, and what the first
// provider's rule asks for) and columns (the providers, in the order of
// the sections). The vendor's own rules are the vendor's and not shown.
func (p page) Matrix(secs []domaincheck.ProviderSection) []matrixRow {
	var rows []matrixRow
	index := map[string]int{}
	for col, sec := range secs {
		for i := range sec.Rules {
			r := &sec.Rules[i]
			if r.Party != plan.PartyCustomer {
				continue
			}
			_, key, ok := strings.Cut(string(r.Rule), "-")
			if !ok {
				key = string(r.Rule)
			}
			j, seen := index[key]
			if !seen {
				j = len(rows)
				index[key] = j
				row := matrixRow{Rule: key, Summary: key, Cells: make([]*mailbox.RuleResult, len(secs))}
				if rule, ok := mailbox.Lookup(r.Rule); ok {
					row.Summary = rule.In(p.Lang).Summary
				}
				rows = append(rows, row)
			}
			rows[j].Cells[col] = r
		}
	}
	return rows
}
