package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/domainconnect"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/internal/golden"
)

// testKeyFile is a signing key made for these tests only (it signs the
// links in the golden files); never publish it.
const testKeyFile = "testdata/domain-connect-test-key.pem"

// TestDomainConnectPrint: -domain-connect-template and -domain-connect-key
// print the template and the key's records, and exit 0.
func TestDomainConnectPrint(t *testing.T) {
	for name, args := range map[string][]string{
		"domain-connect-template.json": {"-domain-connect-template"},
		"domain-connect-key.txt":       {"-domain-connect-key", testKeyFile},
	} {
		var stdout, stderr bytes.Buffer
		if code := realMain(args, strings.NewReader(""), &stdout, &stderr); code != demo.ExitReady {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
		golden.Check(t, name, stdout.String())
	}
	// A missing key file gets a new key, written for the owner only.
	file := t.TempDir() + "/new.pem"
	var stdout, stderr bytes.Buffer
	if code := realMain([]string{"-domain-connect-key", file}, strings.NewReader(""), &stdout, &stderr); code != demo.ExitReady {
		t.Fatalf("new key: exit %d: %s", code, stderr.String())
	}
	st, err := os.Stat(file)
	if err != nil || st.Mode().Perm() != 0o600 || !strings.Contains(stdout.String(), "p=1,a=RS256,d=") {
		t.Errorf("new key: %v %v\n%s", st, err, stdout.String())
	}
	// -domain-connect without a readable key is a usage error.
	if code := realMain([]string{"-domain-connect", t.TempDir() + "/none.pem", "klant.example"}, strings.NewReader(""), io.Discard, io.Discard); code != demo.ExitUsage {
		t.Errorf("-domain-connect with no key: exit %d, want %d", code, demo.ExitUsage)
	}
}

// TestDomainConnectGolden: with -domain-connect, each report says "Apply
// at <DNS host> in one click" where the link is offered and why not
// elsewhere (text), or carries its domain_connect object (JSON). The DNS
// host is a stand-in on loopback holding the template, for some of the
// demo domains.
func TestDomainConnectGolden(t *testing.T) {
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("GET /v2/{domain}/settings", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"providerId":"dnshost.example","providerName":"Example DNS","urlSyncUX":%q,"urlAPI":%q}`, srv.URL, srv.URL)
	})
	mux.HandleFunc("GET /v2/domainTemplates/providers/vendor.example/services/email", func(w http.ResponseWriter, r *http.Request) {})
	srv = httptest.NewTLSServer(mux)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "https://")

	zone := demo.Zone()
	for _, d := range []string{"klant.example", "full.example", "customer.example", "new.example", "spaced.example"} {
		if err := zone.Add(fmt.Sprintf("_domainconnect.%s. TXT %q", d, host)); err != nil {
			t.Fatal(err)
		}
	}
	p := demoProfile(t)
	c := &domaincheck.Checker{Profile: p, Resolver: zone}
	tpl, err := domainconnect.FromProfile(p, domainconnect.Service{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(testKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	key, err := domainconnect.ParseKey(data)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	off := &domainconnect.Offerer{Checker: c, Template: tpl, Key: key, Config: domainconnect.Config{Resolver: zone, RootCAs: pool,
		AllowAddress: func(a netip.Addr) bool { return a.IsLoopback() }}}
	// The page: the link above the steps where it is offered, with the
	// page itself (which checks the domain again) as the way back; why
	// not where it is not.
	page := httptest.NewServer(handler(c, off))
	defer page.Close()
	for d, want := range map[string]string{
		"klant.example": `<p class="oneclick"><a href="https://dnshost.example:PORT/v2/domainTemplates/providers/vendor.example/services/email/apply?domain=klant.example&amp;groupId=dkim%2Cspf%2Cdmarc&amp;redirect_uri=`,
		"full.example":  "No one-click apply: the SPF record of full.example is at its lookup limit",
	} {
		resp, err := http.Get(page.URL + "/check?domain=" + d)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got := strings.ReplaceAll(string(body), host, "dnshost.example:PORT")
		if !strings.Contains(got, want) {
			t.Errorf("the page for %s lacks %q", d, want)
		}
		if d == "klant.example" && !strings.Contains(got, url.QueryEscape(page.URL+"/check?domain=klant.example")) {
			t.Errorf("the link for %s does not return to the page that checks it again", d)
		}
	}
	// The page in German: why not, in German.
	resp, err := http.Get(page.URL + "/check?domain=full.example&lang=de")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := "Keine Übernahme mit einem Klick: der SPF-Eintrag von full.example hat die Höchstzahl an DNS-Abfragen erreicht"; !strings.Contains(string(body), want) {
		t.Errorf("the German page for full.example lacks %q", want)
	}
	domains := []string{"klant.example", "full.example", "customer.example", "new.example", "spaced.example", "twice.example", "shop.example"}
	for _, format := range []string{"text", "json"} {
		var out bytes.Buffer
		run(context.Background(), &out, io.Discard, c, options{format: format, domains: domains, concurrency: 1, dc: off})
		got := strings.ReplaceAll(out.String(), host, "dnshost.example:PORT")
		golden.Check(t, "domainconnect."+format, got)
		if !strings.Contains(got, "Apply at Example DNS in one click: https://dnshost.example:PORT/v2/domainTemplates/providers/vendor.example/services/email/apply?domain=klant.example&groupId=dkim%2Cspf%2Cdmarc&sig=") &&
			format == "text" {
			t.Errorf("-format text: no link for klant.example")
		}
	}
	// In the customer's language: the offer, its reasons and notes, and
	// the line that says to make the changes by hand.
	for _, lang := range i18n.Languages()[1:] {
		var out bytes.Buffer
		run(context.Background(), &out, io.Discard, c, options{format: "text", domains: domains, concurrency: 1, dc: off, lang: lang})
		got := strings.ReplaceAll(out.String(), host, "dnshost.example:PORT")
		golden.Check(t, "domainconnect."+lang.String()+".text", got)
		for _, english := range []string{"one-click", "No one-click apply", "Apply at", "by hand", "Note:", "lookup limit", "lives elsewhere", "does not offer Domain Connect"} {
			if strings.Contains(got, english) {
				t.Errorf("-lang %s: the English %q is left", lang, english)
			}
		}
	}
}
