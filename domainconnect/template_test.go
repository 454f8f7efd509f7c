package domainconnect_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/domainconnect"
	"github.com/domainauth/domainauth/internal/golden"
)

// returnPathProfile is a vendor that gives its key as a record and uses a
// return-path subdomain.
const returnPathProfile = `{"name":"Mailer","servers":[{"address":"5.255.64.53","helo":"out.mailer.example"}],
			"envelope":{"mode":"return-path","name":"bounce","target":"rp.mailer.example"},
			"dkim":[{"selector":"m1","key":"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtcJL5NHfaftQTFV9BemWPckwBj3Npls3ghFeh8e9RUFSpztQSMYeYVxYVJA7Km8QRX3zt3u3QgbIzp1rEjouHh03K0OsoKtQdmlBneg798peHI/MMwMrOVa8HFMyHW9JhhHiLdYNar9H77Ob1ourB6cAmTWFlaFQcFMF+o05Fhy5NCSVnsy/EWBHhLEII0d3iCMQJe/O19375xYVoDF494B1r323x4fNrHuTQcnxORaSSppXsYmCJ+SNoG+fIuVHYpxq2RCk/p9kuB0pNZl+wW7p2sdeknaDo5CYiQt/Wy4nHDiobq6SLuZ9pOpC652OodFuvIYI10npE/jbRpTZaQIDAQAB"}],
			"dmarc":{"minimum":"none","goal":"quarantine"}}`

// profileTemplates returns the templates of profiles of each kind: the
// demo vendor (DKIM delegated by CNAME, the customer's envelope), a vendor
// that gives its key as a record and uses a return-path subdomain, and one
// that bounces to its own domain and lists addresses.
func profileTemplates(t testing.TB) map[string]*domainconnect.Template {
	t.Helper()
	profiles := map[string]*domaincheck.Profile{"demo": demoProfile(t)}
	for name, js := range map[string]string{
		"return-path": returnPathProfile,
		"vendor-envelope": `{"name":"Bulk Sender","addresses":["5.255.64.0/24","2001:67c:2e8::/48"],
			"servers":[{"address":"5.255.64.53","helo":"out.bulk.example"}],
			"envelope":{"mode":"vendor","domain":"bounces.bulk.example"},
			"dkim":[{"selector":"b1","target":"b1.dkim.bulk.example"},{"selector":"b2","target":"b2.dkim.bulk.example"}]}`,
	} {
		p, err := domaincheck.ParseProfile([]byte(js))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		profiles[name] = p
	}
	out := map[string]*domainconnect.Template{}
	for name, p := range profiles {
		tpl, err := domainconnect.FromProfile(p, domainconnect.Service{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = tpl
	}
	return out
}

// TestFromProfile: each template is as its golden file shows, and reads
// back as itself.
func TestFromProfile(t *testing.T) {
	for name, tpl := range profileTemplates(t) {
		t.Run(name, func(t *testing.T) {
			js := tpl.JSON()
			golden.Check(t, "template-"+name+".json", string(js))
			back, err := domainconnect.ParseTemplate(js)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, tpl) {
				t.Errorf("ParseTemplate(JSON()) = %+v, want %+v", back, tpl)
			}
			if len(tpl.Variables()) != 0 {
				t.Errorf("variables %v: a profile's values are the same for every customer", tpl.Variables())
			}
		})
	}
}

// TestFromProfileDefaults: the ids and names come from the profile unless
// the Service says otherwise; the file name is in lower case.
func TestFromProfileDefaults(t *testing.T) {
	p := demoProfile(t)
	tpl, err := domainconnect.FromProfile(p, domainconnect.Service{})
	if err != nil {
		t.Fatal(err)
	}
	if tpl.ProviderID != "vendor.example" || tpl.ProviderName != "Example CRM" || tpl.SyncPubKeyDomain != "vendor.example" {
		t.Errorf("defaults: %+v", tpl)
	}
	tpl, err = domainconnect.FromProfile(p, domainconnect.Service{ProviderID: "CRM.Example", ServiceID: "Mail", RedirectDomains: []string{"app.crm.example", "eu.crm.example"}})
	if err != nil {
		t.Fatal(err)
	}
	if tpl.FileName() != "crm.example.mail.json" || tpl.SyncRedirectDomain != "app.crm.example,eu.crm.example" {
		t.Errorf("file name %q, redirect domains %q", tpl.FileName(), tpl.SyncRedirectDomain)
	}
	if _, err := domainconnect.FromProfile(p, domainconnect.Service{ServiceID: "has space"}); !errors.Is(err, domainconnect.ErrTemplate) {
		t.Errorf("a service id with a space: %v", err)
	}
}

// TestTemplateValidate: each rule of the spec that Validate enforces.
func TestTemplateValidate(t *testing.T) {
	base := func() *domainconnect.Template {
		return &domainconnect.Template{ProviderID: "p.example", ProviderName: "P", ServiceID: "s", ServiceName: "S",
			Records: []domainconnect.Record{{Type: domainconnect.TypeTXT, Host: "_dmarc", Data: "v=DMARC1; p=none", TTL: 60}}}
	}
	for name, tc := range map[string]struct {
		edit  func(*domainconnect.Template)
		field string
	}{
		"prefix mode without prefix": {func(t *domainconnect.Template) { t.Records[0].ConflictMode = domainconnect.ConflictPrefix }, "records[0].txtConflictMatchingPrefix"},
		"prefix with a variable": {func(t *domainconnect.Template) {
			t.Records[0].ConflictMode, t.Records[0].ConflictPrefix = domainconnect.ConflictPrefix, "%p%"
		}, "records[0].txtConflictMatchingPrefix"},
		"unknown conflict mode": {func(t *domainconnect.Template) { t.Records[0].ConflictMode = "Some" }, "records[0].txtConflictMatchingMode"},
		"group with a variable": {func(t *domainconnect.Template) { t.Records[0].GroupID = "%g%" }, "records[0].groupId"},
		"unknown essential":     {func(t *domainconnect.Template) { t.Records[0].Essential = "Never" }, "records[0].essential"},
		"unclosed variable":     {func(t *domainconnect.Template) { t.Records[0].Data = "v=%x" }, "records[0]"},
		"no service name":       {func(t *domainconnect.Template) { t.ServiceName = " " }, "serviceName"},
		"SPFM rules with all": {func(t *domainconnect.Template) {
			t.Records[0] = domainconnect.Record{Type: domainconnect.TypeSPFM, Host: "@", SPFRules: "include:a.example ~all"}
		}, "records[0].spfRules"},
		"SPFM rules twice": {func(t *domainconnect.Template) {
			t.Records[0] = domainconnect.Record{Type: domainconnect.TypeSPFM, Host: "@", SPFRules: "mx include:a.example mx"}
		}, "records[0].spfRules"},
		"SPFM rules that do not parse": {func(t *domainconnect.Template) {
			t.Records[0] = domainconnect.Record{Type: domainconnect.TypeSPFM, Host: "@", SPFRules: "inclde:a.example"}
		}, "records[0].spfRules"},
		"a record twice": {func(t *domainconnect.Template) { t.Records = append(t.Records, t.Records[0]) }, "records[1]"},
		"SPFM with a TTL": {func(t *domainconnect.Template) {
			t.Records[0] = domainconnect.Record{Type: domainconnect.TypeSPFM, Host: "@", SPFRules: "a", TTL: 60}
		}, "records[0]"},
	} {
		t.Run(name, func(t *testing.T) {
			tpl := base()
			if err := tpl.Validate(); err != nil {
				t.Fatalf("base: %v", err)
			}
			tc.edit(tpl)
			var te *domainconnect.TemplateError
			if err := tpl.Validate(); !errors.As(err, &te) || te.Field != tc.field || !errors.Is(err, domainconnect.ErrTemplate) {
				t.Errorf("Validate() = %v, want a TemplateError about %s", err, tc.field)
			}
		})
	}
}

// TestParseTemplateStringTTL: templates in the repository write TTLs as
// numbers or as strings of digits; both read as numbers.
func TestParseTemplateStringTTL(t *testing.T) {
	tpl, err := domainconnect.ParseTemplate([]byte(`{"providerId":"p.example","providerName":"P","serviceId":"s","serviceName":"S",
		"records":[{"type":"CNAME","host":"www","pointsTo":"x.example","ttl":"1800"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if tpl.Records[0].TTL != 1800 {
		t.Errorf("ttl = %d", tpl.Records[0].TTL)
	}
	if !strings.Contains(string(tpl.JSON()), `"ttl": 1800`) {
		t.Errorf("written back: %s", tpl.JSON())
	}
}
