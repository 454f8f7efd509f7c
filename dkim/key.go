package dkim

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/domainauth/domainauth/plan"
)

// KeyType is the k= tag of a key record: the signing algorithm's key type
// (RFC 6376, Section 3.6.1; RFC 8463).
type KeyType string

// Key types.
const (
	KeyRSA     KeyType = "rsa"     // RSA (RFC 6376); the default when k= is absent
	KeyEd25519 KeyType = "ed25519" // Ed25519 (RFC 8463)
)

// RSA key sizes.
const (
	DefaultRSABits = 2048 // what GenerateKey makes when asked for 0 bits
	MinRSABits     = 1024 // RFC 8301, Section 3.2: verifiers must not accept less
	maxRSABits     = 4096
)

// Key errors.
var (
	ErrKeySize        = errors.New("dkim: unsupported key size")
	ErrKeyType        = errors.New("dkim: unsupported key type")
	ErrPEM            = errors.New("dkim: not a PEM key")
	ErrNotPrivateKey  = errors.New("dkim: not a private key")
	ErrPublicKeyParse = errors.New("dkim: cannot read the public key")
)

// GenerateKey makes a signing key: RSA with bits bits (0 means 2048; 1024,
// 2048, 3072 and 4096 are allowed) or Ed25519 (bits must be 0). It reads
// randomness from rand, or crypto/rand when rand is nil.
func GenerateKey(t KeyType, bits int, random io.Reader) (crypto.Signer, error) {
	if random == nil {
		random = rand.Reader
	}
	switch t {
	case KeyRSA, "":
		if bits == 0 {
			bits = DefaultRSABits
		}
		switch bits {
		case 1024, 2048, 3072, 4096:
		default:
			return nil, fmt.Errorf("%w: RSA keys of %d bits; use 2048 (or 1024, 3072, 4096)", ErrKeySize, bits)
		}
		return rsa.GenerateKey(random, bits)
	case KeyEd25519:
		if bits != 0 {
			return nil, fmt.Errorf("%w: Ed25519 keys have no size to choose", ErrKeySize)
		}
		_, priv, err := ed25519.GenerateKey(random)
		return priv, err
	}
	return nil, fmt.Errorf("%w: %q", ErrKeyType, t)
}

// TypeOf returns the key type of a public or private key, or "" when DKIM
// does not support it.
func TypeOf(key any) KeyType {
	if s, ok := key.(crypto.Signer); ok {
		key = s.Public()
	}
	switch key.(type) {
	case *rsa.PublicKey:
		return KeyRSA
	case ed25519.PublicKey:
		return KeyEd25519
	}
	return ""
}

// KeyBits returns the size of a public key in bits: the RSA modulus, or 256
// for Ed25519.
func KeyBits(pub crypto.PublicKey) int {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return k.N.BitLen()
	case ed25519.PublicKey:
		return 256
	}
	return 0
}

// KeyFindings says what a support engineer should know about a key's size.
func KeyFindings(pub crypto.PublicKey) []plan.Finding {
	k, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil
	}
	bits := k.N.BitLen()
	params := map[string]string{"bits": strconv.Itoa(bits)}
	switch {
	case bits < MinRSABits:
		return []plan.Finding{plan.Worded(plan.Finding{Code: CodeKeyTooShort, Severity: plan.SeverityError, Params: params}, 1, 1)}
	case bits < DefaultRSABits:
		return []plan.Finding{plan.Worded(plan.Finding{Code: CodeKeyWeak, Severity: plan.SeverityWarning, Params: params}, 1, 1)}
	case bits > DefaultRSABits+1024:
		return []plan.Finding{plan.Worded(plan.Finding{Code: CodeKeyLong, Severity: plan.SeverityInfo, Params: params}, 1, 1)}
	}
	return nil
}

// MarshalPrivateKeyPEM writes a private key as a PKCS#8 "PRIVATE KEY" PEM
// block, which Go, OpenSSL and most signers read, for RSA and Ed25519 keys
// alike. A signer that reads only PKCS#1 RSA keys (OpenDKIM) needs
// [MarshalRSAPrivateKeyPEM] instead.
func MarshalPrivateKeyPEM(key crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyType, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// MarshalRSAPrivateKeyPEM writes an RSA private key as a PKCS#1 "RSA
// PRIVATE KEY" PEM block, the form some signers (OpenDKIM among them)
// expect.
func MarshalRSAPrivateKeyPEM(key *rsa.PrivateKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

// ParsePrivateKeyPEM reads the first private key PEM block: PKCS#8
// ("PRIVATE KEY", RSA or Ed25519) or PKCS#1 ("RSA PRIVATE KEY").
func ParsePrivateKeyPEM(data []byte) (crypto.Signer, error) {
	block, err := firstPEM(data)
	if err != nil {
		return nil, err
	}
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrPEM, err)
		}
		s, ok := k.(crypto.Signer)
		if !ok || TypeOf(s) == "" {
			return nil, fmt.Errorf("%w: %T", ErrKeyType, k)
		}
		return s, nil
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrPEM, err)
		}
		return k, nil
	}
	return nil, fmt.Errorf("%w: the PEM block is a %s", ErrNotPrivateKey, block.Type)
}

// keyBlockTypes are the PEM block types this package reads.
var keyBlockTypes = map[string]bool{"PRIVATE KEY": true, "RSA PRIVATE KEY": true, "PUBLIC KEY": true, "RSA PUBLIC KEY": true}

// firstPEM returns the first PEM block holding a key, skipping others
// (certificates, parameters).
func firstPEM(data []byte) (*pem.Block, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, ErrPEM
		}
		if keyBlockTypes[block.Type] {
			return block, nil
		}
	}
}

// MarshalPublicKeyPEM writes a public key as an SPKI "PUBLIC KEY" PEM block.
func MarshalPublicKeyPEM(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyType, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// ParsePublicKeyPEM reads the first public key PEM block: SPKI ("PUBLIC
// KEY") or PKCS#1 ("RSA PUBLIC KEY"). A private key block gives its public
// half.
func ParsePublicKeyPEM(data []byte) (crypto.PublicKey, error) {
	block, err := firstPEM(data)
	if err != nil {
		return nil, err
	}
	switch block.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrPEM, err)
		}
		if TypeOf(k) == "" {
			return nil, fmt.Errorf("%w: %T", ErrKeyType, k)
		}
		return k, nil
	case "RSA PUBLIC KEY":
		k, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrPEM, err)
		}
		return k, nil
	}
	s, err := ParsePrivateKeyPEM(pem.EncodeToMemory(block))
	if err != nil {
		return nil, err
	}
	return s.Public(), nil
}

// encodePublicKey returns the bytes a p= tag holds for pub: SPKI DER for
// RSA (RFC 6376, Section 3.6.1), the raw 32 bytes for Ed25519 (RFC 8463,
// Section 4).
func encodePublicKey(pub crypto.PublicKey) ([]byte, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return x509.MarshalPKIXPublicKey(k)
	case ed25519.PublicKey:
		return append([]byte(nil), k...), nil
	}
	return nil, fmt.Errorf("%w: %T", ErrKeyType, pub)
}

// decodePublicKey reads p= bytes for key type t. pkcs1 reports an RSA key
// encoded as a bare RSAPublicKey rather than SPKI, which most verifiers
// accept (RFC 6376 erratum 3017) but not all.
func decodePublicKey(t KeyType, b []byte) (pub crypto.PublicKey, pkcs1 bool, err error) {
	switch t {
	case KeyRSA, "":
		if k, err := x509.ParsePKIXPublicKey(b); err == nil {
			rk, ok := k.(*rsa.PublicKey)
			if !ok {
				return nil, false, &keyError{ProblemRSAHoldsOther, map[string]string{"type": fmt.Sprintf("%T", k)}, fmt.Errorf("%w: k=rsa, but p= holds a %T", ErrPublicKeyParse, k)}
			}
			return rk, false, nil
		}
		if k, err := x509.ParsePKCS1PublicKey(b); err == nil {
			return k, true, nil
		}
		return nil, false, &keyError{ProblemNotRSA, nil, fmt.Errorf("%w: p= is not an RSA public key", ErrPublicKeyParse)}
	case KeyEd25519:
		if len(b) != ed25519.PublicKeySize {
			return nil, false, &keyError{ProblemEd25519Size, map[string]string{"bytes": strconv.Itoa(len(b))}, fmt.Errorf("%w: an Ed25519 key has 32 bytes, p= holds %d", ErrPublicKeyParse, len(b))}
		}
		return ed25519.PublicKey(append([]byte(nil), b...)), false, nil
	}
	return nil, false, &keyError{ProblemKeyType, map[string]string{"keytype": string(t)}, fmt.Errorf("%w: k=%s", ErrKeyType, t)}
}
