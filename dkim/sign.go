package dkim

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"io"

	"github.com/domainauth/domainauth/dnsrec"
	msgdkim "github.com/emersion/go-msgauth/dkim"
)

// DefaultHeaderKeys returns the header fields [Signer] covers unless told
// otherwise: those RFC 6376, Section 5.4.1 recommends that a message
// usually has, and the identity fields (From, To, Cc, Reply-To, Subject,
// Date, Message-ID) listed twice. Listing a field once more than it occurs
// signs its absence (RFC 6376, Section 8.15): a second From: or Subject:
// added in front of the message then breaks the signature.
func DefaultHeaderKeys() []string {
	return []string{
		"From", "From", "Reply-To", "Reply-To", "Subject", "Subject", "Date", "Date",
		"To", "To", "Cc", "Cc", "Message-ID", "Message-ID",
		"In-Reply-To", "References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
	}
}

// MaxRSABits is the largest RSA key [Verify] uses; RFC 8301, Section 3.2
// lets verifiers refuse larger ones, which cost much CPU to verify.
const MaxRSABits = 4096

// Signer signs messages through github.com/emersion/go-msgauth/dkim with
// relaxed/relaxed canonicalization and SHA-256. Its zero value is not
// usable: set Domain, Selector and Key.
type Signer struct {
	Domain   string        // d=
	Selector string        // s=
	Key      crypto.Signer // RSA or Ed25519
	// HeaderKeys are the header fields to sign; nil means
	// [DefaultHeaderKeys], which over-signs the identity fields.
	HeaderKeys []string
}

// Sign reads a message from r and writes it to w with a DKIM-Signature
// header field prepended.
func (s *Signer) Sign(w io.Writer, r io.Reader) error {
	if err := ValidateSelector(s.Selector); err != nil {
		return err
	}
	if s.Key == nil || TypeOf(s.Key) == "" {
		return fmt.Errorf("%w: Signer.Key must be an RSA or Ed25519 key", ErrKeyType)
	}
	keys := s.HeaderKeys
	if keys == nil {
		keys = DefaultHeaderKeys()
	}
	return msgdkim.Sign(w, r, &msgdkim.SignOptions{
		Domain:                 s.Domain,
		Selector:               s.Selector,
		Signer:                 s.Key,
		Hash:                   crypto.SHA256,
		HeaderCanonicalization: msgdkim.CanonicalizationRelaxed,
		BodyCanonicalization:   msgdkim.CanonicalizationRelaxed,
		HeaderKeys:             keys,
	})
}

// Verification is the outcome of verifying one DKIM-Signature.
type Verification = msgdkim.Verification

// Verify checks every DKIM signature of the message read from msg, looking
// keys up through res (an in-memory zone in tests). At most 10 signatures
// are verified. A temporary DNS failure for a key (SERVFAIL, a timeout)
// gives that signature a temporary failure (RFC 6376, Section 6.1.2:
// msgdkim.IsTempFail holds for its Err), never a permanent one. RSA keys
// over [MaxRSABits] are refused.
func Verify(ctx context.Context, res dnsrec.Resolver, msg io.Reader) ([]*Verification, error) {
	res = dnsrec.Ensure(res)
	return msgdkim.VerifyWithOptions(msg, &msgdkim.VerifyOptions{
		MaxVerifications: 10,
		LookupTXT: func(name string) ([]string, error) {
			a, err := res.Lookup(ctx, name, dnsrec.TypeTXT)
			if err != nil {
				// go-msgauth asks err itself (not what it wraps) whether it
				// is a temporary net.Error: hand it the *dnsrec.Error.
				var de *dnsrec.Error
				if errors.As(err, &de) {
					return nil, de
				}
				return nil, err
			}
			var out []string
			for _, txt := range a.TXT() {
				v := dnsrec.JoinTXT(txt)
				if rec, err := Parse(v); err == nil {
					if pub, err := rec.PublicKey(); err == nil && TypeOf(pub) == KeyRSA && KeyBits(pub) > MaxRSABits {
						return nil, fmt.Errorf("dkim: the key at %s is a %d-bit RSA key; keys over %d bits are refused (RFC 8301, Section 3.2)", dnsrec.TrimDot(name), KeyBits(pub), MaxRSABits)
					}
				}
				out = append(out, v)
			}
			return out, nil
		},
	})
}
