package sender_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/domainauth/domainauth/sender"
)

// FuzzParsePolicy: a policy JSON either fails with ErrConfig or compiles;
// a compiled policy writes JSON that compiles to the same configuration,
// and its fallback is on an allowed domain.
func FuzzParsePolicy(f *testing.F) {
	for _, s := range []string{
		`{"domains":[{"domain":"crm.example"},{"domain":"customer.ch","subdomains":true}],"default":"CRM <noreply@crm.example>","business_units":{"Sales":"sales@crm.example"},"via":"CRM"}`,
		`{"domains":[{"domain":"co.uk","subdomains":true}],"default":"a@co.uk"}`,
		`{"domains":[{"domain":"bücher.example"}],"default":"a@bücher.example"}`,
		`{"domains":[],"default":""}`, `{}`, `[]`, `{"domains":[{"domain":"1.2"}],"default":"a@1.2"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := sender.ParsePolicy([]byte(s))
		if err != nil {
			if !errors.Is(err, sender.ErrConfig) && !errors.Is(err, sender.ErrFallbackBlocked) {
				t.Fatalf("%q: error %v is neither ErrConfig nor ErrFallbackBlocked", s, err)
			}
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		again, err := sender.ParsePolicy(out)
		if err != nil {
			t.Fatalf("%q -> %s no longer compiles: %v", s, out, err)
		}
		if !reflect.DeepEqual(again.Config(), p.Config()) {
			t.Fatalf("%q: configuration changed in the round trip:\n%+v\n%+v", s, p.Config(), again.Config())
		}
	})
}
