package main

import (
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
)

// axeScript names the file of axe-core (npm's axe-core, axe.min.js), the
// accessibility checker the page is audited with; CI installs it and sets
// the variable, and then a missing file fails the test.
const axeScript = "DOMAINAUTH_AXE"

// runAxe audits the document against WCAG 2 A and AA and writes the
// violations into the page, where --dump-dom reads them.
const runAxe = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(function (r) {
  var pre = document.createElement("pre");
  pre.id = "axe-result";
  pre.textContent = JSON.stringify(r.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) { return n.target.join(" "); })};
  }));
  document.body.appendChild(pre);
});`

var axeResult = regexp.MustCompile(`(?s)<pre id="axe-result">(.*?)</pre>`)

// TestPageAccessible audits the page in headless Chromium with axe-core
// (WCAG 2.1 A and AA): the form, a page with steps and one without, in
// every language. The page is served as it is, with axe added and the
// Content-Security-Policy widened for it alone.
func TestPageAccessible(t *testing.T) {
	bin := chromiumPath(t)
	axePath := os.Getenv(axeScript)
	if axePath == "" {
		if os.Getenv(requireChromium) != "" {
			t.Fatalf("%s is set, but %s names no axe-core script", requireChromium, axeScript)
		}
		t.Skip("axe-core is not installed; CI installs it and sets " + axeScript)
	}
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	page := handler(demoChecker(t), nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/axe.min.js":
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(axe)
			return
		case "/run-axe.js":
			w.Header().Set("Content-Type", "text/javascript")
			w.Write([]byte(runAxe))
			return
		}
		rec := httptest.NewRecorder()
		page.ServeHTTP(rec, r)
		body := strings.Replace(rec.Body.String(), "</body>", `<script src="/axe.min.js"></script><script src="/run-axe.js"></script></body>`, 1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'")
		w.WriteHeader(rec.Code)
		w.Write([]byte(body))
	}))
	defer srv.Close()
	for _, lang := range []string{"en", "de", "fr", "it", "nl"} {
		for _, path := range []string{"/", "/check?domain=customer.example", "/check?domain=ready.example"} {
			u := srv.URL + path
			if strings.Contains(path, "?") {
				u += "&" + url.Values{"lang": {lang}}.Encode()
			} else {
				u += "?" + url.Values{"lang": {lang}}.Encode()
			}
			dom := chromium(t, bin, "--virtual-time-budget=15000", "--dump-dom", u)
			m := axeResult.FindStringSubmatch(dom)
			if m == nil {
				t.Errorf("%s %s: axe did not report", lang, path)
				continue
			}
			var violations []struct {
				ID, Impact, Help string
				Nodes            []string
			}
			if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &violations); err != nil {
				t.Fatalf("%s %s: %v", lang, path, err)
			}
			for _, v := range violations {
				t.Errorf("%s %s: %s (%s): %s, at %s", lang, path, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "; "))
			}
		}
	}
}
