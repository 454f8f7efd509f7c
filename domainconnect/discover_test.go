package domainconnect_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domainconnect"
)

const goodSettings = `{"providerId":"dnshost.example","providerName":"Example DNS","urlSyncUX":"https://connect.dnshost.example","urlAPI":"https://api.dnshost.example"}`

// hostile serves what a hostile (or broken) _domainconnect target would,
// per path.
func hostile(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/v2/good.example/settings", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, goodSettings)
	})
	mux.HandleFunc("/v2/redirect.example/settings", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	mux.HandleFunc("/v2/huge.example/settings", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(10<<20))
		chunk := strings.Repeat(" ", 64<<10)
		for i := 0; i < 160; i++ {
			if _, err := fmt.Fprint(w, chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/v2/chunked.example/settings", func(w http.ResponseWriter, r *http.Request) {
		chunk := strings.Repeat(" ", 64<<10)
		for i := 0; i < 160; i++ {
			if _, err := fmt.Fprint(w, chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/v2/slow.example/settings", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"providerId":`)
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the rest never comes
	})
	mux.HandleFunc("/v2/plainapi.example/settings", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"providerId":"x","providerName":"X","urlAPI":"http://api.dnshost.example"}`)
	})
	mux.HandleFunc("/v2/nozone.example/settings", http.NotFound)
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func hostileConfig(srv *httptest.Server, z *dnstest.Zone) domainconnect.Config {
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return domainconnect.Config{Resolver: z, RootCAs: pool, Timeout: 750 * time.Millisecond,
		AllowAddress: func(a netip.Addr) bool { return a.IsLoopback() }}
}

// TestDiscoverHostile: every way a _domainconnect record or the document
// it points to can be hostile is refused, with its sentinel, and within
// the deadline.
func TestDiscoverHostile(t *testing.T) {
	srv := hostile(t)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	z := dnstest.MustZone(fmt.Sprintf(`
_domainconnect.good.example.       TXT "dc.example.com:%[1]s"
dc.example.com.                    A   127.0.0.1
_domainconnect.plain.example.      TXT "http://127.0.0.1:%[1]s"
_domainconnect.ftp.example.        TXT "ftp://127.0.0.1:%[1]s"
_domainconnect.private.example.    TXT "intranet.example:%[1]s"
intranet.example.                  A   10.1.2.3
_domainconnect.mixed.example.      TXT "mixed.example.com:%[1]s"
mixed.example.com.                A   127.0.0.1
mixed.example.com.                A   192.168.1.1
_domainconnect.redirect.example.   TXT "127.0.0.1:%[1]s"
_domainconnect.huge.example.       TXT "127.0.0.1:%[1]s"
_domainconnect.chunked.example.    TXT "127.0.0.1:%[1]s"
_domainconnect.slow.example.       TXT "127.0.0.1:%[1]s"
_domainconnect.plainapi.example.   TXT "127.0.0.1:%[1]s"
_domainconnect.nozone.example.     TXT "127.0.0.1:%[1]s"
_domainconnect.two.example.        TXT "127.0.0.1:%[1]s"
_domainconnect.two.example.        TXT "other.example"
_domainconnect.query.example.      TXT "127.0.0.1:%[1]s/?x=1"
none.example.                      TXT "v=spf1 -all"
`, port))
	cfg := hostileConfig(srv, z)
	ctx := context.Background()

	z.ResetQueries()
	d, err := cfg.Discover(ctx, "good.example")
	if err != nil {
		t.Fatalf("good.example: %v", err)
	}
	// The host's name was resolved once, through the resolver, and the
	// address checked was the address dialled: the system's resolver
	// knows no dc.example.com, so a second resolution (where a rebinding
	// attacker would swap in another address) would have failed.
	asked := 0
	for _, q := range z.Queries() {
		if q.Name == "dc.example.com." && q.Type == dnsrec.TypeA {
			asked++
		}
	}
	if asked != 1 {
		t.Errorf("the settings host's address was asked %d times, want once", asked)
	}
	if d.Zone != "good.example" || d.Settings.ProviderName != "Example DNS" || d.Settings.URLSyncUX != "https://connect.dnshost.example" {
		t.Errorf("good.example: %+v %+v", d, d.Settings)
	}
	for domain, want := range map[string]error{
		"none.example":     domainconnect.ErrNoRecord,
		"plain.example":    domainconnect.ErrNotHTTPS,
		"ftp.example":      domainconnect.ErrNotHTTPS,
		"private.example":  domainconnect.ErrAddress,
		"mixed.example":    domainconnect.ErrAddress,
		"redirect.example": domainconnect.ErrRedirect,
		"huge.example":     domainconnect.ErrTooLarge,
		"chunked.example":  domainconnect.ErrTooLarge,
		"slow.example":     domainconnect.ErrTimeout,
		"plainapi.example": domainconnect.ErrSettings,
		"nozone.example":   domainconnect.ErrNoZone,
		"two.example":      domainconnect.ErrSettings,
		"query.example":    domainconnect.ErrSettings,
	} {
		t.Run(domain, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			_, err := cfg.Discover(ctx, domain)
			if !errors.Is(err, want) {
				t.Errorf("Discover(%s) = %v, want %v", domain, err, want)
			}
			if ctx.Err() != nil {
				t.Errorf("the outer deadline passed: the Config's own deadline did not hold")
			}
		})
	}
	_, err = cfg.Discover(ctx, "slow.example")
	if !errors.Is(err, dnsrec.ErrTemporary) {
		t.Errorf("a slow body is not temporary: %v", err)
	}
}

// TestStrictPolicy: the zero Config refuses the loopback stand-in (and
// any private address) before connecting.
func TestStrictPolicy(t *testing.T) {
	srv := hostile(t)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	z := dnstest.MustZone(fmt.Sprintf(`
_domainconnect.good.example. TXT "127.0.0.1:%[1]s"
_domainconnect.v6.example. TXT "[::1]:%[1]s"
_domainconnect.name.example. TXT "dc.name.example:%[1]s"
dc.name.example. A 100.64.0.1
`, port))
	cfg := domainconnect.Config{Resolver: z}
	for _, d := range []string{"good.example", "v6.example", "name.example"} {
		if _, err := cfg.Discover(context.Background(), d); !errors.Is(err, domainconnect.ErrAddress) {
			t.Errorf("%s: %v, want ErrAddress", d, err)
		}
	}
}

// TestPublicAddress: the ranges the strict policy refuses.
func TestPublicAddress(t *testing.T) {
	for s, want := range map[string]bool{
		"8.8.8.8": true, "5.255.64.53": true, "2a00:1450:4001::1": true,
		"127.0.0.1": false, "10.0.0.1": false, "172.16.5.4": false, "192.168.0.1": false,
		"169.254.169.254": false, "100.64.0.1": false, "100.127.255.254": false,
		"192.0.2.1": false, "198.51.100.1": false, "203.0.113.9": false, "0.0.0.0": false,
		"255.255.255.255": false, "224.0.0.1": false, "198.18.0.1": false,
		"::1": false, "::": false, "fe80::1": false, "fc00::1": false, "fd12::1": false,
		"2001:db8::1": false, "::ffff:10.0.0.1": false, "::ffff:8.8.8.8": true,
		"64:ff9b::a00:1": false, "2002:a00:1::1": false, "ff02::1": false,
	} {
		if got := domainconnect.PublicAddress(netip.MustParseAddr(s)); got != want {
			t.Errorf("PublicAddress(%s) = %t, want %t", s, got, want)
		}
	}
}

// TestSupports: 2xx says yes, 404 no, anything else is an error.
func TestSupports(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/v2/domainTemplates/providers/vendor.example/services/email", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/v2/domainTemplates/providers/vendor.example/services/broken", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "oops", http.StatusInternalServerError)
	})
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()
	cfg := hostileConfig(srv, dnstest.MustZone(""))
	s := &domainconnect.Settings{URLAPI: srv.URL}
	ctx := context.Background()
	if ok, err := cfg.Supports(ctx, s, "vendor.example", "email"); !ok || err != nil {
		t.Errorf("onboarded: %t %v", ok, err)
	}
	if ok, err := cfg.Supports(ctx, s, "vendor.example", "other"); ok || err != nil {
		t.Errorf("not onboarded: %t %v", ok, err)
	}
	if _, err := cfg.Supports(ctx, s, "vendor.example", "broken"); !errors.Is(err, domainconnect.ErrStatus) {
		t.Errorf("500: %v", err)
	}
}
