package domainconnect_test

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domainconnect"
	"github.com/domainauth/domainauth/plan"
)

// standIn is a Domain Connect DNS host for the tests: an HTTPS server with
// the settings document, the template query and the synchronous apply
// endpoint, which verifies the link's signature against the key published
// in the zone and applies the template to the zone.
type standIn struct {
	srv      *httptest.Server
	zone     *dnstest.Zone
	template *domainconnect.Template
	// onboarded says whether the host has the vendor's template.
	onboarded bool

	mu      sync.Mutex
	applied []string // the apply links' raw queries, in order
}

func newStandIn(t testing.TB, zone *dnstest.Zone, tpl *domainconnect.Template) *standIn {
	t.Helper()
	s := &standIn{zone: zone, template: tpl, onboarded: true}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/{domain}/settings", s.settings)
	mux.HandleFunc("GET /api/v2/domainTemplates/providers/{provider}/services/{service}", s.query)
	mux.HandleFunc("GET /v2/domainTemplates/providers/{provider}/services/{service}/apply", s.apply)
	s.srv = httptest.NewTLSServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

// host is what the _domainconnect record holds: host and port.
func (s *standIn) host() string { return strings.TrimPrefix(s.srv.URL, "https://") }

// config is a Config that trusts the stand-in's certificate and lets it
// be reached on loopback.
func (s *standIn) config(r dnsrec.Resolver) domainconnect.Config {
	pool := x509.NewCertPool()
	pool.AddCert(s.srv.Certificate())
	return domainconnect.Config{Resolver: r, RootCAs: pool,
		AllowAddress: func(a netip.Addr) bool { return a.IsLoopback() }}
}

// publish adds the _domainconnect record of domain, pointing at the stand-in.
func (s *standIn) publish(t testing.TB, domain string) {
	t.Helper()
	if err := s.zone.Add(fmt.Sprintf("_domainconnect.%s. 3600 IN TXT %q", domain, s.host())); err != nil {
		t.Fatal(err)
	}
}

func (s *standIn) settings(w http.ResponseWriter, r *http.Request) {
	a, err := s.zone.Lookup(r.Context(), "_domainconnect."+r.PathValue("domain"), dnsrec.TypeTXT)
	if err != nil || len(a.Records) == 0 {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(domainconnect.Settings{
		ProviderID: "dnshost.example", ProviderName: "Example DNS", ProviderDisplayName: "Example DNS Host",
		URLSyncUX: s.srv.URL, URLAPI: s.srv.URL + "/api", URLControlPanel: "https://panel.dnshost.example/zones?d=%domain%",
	})
}

func (s *standIn) query(w http.ResponseWriter, r *http.Request) {
	if !s.onboarded || r.PathValue("provider") != s.template.ProviderID || r.PathValue("service") != s.template.ServiceID {
		http.NotFound(w, r)
		return
	}
	fmt.Fprintf(w, `{"version":%d}`, s.template.Version)
}

// apply is the DNS host's consent page, with the customer already signed
// in and confirming: it verifies the signature and applies the template.
func (s *standIn) apply(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.PathValue("provider") != s.template.ProviderID || r.PathValue("service") != s.template.ServiceID {
		http.NotFound(w, r)
		return
	}
	signed, sig, keyName, err := domainconnect.SignedQuery(r.URL.RawQuery)
	if err != nil || sig == "" || keyName == "" {
		http.Error(w, "unsigned", http.StatusForbidden)
		return
	}
	a, err := s.zone.Lookup(ctx, keyName+"."+s.template.SyncPubKeyDomain, dnsrec.TypeTXT)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	var values []string
	for _, txt := range a.TXT() {
		values = append(values, dnsrec.JoinTXT(txt))
	}
	pub, err := domainconnect.ParseKeyRecords(values)
	if err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	if err := domainconnect.Verify(pub, signed, sig); err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	q := r.URL.Query()
	in := domainconnect.Instance{Domain: q.Get("domain"), Host: q.Get("host"), Vars: map[string]string{}}
	if g := q.Get("groupId"); g != "" {
		in.Groups = strings.Split(g, ",")
	}
	for k := range q {
		switch k {
		case "domain", "host", "groupId", "sig", "key", "state", "redirect_uri":
		default:
			in.Vars[k] = q.Get(k)
		}
	}
	if err := hostApply(ctx, s.zone, s.template, in.Domain, in.Host, in.Groups, in.Vars); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.mu.Lock()
	s.applied = append(s.applied, r.URL.RawQuery)
	s.mu.Unlock()
	if ru := q.Get("redirect_uri"); ru != "" {
		http.Redirect(w, r, ru+"?state="+q.Get("state"), http.StatusFound)
		return
	}
	fmt.Fprintln(w, "applied")
}

// applyChanges makes the changes in the zone: every removal first, so that
// a name's CNAME and its other records are never held at once.
func applyChanges(z *dnstest.Zone, changes []plan.Change) error {
	for _, c := range changes {
		for _, r := range c.Removed() {
			if err := z.RemoveRecord(r); err != nil {
				return err
			}
		}
	}
	for _, c := range changes {
		if err := z.AddRecords(c.Added()...); err != nil {
			return err
		}
	}
	return nil
}

// publishKey adds the public key records of key to the zone.
func publishKey(t testing.TB, z *dnstest.Zone, tpl *domainconnect.Template, key *rsa.PrivateKey) {
	t.Helper()
	recs, err := domainconnect.KeyRecords(domainconnect.DefaultKeyName+"."+tpl.SyncPubKeyDomain, &key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := z.AddRecords(recs...); err != nil {
		t.Fatal(err)
	}
}

// browse follows the apply link as the customer's browser would, and
// returns the status.
func (s *standIn) browse(t testing.TB, ctx context.Context, link string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := s.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 512)
	n, _ := resp.Body.Read(buf)
	b.Write(buf[:n])
	return resp.StatusCode, b.String()
}
