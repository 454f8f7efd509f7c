package dkim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"sync"

	msgdkim "github.com/emersion/go-msgauth/dkim"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/resolve"
	"github.com/domainauth/domainauth/internal/taglist"
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
	// go-msgauth verifies several signatures concurrently, so the key
	// lookups below run at the same time: the questions that failed are
	// kept under a lock, by the key's name (selector and domain).
	var mu sync.Mutex
	failed := map[string]*dnsrec.Error{}
	header := &headerCopy{}
	vs, err := msgdkim.VerifyWithOptions(io.TeeReader(msg, header), &msgdkim.VerifyOptions{
		MaxVerifications: 10,
		LookupTXT: func(name string) ([]string, error) {
			a, err := res.Lookup(ctx, name, dnsrec.TypeTXT)
			if err != nil {
				// go-msgauth asks err itself (not what it wraps) whether it
				// is a temporary net.Error: hand it the *dnsrec.Error.
				var de *dnsrec.Error
				if errors.As(err, &de) {
					mu.Lock()
					failed[keyRecordName(name)] = de
					mu.Unlock()
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
	// The verifications come in the order of the DKIM-Signature fields; a
	// temporary failure is matched to the question of its own key (its s=
	// and d=), so two selectors of one domain never swap questions.
	keys := header.signatureKeys()
	for i, v := range vs {
		if v.Err == nil || !msgdkim.IsTempFail(v.Err) || i >= len(keys) {
			continue
		}
		if de, ok := failed[keys[i]]; ok {
			v.Err = &keyUnavailable{msg: v.Err.Error(), question: de}
		}
	}
	return vs, err
}

// keyRecordName is the lower-case name of a key record without its final dot.
func keyRecordName(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) }

// maxHeaderCopy bounds the header kept to match signatures with their keys;
// a header longer than this is verified as usual, and a temporary failure
// past it keeps go-msgauth's own error.
const maxHeaderCopy = 1 << 20

// headerCopy keeps the message's header as go-msgauth reads it, up to the
// empty line that ends it (or maxHeaderCopy bytes).
type headerCopy struct {
	buf  []byte
	done bool
}

func (h *headerCopy) Write(p []byte) (int, error) {
	if h.done {
		return len(p), nil
	}
	h.buf = append(h.buf, p...)
	if i := bytes.Index(h.buf, []byte("\n\r\n")); i >= 0 {
		h.buf, h.done = h.buf[:i+3], true
	} else if i := bytes.Index(h.buf, []byte("\n\n")); i >= 0 {
		h.buf, h.done = h.buf[:i+2], true
	} else if len(h.buf) > maxHeaderCopy {
		h.buf, h.done = nil, true
	}
	return len(p), nil
}

// signatureKeys returns, for each DKIM-Signature field in order, the name
// of its key record (s=._domainkey.d=), or "" where the field has no
// readable s= and d=.
func (h *headerCopy) signatureKeys() []string {
	m, err := mail.ReadMessage(bytes.NewReader(h.buf))
	if err != nil {
		return nil
	}
	var keys []string
	for _, field := range m.Header["Dkim-Signature"] {
		tags, _ := taglist.ParseAll(field)
		var sel, domain string
		for _, t := range tags {
			switch t.Name {
			case "s":
				sel = t.Value
			case "d":
				domain = t.Value
			}
		}
		if sel == "" || domain == "" {
			keys = append(keys, "")
			continue
		}
		keys = append(keys, keyRecordName(sel+"._domainkey."+domain))
	}
	return keys
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
