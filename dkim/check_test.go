package dkim_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/plan"
)

func mustKey(t testing.TB, b64 string) crypto.PublicKey {
	t.Helper()
	r, err := dkim.Parse("p=" + b64)
	if err != nil {
		t.Fatal(err)
	}
	k, err := r.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// q quotes a TXT value for zone text, splitting it into 255-byte strings.
func q(v string) string {
	return dnsrec.QuoteTXT(dnsrec.SplitTXT(v))
}

func checkZone() string {
	key := "v=DKIM1; k=rsa; p=" + seed000Key
	half := len(key) / 2
	return strings.Join([]string{
		// the vendor, and customers who delegate to it (seed 000)
		"default._domainkey.vendor.example. IN TXT " + q(key),
		"default._domainkey.delegated.example. IN CNAME default._domainkey.vendor.example.",
		"default._domainkey.wrongtarget.example. IN CNAME default._domainkey.other.example.",
		"default._domainkey.other.example. IN TXT " + q("v=DKIM1; k=rsa; p="+seed002Key001),
		"default._domainkey.copied.example. IN TXT " + q(key),
		"default._domainkey.stale.example. IN TXT " + q("v=DKIM1; k=rsa; p="+seed002Key001),
		"default._domainkey.vendorless.example. IN CNAME default._domainkey.gone.example.",
		// customers who publish the key themselves
		"default._domainkey.good.example. IN TXT " + q(key),
		"default._domainkey.spaced.example. IN TXT " + q("v=DKIM1; k=rsa; p="+seed000Spaced),
		"default._domainkey.linebreak.example. IN TXT " + q("v=DKIM1; k=rsa; p="+strings.Replace(seed000Key, "YVoDF", "\nYVoDF", 1)),
		"default._domainkey.truncated.example. IN TXT " + q("v=DKIM1; k=rsa; p="+seed000Key[:300]),
		"default._domainkey.extra.example. IN TXT " + q("v=DKIM1; k=rsa; p="+seed000Key+"IDAQAB"),
		"default._domainkey.typo.example. IN TXT " + q("v=DKIM1; k=rsa; p="+strings.Replace(seed000Key, "SppXsYmCJ", "SppXsYnCJ", 1)),
		"default._domainkey.missing.example. IN TXT " + q("v=DKIM1; k=rsa; p="+strings.Replace(seed000Key, "SppXsYmCJ", "SppXsCJ", 1)),
		"default._domainkey.other-key.example. IN TXT " + q("v=DKIM1; k=rsa; p="+seed002Key001),
		"default._domainkey.quoted.example. IN TXT " + q(`"`+key+`"`),
		"default._domainkey.split.example. IN TXT " + q(key[:half]),
		"default._domainkey.split.example. IN TXT " + q(key[half:]),
		"default._domainkey.two-keys.example. IN TXT " + q(key),
		"default._domainkey.two-keys.example. IN TXT " + q("v=DKIM1; k=rsa; p="+seed002Key001),
		"default._domainkey.revoked.example. IN TXT \"v=DKIM1; k=rsa; p=\"",
		"default._domainkey.testing.example. IN TXT " + q("v=DKIM1; k=rsa; t=y; p="+seed000Key),
		"default._domainkey.sha1.example. IN TXT " + q("v=DKIM1; h=sha1; k=rsa; p="+seed000Key),
		"default._domainkey.spf.example. IN TXT \"v=spf1 include:spf.vendor.example -all\"",
		"default._domainkey.cname.example. IN CNAME default._domainkey.vendor.example.",
		"default._domainkey.cname-wrong.example. IN CNAME default._domainkey.other.example.",
		"key002._domainkey.seed002.example. IN TXT " + q("v=DKIM1;h=sha256;k=rsa;p="+seed002Key002),
		"brisbane._domainkey.football.example.com. IN TXT " + q("v=DKIM1; k=ed25519; p="+rfc8463Public),
		"brisbane._domainkey.example.com. IN TXT " + q(rfc6376Record),
		"ed.example. IN TXT \"x\"",
		"default._domainkey.ed-wrong-k.example. IN TXT " + q("v=DKIM1; k=rsa; p="+rfc8463Public),
	}, "\n")
}

func TestKeyCheck(t *testing.T) {
	seedKey := mustKey(t, seed000Key)
	edRaw, _ := base64.StdEncoding.DecodeString(rfc8463Public)
	edKey := ed25519.PublicKey(edRaw)
	tests := []struct {
		name     string
		domain   string
		selector string
		key      crypto.PublicKey
		target   string
		ok       bool
		codes    []plan.Code // codes that must be present
		actions  []plan.Action
		message  string // substring of some finding's message
	}{
		{"delegated", "delegated.example", "default", nil, "default._domainkey.vendor.example", true, nil, nil, ""},
		{"delegation missing", "new.example", "default", nil, "default._domainkey.vendor.example", false, []plan.Code{dkim.CodeNotPublished}, []plan.Action{plan.ActionAdd}, "nothing is published at default._domainkey.new.example"},
		{"wrong CNAME target", "wrongtarget.example", "default", nil, "default._domainkey.vendor.example", false, []plan.Code{dkim.CodeWrongTarget}, []plan.Action{plan.ActionUpdate}, "points to default._domainkey.other.example"},
		{"TXT copy where CNAME expected", "copied.example", "default", nil, "default._domainkey.vendor.example", true, []plan.Code{dkim.CodeCNAMEExpected}, []plan.Action{plan.ActionReplace}, "breaks when the vendor rotates"},
		{"stale TXT where CNAME expected", "stale.example", "default", nil, "default._domainkey.vendor.example", false, []plan.Code{dkim.CodeCNAMEExpected}, []plan.Action{plan.ActionReplace}, "its key is not the vendor's"},
		{"vendor record missing", "vendorless.example", "default", nil, "default._domainkey.gone.example", false, []plan.Code{dkim.CodeTargetMissing}, nil, "the vendor publishes no key there"},

		{"correct key", "good.example", "default", seedKey, "", true, nil, nil, ""},
		{"seed 000: space in the key", "spaced.example", "default", seedKey, "", true, []plan.Code{dkim.CodeWhitespace}, []plan.Action{plan.ActionUpdate}, "contains a space at offset"},
		{"line break in the key", "linebreak.example", "default", seedKey, "", true, []plan.Code{dkim.CodeWhitespace}, []plan.Action{plan.ActionUpdate}, "contains a line break"},
		{"not published", "nothing.example", "default", seedKey, "", false, []plan.Code{dkim.CodeNotPublished}, []plan.Action{plan.ActionAdd}, "nothing is published"},
		{"truncated", "truncated.example", "default", seedKey, "", false, []plan.Code{dkim.CodeKeyTruncated}, []plan.Action{plan.ActionUpdate}, "it has 300 of the 392 characters"},
		{"extra characters", "extra.example", "default", seedKey, "", false, []plan.Code{dkim.CodeKeyExtra}, []plan.Action{plan.ActionUpdate}, "followed by 6 extra characters: \"IDAQAB\""},
		{"one character changed", "typo.example", "default", seedKey, "", false, []plan.Code{dkim.CodeKeyChanged}, []plan.Action{plan.ActionUpdate}, "1 character differs (published \"n\", expected \"m\")"},
		{"characters missing in the middle", "missing.example", "default", seedKey, "", false, []plan.Code{dkim.CodeKeyChanged}, []plan.Action{plan.ActionUpdate}, "2 characters are missing"},
		{"a different key", "other-key.example", "default", seedKey, "", false, []plan.Code{dkim.CodeDifferentKey}, []plan.Action{plan.ActionUpdate}, "a different key (RSA, 2048 bits)"},
		{"quotes kept", "quoted.example", "default", seedKey, "", false, []plan.Code{dkim.CodeQuoted}, []plan.Action{plan.ActionUpdate}, "double quote"},
		{"split into two records", "split.example", "default", seedKey, "", false, []plan.Code{dkim.CodeSplitRecords}, []plan.Action{plan.ActionUpdate}, "split into 2 separate TXT records"},
		{"two keys", "two-keys.example", "default", seedKey, "", false, []plan.Code{dkim.CodeMultiple}, []plan.Action{plan.ActionRemove}, "2 TXT records"},
		{"revoked", "revoked.example", "default", seedKey, "", false, []plan.Code{dkim.CodeRevoked}, []plan.Action{plan.ActionUpdate}, "revoked"},
		{"testing mode", "testing.example", "default", seedKey, "", true, []plan.Code{dkim.CodeTesting}, nil, "t=y"},
		{"h=sha1 only", "sha1.example", "default", seedKey, "", false, []plan.Code{dkim.CodeHashExcluded}, []plan.Action{plan.ActionUpdate}, "sha256"},
		{"SPF record at the selector", "spf.example", "default", seedKey, "", false, []plan.Code{dkim.CodeNotDKIM}, []plan.Action{plan.ActionUpdate}, "not a DKIM key record"},
		{"CNAME where TXT expected, right key", "cname.example", "default", seedKey, "", true, []plan.Code{dkim.CodeTXTExpected}, nil, "leads to the right key"},
		{"CNAME where TXT expected, wrong key", "cname-wrong.example", "default", seedKey, "", false, []plan.Code{dkim.CodeTXTExpected}, []plan.Action{plan.ActionReplace}, "CNAME to default._domainkey.other.example"},
		{"seed 002: 1024-bit key", "seed002.example", "key002", nil, "", true, []plan.Code{dkim.CodeKeyWeak}, nil, "1024 bits"},
		{"RFC 8463 Ed25519 key", "football.example.com", "brisbane", edKey, "", true, nil, nil, ""},
		{"RFC 6376 Appendix C record, checked against its private key", "example.com", "brisbane", rfc6376Key(t), "", true, []plan.Code{dkim.CodeKeyWeak}, nil, "1024 bits"},
		{"k=rsa on an Ed25519 key", "ed-wrong-k.example", "default", edKey, "", false, []plan.Code{dkim.CodeKeyTypeMismatch}, []plan.Action{plan.ActionUpdate}, "write k=ed25519"},
	}
	z := dnstest.MustZone(checkZone())
	for rname, r := range dnstest.Resolvers(t, z) {
		for _, tc := range tests {
			t.Run(rname+"/"+tc.name, func(t *testing.T) {
				kc := dkim.KeyCheck{Domain: tc.domain, Selector: tc.selector, Key: tc.key, Target: tc.target}
				d, err := kc.Check(context.Background(), r)
				if err != nil {
					t.Fatal(err)
				}
				checkParams(t, d.Findings)
				if d.Satisfied != tc.ok {
					t.Errorf("Satisfied = %v, want %v: %v", d.Satisfied, tc.ok, d.Findings)
				}
				for _, code := range tc.codes {
					found := false
					for _, f := range d.Findings {
						found = found || f.Code == code
					}
					if !found {
						t.Errorf("no %s finding in %v", code, d.Findings)
					}
				}
				if len(tc.codes) == 0 {
					for _, f := range d.Findings {
						if f.Severity != plan.SeverityInfo {
							t.Errorf("unexpected finding %v", f)
						}
					}
				}
				if tc.message != "" {
					found := false
					for _, f := range d.Findings {
						found = found || strings.Contains(f.Message, tc.message)
					}
					if !found {
						t.Errorf("no finding says %q: %v", tc.message, d.Findings)
					}
				}
				pl, err := plan.Check(context.Background(), r, kc)
				if err != nil {
					t.Fatal(err)
				}
				if got := pl.Changes.Actions(); !slices.Equal(got, tc.actions) {
					t.Errorf("actions %v, want %v\n%s", got, tc.actions, pl.Changes.Text())
				}
				for _, c := range pl.Changes {
					if c.Stage != plan.StageDKIM || c.Relative != tc.selector+"._domainkey" {
						t.Errorf("change %s: stage %s, relative name %q", c.Summary(), c.Stage, c.Relative)
					}
				}
				for _, f := range d.Findings {
					if f.Name != d.Name || f.Message == "" {
						t.Errorf("finding %+v lacks its name or message", f)
					}
				}
			})
		}
	}
}

func TestKeyCheckJustChanged(t *testing.T) {
	z := dnstest.MustZone("")
	kc := dkim.KeyCheck{Domain: "new.example", Selector: "key001", Key: mustKey(t, seed002Key001), JustChanged: true}
	d, err := kc.Check(context.Background(), z)
	if err != nil {
		t.Fatal(err)
	}
	checkParams(t, d.Findings)
	if len(d.Findings) != 1 || !strings.Contains(d.Findings[0].Message, "not visible yet") {
		t.Errorf("findings %v", d.Findings)
	}
	pl, err := plan.Check(context.Background(), z, kc)
	if err != nil {
		t.Fatal(err)
	}
	text := pl.Changes.Text()
	if !strings.Contains(text, "Name:   key001._domainkey  (key001._domainkey.new.example)") || !strings.Contains(text, "v=DKIM1; k=rsa; p="+seed002Key001) {
		t.Errorf("changes:\n%s", text)
	}
	z.Fail("key001._domainkey.down.example", "", dnsrec.ErrServFail)
	if _, err := (dkim.KeyCheck{Domain: "down.example", Selector: "key001"}).Check(context.Background(), z); err == nil {
		t.Error("a SERVFAIL gave no error")
	}
	if _, err := (dkim.KeyCheck{Domain: "x.example", Selector: "bad_selector"}).Check(context.Background(), z); err == nil {
		t.Error("an invalid selector gave no error")
	}
}

// rfc6376Key is the public half of RFC 6376 Appendix C's private key.
func rfc6376Key(t testing.TB) crypto.PublicKey {
	k, err := dkim.ParsePrivateKeyPEM([]byte(rfc6376PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	return k.Public()
}

// A DNS failure while reading the vendor's key is an error, never the
// finding "its key is not the vendor's" (RFC 6376, Section 6.1.2: a
// temporary failure is not a verdict).
func TestKeyCheckVendorKeyFailure(t *testing.T) {
	z := dnstest.MustZone(`default._domainkey.customer.example. IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="`)
	z.Fail("default._domainkey.vendor.example.", dnsrec.TypeTXT, dnsrec.ErrServFail)
	_, err := dkim.KeyCheck{Domain: "customer.example", Selector: "default", Target: "default._domainkey.vendor.example"}.Check(context.Background(), z)
	if !errors.Is(err, dnsrec.ErrTemporary) {
		t.Errorf("err = %v, want a temporary DNS error", err)
	}
}
