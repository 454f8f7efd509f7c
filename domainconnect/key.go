package domainconnect

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
)

// KeyBits is the size of a signing key [GenerateKey] makes.
const KeyBits = 2048

// minKeyBits is the least RSA key size accepted for signing or verifying.
const minKeyBits = 2048

// keyChunk is how many base64 characters of the key each TXT record holds,
// so that "p=NN,a=RS256,d=" and the chunk fit one 255-byte string.
const keyChunk = 200

// ErrKey is wrapped by the errors of reading a published public key and
// of verifying a signature with it.
var ErrKey = errors.New("domainconnect: signing key")

// GenerateKey returns a new RSA key of [KeyBits] bits for signing apply
// links, read from random (crypto/rand when nil).
func GenerateKey(random io.Reader) (*rsa.PrivateKey, error) {
	if random == nil {
		random = rand.Reader
	}
	return rsa.GenerateKey(random, KeyBits)
}

// KeyRecords returns the TXT records that publish pub at name (the key
// name under syncPubKeyDomain: "_dcpubkeyv1.vendor.example"): the DER
// public key in base64, split into parts of the form "p=1,a=RS256,d=…"
// (spec, Section "Digitally Sign Requests"), one record each.
func KeyRecords(name string, pub *rsa.PublicKey) ([]dnsrec.Record, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKey, err)
	}
	b64 := base64.StdEncoding.EncodeToString(der)
	var out []dnsrec.Record
	for i := 0; len(b64) > 0; i++ {
		n := min(keyChunk, len(b64))
		rec, err := dnsrec.NewTXT(name, "p="+strconv.Itoa(i+1)+",a=RS256,d="+b64[:n])
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
		b64 = b64[n:]
	}
	return out, nil
}

// ParseKeyRecords reads the public key from the TXT values published at
// the key's name (each "p=N,a=RS256,d=…", in any order): the parts are
// put in order of p, and must run from 1 without a gap or a repeat; a
// part with another algorithm (a=) or key type (t=) than RS256 and x509 is
// refused, as is a key under 2048 bits.
func ParseKeyRecords(values []string) (*rsa.PublicKey, error) {
	type part struct {
		n int
		d string
	}
	var parts []part
	for _, v := range values {
		pt := part{}
		seen := map[string]bool{}
		for _, f := range strings.Split(v, ",") {
			k, val, ok := strings.Cut(strings.TrimSpace(f), "=")
			k = strings.ToLower(strings.TrimSpace(k))
			if !ok || seen[k] {
				return nil, fmt.Errorf("%w: %q: expected p=N,a=RS256,d=… with each tag once", ErrKey, v)
			}
			seen[k] = true
			val = strings.TrimSpace(val)
			switch k {
			case "p":
				n, err := strconv.Atoi(val)
				if err != nil || n < 1 || n > 64 {
					return nil, fmt.Errorf("%w: %q: part number %q", ErrKey, v, val)
				}
				pt.n = n
			case "a":
				if val != "RS256" {
					return nil, fmt.Errorf("%w: %q: algorithm %q: only RS256 is defined", ErrKey, v, val)
				}
			case "t":
				if val != "x509" {
					return nil, fmt.Errorf("%w: %q: key type %q: only x509 is defined", ErrKey, v, val)
				}
			case "d":
				pt.d = val
			}
		}
		if pt.n == 0 || !seen["d"] {
			return nil, fmt.Errorf("%w: %q: p= and d= are required", ErrKey, v)
		}
		parts = append(parts, pt)
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("%w: no key published", ErrKey)
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].n < parts[j].n })
	var b strings.Builder
	for i, p := range parts {
		if p.n != i+1 {
			return nil, fmt.Errorf("%w: part %d is missing or repeated", ErrKey, i+1)
		}
		b.WriteString(p.d)
	}
	der, err := base64.StdEncoding.DecodeString(b.String())
	if err != nil {
		return nil, fmt.Errorf("%w: the key is not base64: %w", ErrKey, err)
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKey, err)
	}
	pub, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: not an RSA key", ErrKey)
	}
	if pub.N.BitLen() < minKeyBits {
		return nil, fmt.Errorf("%w: %d-bit key: at least %d bits", ErrKey, pub.N.BitLen(), minKeyBits)
	}
	return pub, nil
}

// Sign returns the signature of query (the apply link's query string
// without sig and key, already URL-encoded) with key: RSASSA-PKCS1-v1_5
// with SHA-256 (RS256), in standard base64.
func Sign(key *rsa.PrivateKey, query string) (string, error) {
	sum := sha256.Sum256([]byte(query))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrKey, err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// Verify checks sig (standard base64, as [Sign] writes it) over query with
// pub, as a DNS host does before applying a signed link.
func Verify(pub *rsa.PublicKey, query, sig string) error {
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return fmt.Errorf("%w: the signature is not base64: %w", ErrKey, err)
	}
	sum := sha256.Sum256([]byte(query))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], raw); err != nil {
		return fmt.Errorf("%w: the signature does not verify: %w", ErrKey, err)
	}
	return nil
}

// MarshalKey returns key as a PEM block ("PRIVATE KEY", PKCS #8), as a
// program keeps its signing key in a file.
func MarshalKey(key *rsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKey, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParseKey reads an RSA private key from PEM: "PRIVATE KEY" (PKCS #8, as
// [MarshalKey] writes it) or "RSA PRIVATE KEY" (PKCS #1), of at least
// 2048 bits.
func ParseKey(data []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block", ErrKey)
	}
	var key *rsa.PrivateKey
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrKey, err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%w: not an RSA key", ErrKey)
		}
		key = rk
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrKey, err)
		}
		key = k
	default:
		return nil, fmt.Errorf("%w: a PEM block of type %q, not a private key", ErrKey, block.Type)
	}
	if key.N.BitLen() < minKeyBits {
		return nil, fmt.Errorf("%w: %d-bit key: at least %d bits", ErrKey, key.N.BitLen(), minKeyBits)
	}
	return key, nil
}
