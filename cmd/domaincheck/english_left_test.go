package main

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/mailbox"
)

// TestNoEnglishLeft renders every demo domain in each language (the text
// report, the summary, the JSON and the page), and every demo message's
// check, and fails on every line of
// the translated output that equals a line of the English output, unless
// that line is only values: names, records, codes, addresses, numbers, and
// the words a language writes as English does (sameWords). A sentence a
// producer words without a code stays English in every language, and
// shows here.
func TestNoEnglishLeft(t *testing.T) {
	values := englishValues(t)
	text := func(lang language.Tag, summary bool) []string {
		var out bytes.Buffer
		run(context.Background(), &out, io.Discard, demoChecker(t), options{format: "text", domains: demoDomains, concurrency: 4, lang: lang, summary: summary})
		return strings.Split(out.String(), "\n")
	}
	srv := httptest.NewServer(handler(demoChecker(t), nil))
	defer srv.Close()
	page := func(lang language.Tag, domain string) []string {
		resp, err := http.Get(srv.URL + "/check?domain=" + url.QueryEscape(domain) + "&lang=" + lang.String())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return textNodes(string(b))
	}
	en := map[string][]string{"text": text(i18n.English, false), "summary": text(i18n.English, true)}
	// The demo domains' pages, and the page of a name that is not a
	// domain and of none.
	pages := append(slices.Clone(demoDomains), "bad..name", "")
	for _, d := range pages {
		en["page "+d] = page(i18n.English, d)
	}
	message := func(lang language.Tag, m string) []string {
		var out bytes.Buffer
		runMessage(context.Background(), &out, &mailbox.MessageChecker{Resolver: demo.Zone(), Bulk: true}, demo.Sample(m), "text", lang)
		return strings.Split(out.String(), "\n")
	}
	for _, m := range demoMessages {
		en["message "+m] = message(i18n.English, m)
	}
	enJSON := jsonStrings(t, i18n.English)
	for _, lang := range i18n.Languages()[1:] {
		t.Run(lang.String(), func(t *testing.T) {
			check := func(what string, got, english []string) {
				for _, line := range got {
					if slices.Contains(english, line) && !onlyValues(line, values, sameWords[lang.String()]) {
						t.Errorf("%s: English left: %q", what, line)
					}
				}
			}
			check("text", text(lang, false), en["text"])
			check("summary", text(lang, true), en["summary"])
			for _, d := range pages {
				check("page "+d, page(lang, d), en["page "+d])
			}
			for _, m := range demoMessages {
				check("message "+m, message(lang, m), en["message "+m])
			}
			for path, s := range jsonStrings(t, lang) {
				if enJSON[path] == s && !onlyValues(s, values, sameWords[lang.String()]) {
					t.Errorf("JSON %s: English left: %q", path, s)
				}
			}
		})
	}
}

// sameWords are words a language writes as English does, which a line may
// hold and still be translated: a form's label ("Name"), a word the
// language took from English.
var sameWords = map[string][]string{
	"de": {"Name", "Status", "Domain", "Info", "Domains"},
	"fr": {"Info", "Type"},
	"it": {"Info"},
	"nl": {"Info", "Status", "Type"},
}

// sentenceKeys are the JSON fields that hold sentences; every other string
// is a value (a name, a record, a code, a parameter).
var sentenceKeys = map[string]bool{"summary": true, "message": true, "fix": true, "text": true, "sentence": true, "requirement": true, "blockers": true, "error": true, "reason": true}

// jsonStrings returns every string of the demo domains' JSON in lang by
// its path, parameters left out (they are values, some of them English
// clauses a message quotes).
func jsonStrings(t *testing.T, lang language.Tag) map[string]string {
	t.Helper()
	var out bytes.Buffer
	run(context.Background(), &out, io.Discard, demoChecker(t), options{format: "json", domains: demoDomains, concurrency: 4, lang: lang})
	var doc any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%s: %v", lang, err)
	}
	strs := map[string]string{}
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				if k != "params" {
					walk(c, path+"."+k)
				}
			}
		case []any:
			for i, c := range v {
				walk(c, path+"["+strconv.Itoa(i)+"]")
			}
		case string:
			strs[path] = v
		}
	}
	walk(doc, "")
	return strs
}

// englishValues are the values of the English JSON (every string outside
// a sentence, parameters included) and the providers' names, longest
// first: what a translated line may hold verbatim.
func englishValues(t *testing.T) []string {
	var out bytes.Buffer
	run(context.Background(), &out, io.Discard, demoChecker(t), options{format: "json", domains: demoDomains, concurrency: 4, lang: i18n.English})
	var doc any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var walk func(v any, key string, inParams bool)
	walk = func(v any, key string, inParams bool) {
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				walk(c, k, inParams || k == "params")
			}
		case []any:
			for _, c := range v {
				walk(c, key, inParams)
			}
		case string:
			if v != "" && (inParams || !sentenceKeys[key]) {
				seen[v] = true
			}
		}
	}
	walk(doc, "", false)
	for _, p := range mailbox.Providers() {
		seen[p.Name()] = true
	}
	for _, name := range languageNames {
		seen[name] = true // the language switch names each language in it
	}
	var vs []string
	for v := range seen {
		vs = append(vs, v)
	}
	sort.Slice(vs, func(i, j int) bool { return len(vs[i]) > len(vs[j]) || len(vs[i]) == len(vs[j]) && vs[i] < vs[j] })
	return vs
}

// valueToken is a word that is a value, not language: a name or address
// (a dot, @, : or /), a record's tag (=), a number, a code ("spf-no-all"),
// an acronym ("TXT", "DKIM"), a quoted string.
var valueToken = regexp.MustCompile(`"[^"]*"|\S*[.@=:/_0-9<>\[\]]\S*|\b[a-z0-9]+(-[a-z0-9]+)+\b|\b[A-Z][A-Z0-9]+\b`)

// word is what is left of language once the values are taken out.
var word = regexp.MustCompile(`\pL{2,}`)

// onlyValues reports whether s holds nothing but values and the words
// same that the language writes as English does.
func onlyValues(s string, values, same []string) bool {
	for _, v := range values {
		if len(v) > 2 {
			s = strings.ReplaceAll(s, v, " ")
		}
	}
	s = valueToken.ReplaceAllString(s, " ")
	for _, w := range word.FindAllString(s, -1) {
		if !slices.Contains(same, w) {
			return false
		}
	}
	return true
}

// tag matches an HTML tag, script and style included.
var tag = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]*>`)

// textNodes returns the text of a page between its tags, one entry a
// node, unescaped and trimmed.
func textNodes(page string) []string {
	var out []string
	for _, s := range tag.Split(page, -1) {
		if s = strings.TrimSpace(html.UnescapeString(s)); s != "" {
			out = append(out, s)
		}
	}
	return out
}
