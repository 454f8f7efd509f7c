package main

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/plan"
)

// requireChromium makes a missing Chromium a failure, not a skip: CI
// installs Debian's chromium and sets it.
const requireChromium = "DOMAINAUTH_REQUIRE_CHROMIUM"

// screenshotDir, when set, is where the browser test leaves its
// screenshots (a phone-sized page per language).
const screenshotDir = "DOMAINAUTH_SCREENSHOTS"

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(requireChromium) != "" {
		t.Fatalf("chromium is not installed, and %s is set", requireChromium)
	}
	t.Skip("chromium is not installed; CI installs it and sets " + requireChromium)
	return ""
}

// chromium runs headless Chromium on url with a fresh profile, offline
// but for the loopback server, and returns what it printed.
func chromium(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
		"--user-data-dir=" + t.TempDir()}
	out, err := exec.CommandContext(ctx, bin, append(base, args...)...).Output()
	if err != nil {
		t.Fatalf("chromium %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// textEscape is how a browser serializes a text node.
var textEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\u00a0", "&nbsp;")

// TestPageInChromium loads the page of every demo domain in every language
// in a real browser and checks what it built: the status first, then the
// steps, each value of the customer's changes as the JSON plan has it, the
// why collapsed; and leaves a phone-sized screenshot per language.
func TestPageInChromium(t *testing.T) {
	bin := chromiumPath(t)
	c := demoChecker(t)
	srv := httptest.NewServer(handler(c, nil))
	defer srv.Close()
	shots := os.Getenv(screenshotDir)
	if shots == "" {
		shots = t.TempDir()
	}
	type job struct {
		lang, domain string
		values       []string
	}
	var jobs []job
	for _, d := range demoDomains {
		rep := c.Check(context.Background(), d)
		var values []string
		if rep.Plan != nil {
			for _, ch := range rep.Plan.Changes.For(plan.PartyCustomer) {
				for _, r := range ch.Added() {
					v := r.Value()
					if r.Type == dnsrec.TypeCNAME {
						v = dnsrec.TrimDot(v)
					}
					values = append(values, v)
				}
			}
		}
		for _, lang := range i18n.Languages() {
			jobs = append(jobs, job{lang.String(), d, values})
		}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			u := srv.URL + "/check?" + url.Values{"domain": {j.domain}, "lang": {j.lang}}.Encode()
			dom := chromium(t, bin, "--dump-dom", u)
			status, steps, why := strings.Index(dom, `role="status"`), strings.Index(dom, `class="steps"`), strings.Index(dom, "<details>")
			switch {
			case !strings.Contains(dom, `<html lang="`+j.lang+`"`):
				t.Errorf("%s %s: not a page in its language", j.lang, j.domain)
			case status < 0 || why < 0 || why < status:
				t.Errorf("%s %s: no status, or the why before it", j.lang, j.domain)
			case len(j.values) > 0 && (steps < status || steps > why):
				t.Errorf("%s %s: the steps are not between the status and the why", j.lang, j.domain)
			}
			for _, v := range j.values {
				if !strings.Contains(dom, "<code>"+textEscape.Replace(v)+"</code>") {
					t.Errorf("%s %s: the value %q of the plan is not on the page", j.lang, j.domain, v)
				}
			}
			if j.domain == "customer.example" {
				file := filepath.Join(shots, "customer.example."+j.lang+".png")
				chromium(t, bin, "--screenshot="+file, "--window-size=390,1400", "--hide-scrollbars", u)
				if st, err := os.Stat(file); err != nil || st.Size() < 10_000 {
					t.Errorf("%s: no screenshot (%v)", j.lang, err)
				}
			}
		}()
	}
	wg.Wait()
}
