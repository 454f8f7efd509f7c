package dkim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	msgdkim "github.com/emersion/go-msgauth/dkim"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/resolve"
)

// Verification is the outcome of verifying one DKIM-Signature.
type Verification = msgdkim.Verification

// Verify checks every DKIM signature of the message read from msg, looking
// keys up through res (an in-memory zone in tests). At most 10 signatures
// are verified. A temporary DNS failure for a key (SERVFAIL, a timeout)
// gives that signature a temporary failure (RFC 6376, Section 6.1.2), never
// a permanent one: errors.Is(v.Err, dnsrec.ErrTemporary) holds for it, as
// for every temporary DNS failure of this module, and errors.As finds the
// failed question (a [*dnsrec.Error]). RSA keys over [MaxRSABits] are
// refused.
func Verify(ctx context.Context, res dnsrec.Resolver, msg io.Reader) ([]*Verification, error) {
	res = resolve.Ensure(res)
	failed := map[string]*dnsrec.Error{} // the question behind each key that could not be read
	vs, err := msgdkim.VerifyWithOptions(msg, &msgdkim.VerifyOptions{
		MaxVerifications: 10,
		LookupTXT: func(name string) ([]string, error) {
			a, err := res.Lookup(ctx, name, dnsrec.TypeTXT)
			if err != nil {
				// go-msgauth asks err itself (not what it wraps) whether it
				// is a temporary net.Error: hand it the *dnsrec.Error.
				var de *dnsrec.Error
				if errors.As(err, &de) {
					failed[strings.ToLower(strings.TrimSuffix(name, "."))] = de
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
	for _, v := range vs {
		if v.Err == nil || !msgdkim.IsTempFail(v.Err) {
			continue
		}
		for name, de := range failed {
			if strings.HasSuffix(name, "._domainkey."+strings.ToLower(strings.TrimSuffix(v.Domain, "."))) {
				v.Err = &keyUnavailable{msg: v.Err.Error(), question: de}
				break
			}
		}
	}
	return vs, err
}

// keyUnavailable is a signature's temporary failure: its key could not be
// read from DNS. It says what go-msgauth said, and wraps the question that
// failed.
type keyUnavailable struct {
	msg      string
	question *dnsrec.Error
}

func (e *keyUnavailable) Error() string   { return e.msg }
func (e *keyUnavailable) Unwrap() error   { return e.question }
func (e *keyUnavailable) Temporary() bool { return true }
