package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/internal/golden"
)

// TestWebInTheReadersLanguage: the page speaks the browser's language
// (Accept-Language, regional variants falling back), the language switch
// overrides it and the form keeps it; values stay verbatim and copy-able,
// hostile input stays escaped, and the English page is today's.
func TestWebInTheReadersLanguage(t *testing.T) {
	srv := httptest.NewServer(handler(demoChecker(t), nil))
	defer srv.Close()
	get := func(path, accept string) (int, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept-Language", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, de := get("/check?domain=customer.example", "de-CH, de;q=0.9, en;q=0.5")
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	golden.Check(t, "page.de.html", de)
	for _, want := range []string{`<html lang="de">`, "Darf Example CRM als Ihre Domain senden?",
		"Example CRM darf noch nicht als customer.example senden.", "Ihre DNS-Änderungen, in dieser Reihenfolge",
		"<code>v=spf1 include:spf.protection.outlook.example include:spf.vendor.example -all</code>",
		`data-copy="v=spf1 include:spf.protection.outlook.example include:spf.vendor.example -all"`,
		"bei default._domainkey.customer.example ist nichts veröffentlicht", `<input type="hidden" name="lang" value="de">`,
		`href="/check?domain=customer.example&amp;lang=fr"`, "<strong>Deutsch</strong>"} {
		if !strings.Contains(de, want) {
			t.Errorf("the German page lacks %q", want)
		}
	}
	for _, english := range []string{"Your DNS changes", "may not send as", "Fix:"} {
		if strings.Contains(de, english) {
			t.Errorf("the German page still says %q", english)
		}
	}
	// The switch wins over the browser.
	if _, fr := get("/check?domain=customer.example&lang=fr", "de-CH"); !strings.Contains(fr, `<html lang="fr">`) || !strings.Contains(fr, "Vos modifications DNS, dans cet ordre") {
		t.Error("?lang=fr did not give the French page")
	}
	if _, nl := get("/", "nl-BE"); !strings.Contains(nl, "Mag Example CRM versturen als uw domein?") {
		t.Error("nl-BE did not read Dutch")
	}
	if _, en := get("/", "ja"); !strings.Contains(en, `<html lang="en">`) || !strings.Contains(en, "May Example CRM send as your domain?") {
		t.Error("a language the catalogue lacks did not read English")
	}
	status, body := get("/check?domain="+url.QueryEscape(`<script>alert(1)</script>.example`)+"&lang=it", "")
	if status != 400 || strings.Contains(body, "<script>alert") {
		t.Errorf("hostile domain in Italian: %d", status)
	}
	if _, js := get("/api/check?domain=new.example&lang=it", ""); !strings.Contains(js, `"code": "spf-confirm-senders"`) || !strings.Contains(js, "non ha ancora un record SPF") {
		t.Error("the JSON endpoint does not answer in Italian with the codes kept")
	}
	if _, body := get("/?lang="+url.QueryEscape(`"><script>`), ""); strings.Contains(body, `"><script>`) {
		t.Error("a hostile lang is echoed")
	}
}
