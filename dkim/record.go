package dkim

import (
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/internal/taglist"
)

// Parse errors.
var (
	// ErrNotDKIM: the text is not a DKIM key record (no p= tag and no
	// v=DKIM1), such as an SPF record published at the selector's name.
	ErrNotDKIM = errors.New("dkim: not a DKIM key record")
	// ErrSyntax: a DKIM key record, but a broken one.
	ErrSyntax = errors.New("dkim: syntax error")
)

// ParseError reports where and why a key record does not parse. It wraps
// ErrNotDKIM or ErrSyntax.
type ParseError struct {
	Input  string
	Offset int
	Tag    string // the tag concerned, "" for the record as a whole
	Reason string // what is wrong, in English: the catalogue's wording of Problem
	// Problem is what is wrong as a code, and Params the values it is
	// made of, by the names the [Problem] constants list (never nil), so
	// that a program words it in its reader's language: the message
	// catalogue's clause "text.dkim-problem.<Problem>" (package i18n).
	Problem Problem
	Params  map[string]string
	kind    error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("dkim: parse %q: %s (at offset %d)", e.Input, e.Reason, e.Offset)
}

// Unwrap returns ErrNotDKIM or ErrSyntax.
func (e *ParseError) Unwrap() error { return e.kind }

// Record is a DKIM key record, published as TXT at
// <selector>._domainkey.<domain> (RFC 6376, Section 3.6.1).
type Record struct {
	Version  string   // v=: "DKIM1", or "" when absent (allowed)
	Hashes   []string // h=: acceptable hash algorithms; nil when absent (all)
	KeyType  KeyType  // k=: "" when absent, which means rsa
	Notes    string   // n=: notes for people
	Key      []byte   // p=: the public key data, decoded; empty means revoked
	Services []string // s=: service types; nil when absent ("*")
	Flags    []string // t=: "y" testing, "s" strict identity
	Extra    []Tag
}

// NewRecord returns the record that publishes pub, with v=DKIM1 and the k=
// its type needs. Every field comes from the key itself.
func NewRecord(pub crypto.PublicKey) (*Record, error) {
	if s, ok := pub.(crypto.Signer); ok {
		pub = s.Public()
	}
	b, err := encodePublicKey(pub)
	if err != nil {
		return nil, err
	}
	return &Record{Version: "DKIM1", KeyType: TypeOf(pub), Key: b}, nil
}

// Revoked reports whether the record revokes its key (an empty p=).
func (r *Record) Revoked() bool { return len(r.Key) == 0 }

// Testing reports whether t=y is set: the domain is testing DKIM.
func (r *Record) Testing() bool { return hasFold(r.Flags, "y") }

// EffectiveKeyType is k=, or rsa when absent.
func (r *Record) EffectiveKeyType() KeyType {
	if r.KeyType == "" {
		return KeyRSA
	}
	return r.KeyType
}

// PublicKey decodes the key. It fails for a revoked key and for bytes that
// are not a key of the record's type.
func (r *Record) PublicKey() (crypto.PublicKey, error) {
	if r.Revoked() {
		return nil, fmt.Errorf("%w: the key is revoked (empty p=)", ErrPublicKeyParse)
	}
	k, _, err := decodePublicKey(r.EffectiveKeyType(), r.Key)
	return k, err
}

// KeyBase64 returns p= as it is published: standard base64 of Key.
func (r *Record) KeyBase64() string { return base64.StdEncoding.EncodeToString(r.Key) }

// String returns the record as it should be published:
// "v=DKIM1; k=rsa; p=MIIBIjAN...", tags in the order v, h, k, n, p, s, t,
// then unknown tags.
func (r *Record) String() string {
	var tags []taglist.Tag
	add := func(name, value string) { tags = append(tags, taglist.Tag{Name: name, Value: value}) }
	if r.Version != "" {
		add("v", r.Version)
	}
	if r.Hashes != nil {
		add("h", strings.Join(r.Hashes, ":"))
	}
	if r.KeyType != "" {
		add("k", string(r.KeyType))
	}
	if r.Notes != "" {
		add("n", r.Notes)
	}
	add("p", r.KeyBase64())
	if r.Services != nil {
		add("s", strings.Join(r.Services, ":"))
	}
	if r.Flags != nil {
		add("t", strings.Join(r.Flags, ":"))
	}
	for _, t := range r.Extra {
		tags = append(tags, taglist.Tag{Name: t.Name, Value: t.Value})
	}
	return taglist.Format(tags)
}

// MarshalText returns [Record.String].
func (r *Record) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText parses a key record.
func (r *Record) UnmarshalText(b []byte) error {
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*r = *p
	return nil
}

// Equal reports whether two records have the same tags.
func (r *Record) Equal(o *Record) bool { return r.String() == o.String() }

// Parse parses a key record (RFC 6376, Section 3.6.1). It accepts what
// verifiers accept: whitespace inside p= (folding whitespace is allowed
// there), a missing v=, an RSA key as PKCS#1 rather than SPKI. Duplicate
// tags, a v= other than DKIM1, a missing p=, invalid base64 or a key that
// does not decode for its k= are errors.
func Parse(s string) (*Record, error) {
	fail := func(kind error, off int, tag string, p Problem, kv ...string) (*Record, error) {
		params := make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			params[kv[i]] = kv[i+1]
		}
		return nil, &ParseError{Input: s, Offset: off, Tag: tag, Reason: clause(p, params), Problem: p, Params: params, kind: kind}
	}
	tags, err := taglist.Parse(s)
	if err != nil {
		te := err.(*taglist.Error)
		kind := ErrSyntax
		if !looksDKIM(s) {
			kind = ErrNotDKIM
		}
		r, err := fail(kind, te.Offset, "", Problem(te.Problem))
		err.(*ParseError).Params = te.Params
		err.(*ParseError).Reason = clause(Problem(te.Problem), te.Params)
		return r, err
	}
	r := &Record{}
	seen := map[string]bool{}
	hasP := false
	for _, t := range tags {
		name := strings.ToLower(t.Name)
		if seen[name] {
			return fail(ErrSyntax, t.Offset, t.Name, ProblemDuplicateTag, "name", t.Name)
		}
		seen[name] = true
		switch name {
		case "v":
			if t.Value != "DKIM1" {
				return fail(ErrNotDKIM, t.ValueOffset, t.Name, ProblemVersion, "value", t.Value)
			}
			r.Version = t.Value // not first: allowed through, a finding (see Lint)
		case "h":
			r.Hashes = splitList(t.Value)
		case "k":
			r.KeyType = KeyType(t.Value) // case-sensitive (RFC 6376, Section 3.2): "RSA" is no key type verifiers know
		case "n":
			r.Notes = t.Value
		case "p":
			hasP = true
			clean := stripSpace(t.Value)
			b, err := base64.StdEncoding.DecodeString(clean)
			if err != nil {
				var ce base64.CorruptInputError
				off := t.ValueOffset
				if errors.As(err, &ce) {
					off += rawOffset(t.Value, int(ce))
				}
				return fail(ErrSyntax, off, "p", ProblemBase64, "byte", strconv.FormatInt(int64(ce), 10))
			}
			r.Key = b
		case "s":
			r.Services = splitList(t.Value)
		case "t":
			r.Flags = splitList(t.Value)
		default:
			r.Extra = append(r.Extra, Tag{Name: t.Name, Value: t.Value})
		}
	}
	if !hasP {
		if r.Version == "" {
			return fail(ErrNotDKIM, 0, "", ProblemNoKey)
		}
		return fail(ErrSyntax, len(s), "p", ProblemNoP)
	}
	if len(r.Key) > 0 {
		switch kt := r.EffectiveKeyType(); kt {
		case KeyRSA, KeyEd25519:
			if _, _, err := decodePublicKey(kt, r.Key); err != nil {
				other := KeyEd25519
				if kt == KeyEd25519 {
					other = KeyRSA
				}
				if _, _, err2 := decodePublicKey(other, r.Key); err2 == nil {
					return fail(ErrSyntax, 0, "k", ProblemKeyTypeMismatch, "keytype", string(kt), "holds", keyName(other), "other", string(other))
				}
				var ke *keyError
				if !errors.As(err, &ke) {
					ke = &keyError{problem: ProblemNotRSA}
				}
				return fail(ErrSyntax, 0, "p", ke.problem, flatten(ke.params)...)
			}
		}
	}
	return r, nil
}

// flatten returns params as names and values in turn.
func flatten(params map[string]string) []string {
	kv := make([]string, 0, 2*len(params))
	for k, v := range params {
		kv = append(kv, k, v)
	}
	return kv
}

// MustParse is Parse for tests and examples: it panics on an error.
func MustParse(s string) *Record {
	r, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return r
}

// looksDKIM reports whether text is probably meant as a key record.
func looksDKIM(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "v=dkim1") || strings.Contains(l, "p=")
}

func splitList(v string) []string {
	parts := strings.Split(v, ":")
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func stripSpace(s string) string {
	if !strings.ContainsAny(s, " \t\r\n") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
}

// rawOffset maps an offset in s with whitespace removed to one in s.
func rawOffset(s string, clean int) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isSpace(s[i]) {
			continue
		}
		if n == clean {
			return i
		}
		n++
	}
	return len(s)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func hasFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

func keyName(t KeyType) string {
	if t == KeyEd25519 {
		return "Ed25519"
	}
	return "RSA"
}

// Tag is a tag of a key record that this package does not interpret, kept
// as published so that the record prints back as it was.
type Tag struct {
	Name  string // as written
	Value string // as written, surrounding whitespace removed
}
