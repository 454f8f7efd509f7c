package dkim_test

import (
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
)

func TestParseString(t *testing.T) {
	tests := []struct {
		name, in, want string
		bits           int
		keyType        dkim.KeyType
	}{
		{"seed 000", "v=DKIM1; k=rsa; p=" + seed000Key, "v=DKIM1; k=rsa; p=" + seed000Key, 2048, dkim.KeyRSA},
		{"seed 000 with its space", "v=DKIM1; k=rsa; p=" + seed000Spaced, "v=DKIM1; k=rsa; p=" + seed000Key, 2048, dkim.KeyRSA},
		{"seed 002 key001, no spaces", "v=DKIM1;h=sha256;k=rsa;p=" + seed002Key001, "v=DKIM1; h=sha256; k=rsa; p=" + seed002Key001, 2048, dkim.KeyRSA},
		{"seed 002 key002", "v=DKIM1;h=sha256;k=rsa;p=" + seed002Key002, "v=DKIM1; h=sha256; k=rsa; p=" + seed002Key002, 1024, dkim.KeyRSA},
		{"seed 004, PEM lines joined with spaces, no v=", "k=rsa;p=" + seed004Spaced, "k=rsa; p=" + strings.ReplaceAll(seed004Spaced, " ", ""), 2047, dkim.KeyRSA},
		{"RFC 6376 Appendix C", rfc6376Record, rfc6376Record, 1024, dkim.KeyRSA},
		{"RFC 8463", "v=DKIM1; k=ed25519; p=" + rfc8463Public, "v=DKIM1; k=ed25519; p=" + rfc8463Public, 256, dkim.KeyEd25519},
		{"all tags, folded", "v=DKIM1;\r\n h=sha1:sha256; k=rsa; n=a note; p=" + seed002Key002 + "; s=email:*; t=y:s; x=future ;",
			"v=DKIM1; h=sha1:sha256; k=rsa; n=a note; p=" + seed002Key002 + "; s=email:*; t=y:s; x=future", 1024, dkim.KeyRSA},
		{"revoked", "v=DKIM1; p=", "v=DKIM1; p=", 0, dkim.KeyRSA},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := dkim.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.String(); got != tc.want {
				t.Errorf("String() = %q\nwant       %q", got, tc.want)
			}
			back, err := dkim.Parse(r.String())
			if err != nil || !back.Equal(r) {
				t.Fatalf("Parse(String()) = %v, %v", back, err)
			}
			if r.EffectiveKeyType() != tc.keyType {
				t.Errorf("key type %s, want %s", r.EffectiveKeyType(), tc.keyType)
			}
			if tc.bits == 0 {
				if !r.Revoked() {
					t.Error("not revoked")
				}
				return
			}
			pub, err := r.PublicKey()
			if err != nil {
				t.Fatal(err)
			}
			if b := dkim.KeyBits(pub); b != tc.bits {
				t.Errorf("%d bits, want %d", b, tc.bits)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		kind   error
		reason string
	}{
		{"SPF record", "v=spf1 -all", dkim.ErrNotDKIM, "version must be DKIM1"},
		{"verification token", "google-site-verification=abc", dkim.ErrNotDKIM, `expected "=" after tag "google"`},
		{"other tags only", "a=b; c=d", dkim.ErrNotDKIM, "no p= tag"},
		{"no p", "v=DKIM1; k=rsa", dkim.ErrSyntax, "no p= tag"},
		{"duplicate tag", "v=DKIM1; p=" + seed002Key002 + "; p=" + seed002Key002, dkim.ErrSyntax, "appears twice"},
		{"bad base64", "v=DKIM1; p=MIGf!!", dkim.ErrSyntax, "not valid base64"},
		{"not a key", "v=DKIM1; p=" + base64.StdEncoding.EncodeToString([]byte("hello world")), dkim.ErrSyntax, "not an RSA public key"},
		{"k=rsa on Ed25519", "v=DKIM1; k=rsa; p=" + rfc8463Public, dkim.ErrSyntax, "write k=ed25519"},
		{"k=ed25519 on RSA", "v=DKIM1; k=ed25519; p=" + seed002Key002, dkim.ErrSyntax, "write k=rsa"},
		{"non-ASCII", "v=DKIM1; n=caf\u00e9; p=", dkim.ErrSyntax, "not allowed"},
		{"quoted", `"v=DKIM1; p=` + seed002Key002 + `"`, dkim.ErrSyntax, "expected a tag name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dkim.Parse(tc.in)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
			var pe *dkim.ParseError
			if !errors.As(err, &pe) || !strings.Contains(pe.Reason, tc.reason) || pe.Offset < 0 || pe.Offset > len(tc.in) {
				t.Errorf("err = %#v, want reason %q and an offset inside the input", err, tc.reason)
			}
		})
	}
}

func TestNewRecordFromKey(t *testing.T) {
	for _, kt := range []dkim.KeyType{dkim.KeyRSA, dkim.KeyEd25519} {
		key, err := dkim.GenerateKey(kt, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := dkim.NewRecord(key) // a Signer gives its public half
		if err != nil {
			t.Fatal(err)
		}
		// k= comes from the key itself, never from a flag.
		if rec.KeyType != kt || rec.Version != "DKIM1" {
			t.Errorf("%s: record %s", kt, rec)
		}
		pub, err := rec.PublicKey()
		if err != nil {
			t.Fatal(err)
		}
		if !key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(pub) {
			t.Errorf("%s: the record's key is not the generated key", kt)
		}
		txt, err := dkim.TXT("sel", "Example.COM", rec)
		if err != nil {
			t.Fatal(err)
		}
		if txt.Name != "sel._domainkey.example.com." || txt.Value() != rec.String() {
			t.Errorf("TXT = %v", txt)
		}
		for _, s := range txt.Txt {
			if len(s) > dnsrec.MaxStringLen {
				t.Errorf("string of %d bytes", len(s))
			}
		}
	}
	edPub, _ := base64.StdEncoding.DecodeString(rfc8463Public)
	rec, err := dkim.NewRecord(ed25519.PublicKey(edPub))
	if err != nil || rec.String() != "v=DKIM1; k=ed25519; p="+rfc8463Public {
		t.Errorf("RFC 8463 key record = %v, %v", rec, err)
	}
}

func TestNamesAndDelegation(t *testing.T) {
	d, err := dkim.Delegation("default", "operations-the-rat.ch", "tocco.ch")
	if err != nil {
		t.Fatal(err)
	}
	if d.String() != "default._domainkey.operations-the-rat.ch.\t3600\tIN\tCNAME\tdefault._domainkey.tocco.ch." {
		t.Errorf("Delegation = %q", d)
	}
	for _, sel := range []string{"key001", "key002", "s1.2024", "mail-1"} {
		if err := dkim.ValidateSelector(sel); err != nil {
			t.Errorf("ValidateSelector(%q): %v", sel, err)
		}
	}
	for _, sel := range []string{"", "bad_sel", "-x", "x-", "a..b", strings.Repeat("a", 64), "sél"} {
		if err := dkim.ValidateSelector(sel); !errors.Is(err, dkim.ErrInvalidSelector) {
			t.Errorf("ValidateSelector(%q) = %v", sel, err)
		}
	}
	if _, err := dkim.Name("default", "a..example"); !errors.Is(err, dnsrec.ErrInvalidName) {
		t.Errorf("Name with a bad domain: %v", err)
	}
}

func TestLintCodes(t *testing.T) {
	tests := []struct {
		record string
		code   plan.Code
	}{
		{`"v=DKIM1; p=` + seed000Key + `"`, dkim.CodeQuoted},
		{"v=DKIM1; p=" + seed000Spaced, dkim.CodeWhitespace},
		{"k=rsa; v=DKIM1; p=" + seed000Key, dkim.CodeVersionNotFirst},
		{"k=rsa; p=" + seed000Key, dkim.CodeNoVersion},
		{"v=DKIM1; p=", dkim.CodeRevoked},
		{"v=DKIM1; t=y; p=" + seed000Key, dkim.CodeTesting},
		{"v=DKIM1; h=sha1; p=" + seed000Key, dkim.CodeHashExcluded},
		{"v=DKIM1; k=rsa; p=" + rfc8463Public, dkim.CodeKeyTypeMismatch},
		{"v=DKIM1; k=dsa; p=" + seed000Key, dkim.CodeUnknownKeyType},
		{"v=DKIM1; s=tlsrpt; p=" + seed000Key, dkim.CodeServiceExcluded},
		{"v=DKIM1; p=" + seed002Key002, dkim.CodeKeyWeak},
		{"v=spf1 -all", dkim.CodeNotDKIM},
		{"v=DKIM1; p=MIGf!!", dkim.CodeSyntax},
	}
	for _, tc := range tests {
		checkParams(t, dkim.Lint(tc.record))
		found := false
		for _, f := range dkim.Lint(tc.record) {
			found = found || f.Code == tc.code
		}
		if !found {
			t.Errorf("Lint(%.40q…) lacks %s: %v", tc.record, tc.code, dkim.Lint(tc.record))
		}
	}
	if fs := dkim.Lint("v=DKIM1; k=rsa; p=" + seed000Key); len(fs) != 0 {
		t.Errorf("a good record gave %v", fs)
	}
}
