package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
)

// TestGoldenInEachLanguage: the demo domains' reports in every language of
// the catalogue, compared whole with testdata/demo.<lang>.text; English is
// the report as the sender package writes it.
func TestGoldenInEachLanguage(t *testing.T) {
	for _, lang := range i18n.Languages() {
		var out, errs bytes.Buffer
		err := run(context.Background(), &out, &errs, demoChecker(t), options{format: "text", domains: demoDomains, concurrency: 4, lang: lang})
		if err != errChanges {
			t.Fatalf("-lang %s: err = %v, want changes needed\n%s", lang, err, errs.String())
		}
		if lang == i18n.English {
			golden.Check(t, "demo.text", out.String())
			continue
		}
		golden.Check(t, "demo."+lang.String()+".text", out.String())
		// Nothing of the English verdicts and labels is left.
		for _, english := range []string{"may not send as", "The customer's DNS changes", "Add a CNAME record", "(or your provider's default)", "\n  error ", "\n    fix: "} {
			if strings.Contains(out.String(), english) {
				t.Errorf("-lang %s: %q is still English", lang, english)
			}
		}
	}
}

// TestJSONInGerman: the JSON of a report in German keeps every code and
// parameter of the English one and words its summary, findings and steps
// in German.
func TestJSONInGerman(t *testing.T) {
	type doc struct {
		Domains []struct {
			Summary string
			Areas   []struct {
				Findings []struct {
					Code    string
					Params  map[string]string
					Message string
				}
			}
			Plan struct {
				Changes []struct {
					Text    string
					Reasons []struct{ Code, Text string }
				}
			}
		}
	}
	read := func(lang language.Tag) doc {
		var out bytes.Buffer
		run(context.Background(), &out, io.Discard, demoChecker(t), options{format: "json", domains: []string{"customer.example", "new.example"}, concurrency: 2, lang: lang})
		var d doc
		if err := json.Unmarshal(out.Bytes(), &d); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if lang == language.German {
			golden.Check(t, "demo.de.json", out.String())
		}
		return d
	}
	en, de := read(language.English), read(language.German)
	for i := range en.Domains {
		if !strings.Contains(de.Domains[i].Summary, "DNS-Änderungen") {
			t.Errorf("German summary: %q", de.Domains[i].Summary)
		}
		for j, a := range en.Domains[i].Areas {
			for k, f := range a.Findings {
				g := de.Domains[i].Areas[j].Findings[k]
				if g.Code != f.Code || len(g.Params) != len(f.Params) {
					t.Errorf("%s: the code or params changed in German", f.Code)
				}
				if g.Message == f.Message && f.Code != "spf-vendor-passes" {
					t.Errorf("%s: the message is still English: %q", f.Code, g.Message)
				}
			}
		}
		for _, c := range de.Domains[i].Plan.Changes {
			if c.Text == "" {
				t.Error("a German change has no text")
			}
		}
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]string{"": "en", "de": "de", "de-CH": "de", "fr-CH": "fr", "nl-BE": "nl", "it": "it", "ja": "en"} {
		got, err := demo.ParseLang(in)
		if err != nil || got.String() != want {
			t.Errorf("demo.ParseLang(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	if _, err := demo.ParseLang("not a tag!"); err == nil {
		t.Error("a bad -lang was accepted")
	}
}

// The vendor's section in German words a broken key record's errors in
// German too: no English sentence of the DKIM lint inside it.
func TestVendorSectionBrokenKeyInGerman(t *testing.T) {
	z := demo.Zone()
	z.Remove("default._domainkey.vendor.example.", dnsrec.TypeTXT)
	if err := z.Add(`default._domainkey.vendor.example. IN TXT "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"`); err != nil {
		t.Fatal(err)
	}
	v := (&domaincheck.Checker{Profile: demoProfile(t), Resolver: z}).CheckVendor(context.Background())
	var english string
	for _, f := range v.Findings {
		if f.Code == domaincheck.CodeVendorKey {
			english = f.Params["problem"]
		}
	}
	if english == "" {
		t.Fatalf("no broken key record found: %v", v.Findings)
	}
	de := newReporter(language.MustParse("de-CH")).vendor(v)
	if strings.Contains(de, english) || !strings.Contains(de, "des Anbieters ist fehlerhaft: ") {
		t.Errorf("the German vendor section:\n%s\nholds the English %q, or not the sentence", de, english)
	}
}
