package domainconnect_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domainconnect"
)

// TestKeyRecords: the key splits into "p=N,a=RS256,d=…" records that fit
// one TXT string each, and reads back whatever order DNS returns them in;
// a link signed with the private key verifies with the published one.
func TestKeyRecords(t *testing.T) {
	key := signingKey(t)
	recs, err := domainconnect.KeyRecords("_dcpubkeyv1.vendor.example", &key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 2 {
		t.Fatalf("%d records: a 2048-bit key needs more than one", len(recs))
	}
	var values []string
	for i, r := range recs {
		if r.Name != "_dcpubkeyv1.vendor.example." || r.Type != dnsrec.TypeTXT || len(r.Txt) != 1 || len(r.Txt[0]) > 255 {
			t.Errorf("record %d: %v", i, r)
		}
		if !strings.HasPrefix(r.Value(), "p=") || !strings.Contains(r.Value(), ",a=RS256,d=") {
			t.Errorf("record %d: %q", i, r.Value())
		}
		values = append([]string{r.Value()}, values...) // reversed
	}
	pub, err := domainconnect.ParseKeyRecords(values)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equal(&key.PublicKey) {
		t.Fatal("the key read back differs")
	}
	q := "domain=customer.example&groupId=dkim%2Cspf&state=x"
	sig, err := domainconnect.Sign(key, q)
	if err != nil {
		t.Fatal(err)
	}
	if err := domainconnect.Verify(pub, q, sig); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if err := domainconnect.Verify(pub, q+"&x=1", sig); !errors.Is(err, domainconnect.ErrKey) {
		t.Errorf("Verify of a changed query: %v", err)
	}

	for name, vals := range map[string][]string{
		"none":           nil,
		"missing part":   values[1:],
		"repeated part":  append(append([]string(nil), values...), values[0]),
		"other alg":      {strings.Replace(values[0], "RS256", "ES256", 1)},
		"other type":     {values[0] + ",t=pgp"},
		"no part number": {"a=RS256,d=MIIB"},
		"not base64":     {"p=1,a=RS256,d=!!!"},
		"tag twice":      {"p=1,p=2,d=MIIB"},
	} {
		if _, err := domainconnect.ParseKeyRecords(vals); !errors.Is(err, domainconnect.ErrKey) {
			t.Errorf("%s: %v, want ErrKey", name, err)
		}
	}
}

// TestSignedQuery: the host verifies exactly the query the vendor signed.
func TestSignedQuery(t *testing.T) {
	signed, sig, key, err := domainconnect.SignedQuery("domain=a.example&state=x&sig=ab%2Bc%3D&key=_dcpubkeyv1")
	if err != nil || signed != "domain=a.example&state=x" || sig != "ab+c=" || key != "_dcpubkeyv1" {
		t.Errorf("SignedQuery = %q %q %q %v", signed, sig, key, err)
	}
}

// TestLink: the link's query, its signing, and its refusals.
func TestLink(t *testing.T) {
	tpl := &domainconnect.Template{ProviderID: "vendor.example", ServiceID: "email", SyncPubKeyDomain: "vendor.example", SyncRedirectDomain: "app.vendor.example"}
	s := &domainconnect.Settings{URLSyncUX: "https://connect.dnshost.example/"}
	l := domainconnect.Link{Settings: s, Template: tpl,
		Instance:    domainconnect.Instance{Domain: "Customer.Example.", Host: "Mail", Groups: []string{"dkim", "spf"}, Vars: map[string]string{"b": "2 3", "a": "1&"}},
		RedirectURI: "https://app.vendor.example/back?d=1", State: "s1"}
	want := "domain=customer.example&host=mail&a=1%26&b=2+3&groupId=dkim%2Cspf&redirect_uri=https%3A%2F%2Fapp.vendor.example%2Fback%3Fd%3D1&state=s1"
	if got := l.Query(); got != want {
		t.Errorf("Query() =\n %s, want\n %s", got, want)
	}
	if _, err := l.URL(); !errors.Is(err, domainconnect.ErrLink) {
		t.Errorf("a template that must be signed, without a key: %v", err)
	}
	l.Key = signingKey(t)
	u, err := l.URL()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, "https://connect.dnshost.example/v2/domainTemplates/providers/vendor.example/services/email/apply?"+want+"&sig=") ||
		!strings.HasSuffix(u, "&key=_dcpubkeyv1") {
		t.Errorf("URL() = %s", u)
	}
	tpl.SyncPubKeyDomain = ""
	l.Key = nil
	if _, err := l.URL(); err != nil {
		t.Errorf("unsigned, redirect on an allowed domain: %v", err)
	}
	l.RedirectURI = "https://evil.example/"
	if _, err := l.URL(); !errors.Is(err, domainconnect.ErrLink) {
		t.Errorf("unsigned, redirect elsewhere: %v", err)
	}
	s.URLSyncUX = ""
	if _, err := l.URL(); !errors.Is(err, domainconnect.ErrLink) {
		t.Errorf("no synchronous flow: %v", err)
	}
}
