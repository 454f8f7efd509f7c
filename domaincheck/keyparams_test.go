package domaincheck

import (
	"testing"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/mailbox"
)

// A sentence about several keys names each with its size in the reader's
// language, the sizes in the keys' order.
func TestSeveralKeysWorded(t *testing.T) {
	keys := []keyFound{{name: "a._domainkey.shop.example", bits: 512}, {name: "b._domainkey.shop.example", bits: 768}, {name: "c._domainkey.shop.example", bits: 1000}}
	r := outcome(mailbox.NotMet, CodeRuleKeySize, 2+keyVariant(keys), keyParams(keys))
	for _, tc := range []struct {
		tag  language.Tag
		want string
	}{
		{language.English, "the DKIM keys at a._domainkey.shop.example, b._domainkey.shop.example and c._domainkey.shop.example (512, 768 and 1000 bits) are below 1024 bits: receivers ignore their signatures (RFC 8301, Section 3.2)"},
		{language.MustParse("de-CH"), "die DKIM-Schlüssel bei a._domainkey.shop.example, b._domainkey.shop.example und c._domainkey.shop.example (512, 768 und 1000 Bit) haben unter 1024 Bit: Empfänger ignorieren ihre Signaturen (RFC 8301, Abschnitt 3.2)"},
		{language.Italian, "le chiavi DKIM in a._domainkey.shop.example, b._domainkey.shop.example e c._domainkey.shop.example (512, 768 e 1000 bit) hanno meno di 1024 bit: i destinatari ignorano le loro firme (RFC 8301, sezione 3.2)"},
	} {
		if got := r.In(tc.tag).Sentence; got != tc.want {
			t.Errorf("%v:\n got %s\nwant %s", tc.tag, got, tc.want)
		}
	}
}
