package domaincheck_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/domainauth/domainauth/domaincheck"
)

// FuzzParseProfile: a vendor profile either fails with ErrProfile or
// validates, and its JSON reads back to the same profile.
func FuzzParseProfile(f *testing.F) {
	f.Add(profileJSON)
	f.Add(`{"name":"x","addresses":["192.0.2.0/24"],"servers":[{"address":"192.0.2.1","helo":"h.example"}],"envelope":{"mode":"vendor","domain":"bounce.x.example"},"dkim":[{"selector":"s","key":"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}],"dmarc":{"minimum":"none","goal":"reject"}}`)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := domaincheck.ParseProfile([]byte(s))
		if err != nil {
			if !errors.Is(err, domaincheck.ErrProfile) {
				t.Fatalf("%q: error %v is not ErrProfile", s, err)
			}
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		again, err := domaincheck.ParseProfile(out)
		if err != nil || !reflect.DeepEqual(again, p) {
			t.Fatalf("%q -> %s: %v, %+v", s, out, err, again)
		}
	})
}
