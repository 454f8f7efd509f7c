package dkim_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"testing"

	msgdkim "github.com/emersion/go-msgauth/dkim"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/plan"
)

var testKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))

func sign(t *testing.T) string {
	t.Helper()
	var out bytes.Buffer
	s := &dkim.Signer{Domain: "football.example.com", Selector: "brisbane", Key: testKey}
	if err := s.Sign(&out, strings.NewReader(message)); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func verifyWith(t *testing.T, z *dnstest.Zone, msg string) *dkim.Verification {
	t.Helper()
	vs, err := dkim.Verify(context.Background(), z, strings.NewReader(msg))
	if err != nil || len(vs) != 1 {
		t.Fatalf("%d verifications, %v", len(vs), err)
	}
	return vs[0]
}

func keyZone(t *testing.T, record string) *dnstest.Zone {
	t.Helper()
	rec, err := dnsrec.NewTXT("brisbane._domainkey.football.example.com", record)
	if err != nil {
		t.Fatal(err)
	}
	z := dnstest.MustZone("")
	if err := z.AddRecords(rec); err != nil {
		t.Fatal(err)
	}
	return z
}

var testKeyB64 = base64.StdEncoding.EncodeToString(testKey.Public().(ed25519.PublicKey))

// RFC 6376, Section 8.15: a From: (or Subject:) added in front of a signed
// message must break the signature; over-signing makes it so.
func TestOverSigning(t *testing.T) {
	z := keyZone(t, "v=DKIM1; k=ed25519; p="+testKeyB64)
	signed := sign(t)
	if v := verifyWith(t, z, signed); v.Err != nil {
		t.Fatalf("the signed message does not verify: %v", v.Err)
	}
	i := strings.Index(signed, "From: ")
	for _, extra := range []string{"From: CEO <ceo@football.example.com>\r\n", "Subject: Urgent wire transfer\r\n"} {
		forged := signed[:i] + extra + signed[i:]
		if v := verifyWith(t, z, forged); v.Err == nil {
			t.Errorf("a message with %q prepended still verifies", strings.TrimSpace(extra))
		}
	}
}

// RFC 6376, Section 6.1.2: a key that cannot be read because DNS failed
// temporarily gives TEMPFAIL, not PERMFAIL: the module's one question for
// it, errors.Is(err, dnsrec.ErrTemporary), holds, and the failed question
// is in the chain.
func TestVerifyTemporaryDNSFailure(t *testing.T) {
	signed := sign(t)
	for _, failure := range []error{dnsrec.ErrServFail, dnsrec.ErrTimeout, dnsrec.ErrRefused} {
		z := keyZone(t, "v=DKIM1; k=ed25519; p="+testKeyB64)
		z.Fail("brisbane._domainkey.football.example.com.", dnsrec.TypeTXT, failure)
		v := verifyWith(t, z, signed)
		var de *dnsrec.Error
		if !errors.Is(v.Err, dnsrec.ErrTemporary) || !errors.Is(v.Err, failure) || !errors.As(v.Err, &de) || msgdkim.IsPermFail(v.Err) {
			t.Errorf("%v: err %v is not a temporary failure", failure, v.Err)
		}
	}
	z := keyZone(t, "v=DKIM1; k=ed25519; p="+testKeyB64)
	z.Remove("brisbane._domainkey.football.example.com.", dnsrec.TypeTXT)
	if v := verifyWith(t, z, signed); !msgdkim.IsPermFail(v.Err) {
		t.Errorf("no key published: err %v, want a permanent failure", v.Err)
	}
}

// RFC 6376, Section 3.2: tag values are case-sensitive. Every key record
// that Verify rejects gets an error finding from Lint and KeyCheck.
func TestValueCaseMatchesVerify(t *testing.T) {
	signed := sign(t)
	for _, record := range []string{
		"v=DKIM1; k=ed25519; p=" + testKeyB64,
		"v=DKIM1; k=ED25519; p=" + testKeyB64,
		"v=DKIM1; k=ed25519; h=SHA256; p=" + testKeyB64,
		"v=DKIM1; k=ed25519; s=Email; p=" + testKeyB64,
		"v=DKIM1; k=ed25519; s=email; h=sha256; p=" + testKeyB64,
	} {
		z := keyZone(t, record)
		verifies := verifyWith(t, z, signed).Err == nil
		lintErr := plan.Worst(dkim.Lint(record)) == plan.SeverityError
		if verifies == lintErr {
			t.Errorf("%q: Verify passes %v, yet Lint reports an error %v: %v", record, verifies, lintErr, dkim.Lint(record))
		}
		d, err := dkim.KeyCheck{Domain: "football.example.com", Selector: "brisbane", Key: testKey.Public()}.Check(context.Background(), z)
		if err != nil {
			t.Fatal(err)
		}
		if d.Satisfied != verifies {
			t.Errorf("%q: KeyCheck satisfied %v, Verify %v: %v", record, d.Satisfied, verifies, d.Findings)
		}
	}
	if fs := dkim.Lint("v=DKIM1; k=RSA; p=" + testKeyB64); !hasFix(fs, dkim.CodeValueCase, "write k=rsa") {
		t.Errorf("k=RSA: %v", fs)
	}
}

func hasFix(fs []plan.Finding, code plan.Code, fix string) bool {
	for _, f := range fs {
		if f.Code == code && f.Fix == fix {
			return true
		}
	}
	return false
}

// RFC 8301, Section 3.2: verifiers may refuse RSA keys over 4096 bits,
// which cost a great deal of CPU; Verify does, without trying the key.
func TestVerifyRefusesHugeKeys(t *testing.T) {
	n, err := rand.Prime(rand.Reader, 64) // a small prime, only to make N odd and well-formed
	if err != nil {
		t.Fatal(err)
	}
	big5000 := new(big.Int).Lsh(big.NewInt(1), 4999)
	big5000.Add(big5000, n)
	der, err := x509.MarshalPKIXPublicKey(&rsa.PublicKey{N: big5000, E: 65537})
	if err != nil {
		t.Fatal(err)
	}
	z := keyZone(t, "v=DKIM1; k=rsa; p="+base64.StdEncoding.EncodeToString(der))
	v := verifyWith(t, z, sign(t))
	if v.Err == nil || !strings.Contains(v.Err.Error(), "over 4096 bits are refused") || !msgdkim.IsPermFail(v.Err) {
		t.Errorf("a 5000-bit key: err %v", v.Err)
	}
}

// Two signatures of one domain under two selectors, whose key lookups both
// fail temporarily: go-msgauth looks the keys up concurrently (the race
// detector watches the failed questions), and each signature's failure
// carries the question for its own selector, never the other's.
func TestVerifyTwoSelectorsTemporaryFailures(t *testing.T) {
	var once bytes.Buffer
	s1 := &dkim.Signer{Domain: "football.example.com", Selector: "brisbane", Key: testKey}
	if err := s1.Sign(&once, strings.NewReader(message)); err != nil {
		t.Fatal(err)
	}
	var twice bytes.Buffer
	s2 := &dkim.Signer{Domain: "football.example.com", Selector: "sydney", Key: testKey}
	if err := s2.Sign(&twice, bytes.NewReader(once.Bytes())); err != nil {
		t.Fatal(err)
	}
	for run := 0; run < 20; run++ {
		z := dnstest.MustZone("")
		z.Fail("brisbane._domainkey.football.example.com.", dnsrec.TypeTXT, dnsrec.ErrServFail)
		z.Fail("sydney._domainkey.football.example.com.", dnsrec.TypeTXT, dnsrec.ErrTimeout)
		vs, err := dkim.Verify(context.Background(), z, bytes.NewReader(twice.Bytes()))
		if err != nil || len(vs) != 2 {
			t.Fatalf("%d verifications, %v", len(vs), err)
		}
		// The second signer's field is added on top: it comes first.
		want := []struct {
			selector string
			failure  error
		}{{"sydney", dnsrec.ErrTimeout}, {"brisbane", dnsrec.ErrServFail}}
		for i, v := range vs {
			var de *dnsrec.Error
			if !errors.As(v.Err, &de) || !errors.Is(v.Err, want[i].failure) || !errors.Is(v.Err, dnsrec.ErrTemporary) {
				t.Fatalf("signature %d: err %v, want a temporary failure of %s", i, v.Err, want[i].selector)
			}
			if !strings.HasPrefix(de.Name, want[i].selector+"._domainkey.") {
				t.Errorf("signature %d (s=%s) carries the question for %s", i, want[i].selector, de.Name)
			}
		}
	}
}
