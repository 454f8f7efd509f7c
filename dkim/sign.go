package dkim

import (
	"crypto"
	"fmt"
	"io"

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
