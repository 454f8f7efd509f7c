package dkim_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

const message = "From: Joe SixPack <joe@football.example.com>\r\n" +
	"To: Suzie Q <suzie@shopping.example.net>\r\n" +
	"Subject: Is dinner ready?\r\n" +
	"Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n" +
	"Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n" +
	"\r\n" +
	"Hi.\r\n" +
	"\r\n" +
	"We lost the game.  Are you hungry yet?\r\n" +
	"\r\n" +
	"Joe.\r\n"

func signAndVerify(t *testing.T, key crypto.Signer, publish bool, mutate func(string) string) []*dkim.Verification {
	t.Helper()
	z := dnstest.MustZone("")
	if publish {
		kr, err := dkim.NewRecord(key.Public())
		if err != nil {
			t.Fatal(err)
		}
		rec, err := dkim.TXT("brisbane", "football.example.com", kr)
		if err != nil {
			t.Fatal(err)
		}
		if err := z.AddRecords(rec); err != nil {
			t.Fatal(err)
		}
	}
	s := &dkim.Signer{Domain: "football.example.com", Selector: "brisbane", Key: key}
	var signed bytes.Buffer
	if err := s.Sign(&signed, strings.NewReader(message)); err != nil {
		t.Fatal(err)
	}
	out := signed.String()
	if !strings.HasPrefix(out, "DKIM-Signature: ") {
		t.Fatalf("no signature: %q", out[:40])
	}
	if mutate != nil {
		out = mutate(out)
	}
	vs, err := dkim.Verify(context.Background(), z, strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 {
		t.Fatalf("%d verifications", len(vs))
	}
	if q := z.Queries(); len(q) != 1 || q[0] != (dnstest.Query{Name: "brisbane._domainkey.football.example.com.", Type: dnsrec.TypeTXT}) {
		t.Errorf("queries %v", q)
	}
	return vs
}

func TestSignVerify(t *testing.T) {
	rsaKey, err := dkim.ParsePrivateKeyPEM([]byte(rfc6376PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := base64.StdEncoding.DecodeString(rfc8463Seed)
	edKey := ed25519.NewKeyFromSeed(seed)
	if got := base64.StdEncoding.EncodeToString(edKey.Public().(ed25519.PublicKey)); got != rfc8463Public {
		t.Fatalf("RFC 8463 seed gives public key %s", got)
	}
	fresh, err := dkim.GenerateKey(dkim.KeyRSA, 2048, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]crypto.Signer{"RFC 6376 RSA": rsaKey, "RFC 8463 Ed25519": edKey, "generated RSA 2048": fresh} {
		t.Run(name, func(t *testing.T) {
			vs := signAndVerify(t, key, true, nil)
			if vs[0].Err != nil || vs[0].Domain != "football.example.com" {
				t.Errorf("verification: %+v", vs[0])
			}
			vs = signAndVerify(t, key, true, func(m string) string { return strings.Replace(m, "hungry", "thirsty", 1) })
			if vs[0].Err == nil {
				t.Error("a changed body verified")
			}
			vs = signAndVerify(t, key, false, nil)
			if vs[0].Err == nil {
				t.Error("a signature verified with no key published")
			}
		})
	}
	if err := (&dkim.Signer{Domain: "x.example", Selector: "bad_sel", Key: edKey}).Sign(&bytes.Buffer{}, strings.NewReader(message)); err == nil {
		t.Error("an invalid selector signed")
	}
}
