package domainconnect_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/domainconnect"
)

// FuzzParseTemplate: whatever ParseTemplate accepts, it writes back as
// JSON that reads back as the same template, and that JSON is stable.
func FuzzParseTemplate(f *testing.F) {
	f.Add(`{"providerId":"p.example","providerName":"P","serviceId":"s","serviceName":"S","records":[{"type":"CNAME","host":"www","pointsTo":"x.example","ttl":"1800"}]}`)
	f.Add(`{"providerId":"p.example","providerName":"P","serviceId":"s","serviceName":"S","syncBlock":true,"records":[{"type":"SPFM","host":"@","spfRules":"include:x.example"},{"type":"TXT","host":"_dmarc","data":"v=DMARC1; p=none","ttl":300,"txtConflictMatchingMode":"Prefix","txtConflictMatchingPrefix":"v=DMARC1","essential":"OnApply","groupId":"d"}]}`)
	f.Add(`{"providerId":"p","providerName":"P","serviceId":"s","serviceName":"S","records":[{"type":"TXT","host":"%h%","data":"%d%","ttl":1}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		tpl, err := domainconnect.ParseTemplate([]byte(s))
		if err != nil {
			return
		}
		js := tpl.JSON()
		back, err := domainconnect.ParseTemplate(js)
		if err != nil {
			t.Fatalf("ParseTemplate(JSON()) fails: %v\n%s", err, js)
		}
		if !reflect.DeepEqual(tpl, back) {
			t.Fatalf("round trip differs:\n%+v\n%+v", tpl, back)
		}
		if string(back.JSON()) != string(js) {
			t.Fatalf("JSON not stable")
		}
	})
}

// FuzzParseKeyRecords: a key that reads back is written again as records
// that read back as the same key.
func FuzzParseKeyRecords(f *testing.F) {
	key := signingKey(f)
	recs, err := domainconnect.KeyRecords("_dcpubkeyv1.vendor.example", &key.PublicKey)
	if err != nil {
		f.Fatal(err)
	}
	var vals []string
	for _, r := range recs {
		vals = append(vals, r.Value())
	}
	f.Add(strings.Join(vals, "\n"))
	f.Add("p=1,a=RS256,d=MIIB\np=2,d=AA==")
	f.Add("p=1,t=x509,a=RS256,d=")
	f.Fuzz(func(t *testing.T, s string) {
		pub, err := domainconnect.ParseKeyRecords(strings.Split(s, "\n"))
		if err != nil {
			return
		}
		recs, err := domainconnect.KeyRecords("k.example", pub)
		if err != nil {
			t.Fatal(err)
		}
		var vals []string
		for _, r := range recs {
			vals = append(vals, r.Value())
		}
		back, err := domainconnect.ParseKeyRecords(vals)
		if err != nil || !back.Equal(pub) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// FuzzParseSettings: a settings document that is accepted names a
// provider and an API, and every URL in it is https.
func FuzzParseSettings(f *testing.F) {
	f.Add(goodSettings)
	f.Add(`{"providerId":"x","providerName":"X","urlAPI":"http://a"}`)
	f.Add(`{"providerId":"x","providerName":"X","urlAPI":"https://a","urlSyncUX":"javascript:alert(1)"}`)
	f.Fuzz(func(t *testing.T, s string) {
		st, err := domainconnect.ParseSettings([]byte(s))
		if err != nil {
			return
		}
		if st.ProviderID == "" || st.URLAPI == "" {
			t.Fatalf("accepted without providerId or urlAPI: %+v", st)
		}
		for _, u := range []string{st.URLAPI, st.URLSyncUX} {
			if u != "" && !strings.HasPrefix(strings.ToLower(u), "https://") {
				t.Fatalf("accepted a URL that is not https: %q", u)
			}
		}
	})
}
