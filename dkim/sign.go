package dkim

import (
	"context"
	"crypto"
	"fmt"
	"io"

	"github.com/domainauth/domainauth/dnsrec"
	msgdkim "github.com/emersion/go-msgauth/dkim"
)

// defaultHeaderKeys are the header fields Sign covers unless told
// otherwise: those RFC 6376, Section 5.4.1 recommends that a message
// usually has.
var defaultHeaderKeys = []string{
	"From", "Reply-To", "Subject", "Date", "To", "Cc", "Message-ID",
	"In-Reply-To", "References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
}

// Signer signs messages through github.com/emersion/go-msgauth/dkim with
// relaxed/relaxed canonicalization and SHA-256. Its zero value is not
// usable: set Domain, Selector and Key.
type Signer struct {
	Domain   string        // d=
	Selector string        // s=
	Key      crypto.Signer // RSA or Ed25519
	// HeaderKeys are the header fields to sign; nil means From, Reply-To,
	// Subject, Date, To, Cc, Message-ID, In-Reply-To, References,
	// MIME-Version, Content-Type and Content-Transfer-Encoding.
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
		keys = defaultHeaderKeys
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
// are verified.
func Verify(ctx context.Context, res dnsrec.Resolver, msg io.Reader) ([]*Verification, error) {
	return msgdkim.VerifyWithOptions(msg, &msgdkim.VerifyOptions{
		MaxVerifications: 10,
		LookupTXT: func(name string) ([]string, error) {
			a, err := res.Lookup(ctx, name, dnsrec.TypeTXT)
			if err != nil {
				return nil, err
			}
			var out []string
			for _, txt := range a.TXT() {
				out = append(out, dnsrec.JoinTXT(txt))
			}
			return out, nil
		},
	})
}
