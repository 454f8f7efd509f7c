package dkim_test

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/plan"
)

func TestGenerateKey(t *testing.T) {
	tests := []struct {
		kt   dkim.KeyType
		bits int
		want int
		err  error
	}{
		{dkim.KeyRSA, 0, 2048, nil},
		{dkim.KeyRSA, 1024, 1024, nil},
		{dkim.KeyRSA, 3072, 3072, nil},
		{dkim.KeyEd25519, 0, 256, nil},
		{dkim.KeyRSA, 512, 0, dkim.ErrKeySize},
		{dkim.KeyRSA, 2000, 0, dkim.ErrKeySize},
		{dkim.KeyEd25519, 256, 0, dkim.ErrKeySize},
		{"dsa", 0, 0, dkim.ErrKeyType},
	}
	for _, tc := range tests {
		k, err := dkim.GenerateKey(tc.kt, tc.bits, nil)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("GenerateKey(%s, %d) err = %v, want %v", tc.kt, tc.bits, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := dkim.KeyBits(k.Public()); got != tc.want || dkim.TypeOf(k) != tc.kt {
			t.Errorf("GenerateKey(%s, %d): %s of %d bits", tc.kt, tc.bits, dkim.TypeOf(k), got)
		}
	}
}

func TestKeyFindings(t *testing.T) {
	for bits, code := range map[int]plan.Code{1024: dkim.CodeKeyWeak, 4096: dkim.CodeKeyLong} {
		k, err := dkim.GenerateKey(dkim.KeyRSA, bits, nil)
		if err != nil {
			t.Fatal(err)
		}
		fs := dkim.KeyFindings(k.Public())
		checkParams(t, fs)
		if len(fs) != 1 || fs[0].Code != code {
			t.Errorf("%d bits: %v", bits, fs)
		}
	}
	// A 512-bit key (made directly: GenerateKey refuses it) is too short.
	small, err := rsa.GenerateKey(zeroReader{}, 512)
	if err == nil {
		if fs := dkim.KeyFindings(&small.PublicKey); len(fs) != 1 || fs[0].Code != dkim.CodeKeyTooShort {
			t.Errorf("512 bits: %v", fs)
		}
	}
}

// zeroReader is not random; it only makes a small key quickly where that
// is allowed to fail.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i*7 + 1)
	}
	return len(p), nil
}

func TestPEM(t *testing.T) {
	for _, kt := range []dkim.KeyType{dkim.KeyRSA, dkim.KeyEd25519} {
		key, err := dkim.GenerateKey(kt, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		priv, err := dkim.MarshalPrivateKeyPEM(key)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(priv, []byte("-----BEGIN PRIVATE KEY-----")) {
			t.Errorf("%s: not PKCS#8: %s", kt, priv[:40])
		}
		back, err := dkim.ParsePrivateKeyPEM(priv)
		if err != nil {
			t.Fatal(err)
		}
		if !back.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(key.Public()) {
			t.Errorf("%s: private key round trip changed the key", kt)
		}
		pub, err := dkim.MarshalPublicKeyPEM(key.Public())
		if err != nil {
			t.Fatal(err)
		}
		pubBack, err := dkim.ParsePublicKeyPEM(pub)
		if err != nil || !key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(pubBack) {
			t.Errorf("%s: public key round trip: %v", kt, err)
		}
		if fromPriv, err := dkim.ParsePublicKeyPEM(priv); err != nil || !key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(fromPriv) {
			t.Errorf("%s: public key from a private PEM: %v", kt, err)
		}
	}
	// PKCS#1, as RFC 6376 Appendix C prints its key, both ways.
	k, err := dkim.ParsePrivateKeyPEM([]byte(rfc6376PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(dkim.MarshalRSAPrivateKeyPEM(k.(*rsa.PrivateKey))); got != rfc6376PrivateKey {
		t.Errorf("PKCS#1 round trip:\n%s", got)
	}
	rec, _ := dkim.NewRecord(k.Public())
	if want := dkim.MustParse(rfc6376Record); !bytes.Equal(rec.Key, want.Key) {
		t.Error("the RFC 6376 private key does not match its published record")
	}
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(k.Public().(*rsa.PublicKey))})
	if _, err := dkim.ParsePublicKeyPEM(pkcs1); err != nil {
		t.Errorf("PKCS#1 public key: %v", err)
	}
	if _, err := dkim.ParsePrivateKeyPEM(pkcs1); !errors.Is(err, dkim.ErrNotPrivateKey) {
		t.Errorf("a public key as private: %v", err)
	}
	if _, err := dkim.ParsePrivateKeyPEM([]byte("not pem")); !errors.Is(err, dkim.ErrPEM) {
		t.Errorf("garbage: %v", err)
	}
}
