package dkim_test

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"math/big"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/plan/findingtest"
)

// checkParams asserts what every finding the tests see must hold: the
// values its sentences are made of, under the names documented beside its
// code. Lint alone cannot name the record, so dkim-quoted and
// dkim-no-version, whose sentences quote nothing else, may come from it
// without parameters.
func checkParams(t *testing.T, fs []plan.Finding) {
	t.Helper()
	findingtest.Check(t, fs, dkim.CodeQuoted, dkim.CodeNoVersion)
	findingtest.Declared(t, ".").CheckNames(t, fs, "name", "selector", "domain")
}

// TestEveryCodeCarriesParams: every finding code the package declares, in
// a situation that produces it (a record published at a selector, checked
// with or without the key the signer uses, or delegated; a key's size),
// carries the parameters documented beside it, each a value its
// sentences, subject or name use.
func TestEveryCodeCarriesParams(t *testing.T) {
	ctx := context.Background()
	seedKey := mustKey(t, seed000Key)
	pkcs1 := base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(seedKey.(*rsa.PublicKey)))
	// Records published at default._domainkey.<name>.lint.example, linted
	// by a KeyCheck with no key to compare.
	published := map[string]string{
		"quoted":    `"v=DKIM1; p=` + seed000Key + `"`,
		"spaced":    "v=DKIM1; p=" + seed000Spaced,
		"late":      "k=rsa; v=DKIM1; p=" + seed000Key,
		"noversion": "k=rsa; p=" + seed000Key,
		"revoked":   "v=DKIM1; p=",
		"testing":   "v=DKIM1; t=y; p=" + seed000Key,
		"sha1":      "v=DKIM1; h=sha1; p=" + seed000Key,
		"mismatch":  "v=DKIM1; k=rsa; p=" + rfc8463Public,
		"dsa":       "v=DKIM1; k=dsa; p=" + seed000Key,
		"tlsrpt":    "v=DKIM1; s=tlsrpt; p=" + seed000Key,
		"weak":      "v=DKIM1; p=" + seed002Key002,
		"spf":       "v=spf1 -all",
		"broken":    "v=DKIM1; p=MIGf!!",
		"pkcs1":     "v=DKIM1; p=" + pkcs1,
		"case":      "v=DKIM1; k=RSA; h=SHA256; s=Email; p=" + seed000Key,
		"preceded":  "v=DKIM1; k=rsa; p=AAAA" + seed000Key,
		"followed":  "v=DKIM1; k=rsa; p=" + seed000Key + "IDAQAB",
	}
	zone := checkZone() + "\ndefault._domainkey.dangling.example. IN CNAME default._domainkey.nowhere.example.\n" + providerZone
	for name, v := range published {
		zone += "default._domainkey." + name + ".lint.example. IN TXT " + q(v) + "\n"
	}
	z := dnstest.MustZone(zone)
	check := func(kc dkim.KeyCheck) []plan.Finding {
		d, err := kc.Check(ctx, z)
		if err != nil {
			t.Fatal(err)
		}
		return d.Findings
	}
	var situations [][]plan.Finding
	for name := range published {
		situations = append(situations, check(dkim.KeyCheck{Domain: name + ".lint.example", Selector: "default"}))
	}
	for _, domain := range []string{"preceded.lint.example", "followed.lint.example", "nothing.example", "truncated.example", "typo.example",
		"missing.example", "other-key.example", "quoted.example", "split.example", "two-keys.example", "cname-wrong.example", "cname.example"} {
		situations = append(situations, check(dkim.KeyCheck{Domain: domain, Selector: "default", Key: seedKey}))
	}
	for _, domain := range []string{"new.example", "wrongtarget.example", "copied.example", "stale.example", "vendorless.example"} {
		target := "default._domainkey.vendor.example"
		if domain == "vendorless.example" {
			target = "default._domainkey.gone.example"
		}
		situations = append(situations, check(dkim.KeyCheck{Domain: domain, Selector: "default", Target: target}))
	}
	situations = append(situations,
		check(dkim.KeyCheck{Domain: "m365.example", Selector: "selector1", Target: "selector1._domainkey.vendor.example"}),
		check(dkim.KeyCheck{Domain: "dangling.example", Selector: "default"}),
		check(dkim.KeyCheck{Domain: "new.example", Selector: "default", Key: seedKey, JustChanged: true}))
	// Key sizes: KeyFindings reads only the modulus' length.
	for _, bits := range []uint{512, 1024, 4096} {
		situations = append(situations, dkim.KeyFindings(&rsa.PublicKey{N: new(big.Int).Lsh(big.NewInt(1), bits-1), E: 65537}))
	}

	findingtest.Declared(t, ".").CheckAll(t, situations, "name", "selector", "domain")
}
