package domainconnect_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domainconnect"
)

// applied applies tpl to the zone text and returns the zone's records at
// the names touched, as "name TYPE value" lines, sorted.
func applied(t *testing.T, zoneText string, tpl *domainconnect.Template, in domainconnect.Instance) []string {
	t.Helper()
	z := dnstest.MustZone(zoneText)
	changes, err := tpl.Apply(context.Background(), z, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := applyChanges(z, changes); err != nil {
		t.Fatal(err)
	}
	var out []string
	seen := map[string]bool{}
	for _, c := range changes {
		if seen[c.Name] {
			continue
		}
		seen[c.Name] = true
		for _, typ := range []dnsrec.Type{dnsrec.TypeCNAME, dnsrec.TypeTXT} {
			a, err := z.Lookup(context.Background(), c.Name, typ)
			if err != nil {
				t.Fatal(err)
			}
			if typ != dnsrec.TypeCNAME && len(a.CNAMEs) > 0 {
				continue
			}
			for _, r := range a.Records {
				out = append(out, fmt.Sprintf("%s %s %s", dnsrec.TrimDot(r.Name), r.Type, r.Value()))
			}
		}
	}
	sort.Strings(out)
	return out
}

func tplOf(recs ...domainconnect.Record) *domainconnect.Template {
	return &domainconnect.Template{ProviderID: "p.example", ProviderName: "P", ServiceID: "s", ServiceName: "S", Records: recs}
}

// TestApply: the spec's conflict and merge rules, case by case.
func TestApply(t *testing.T) {
	spfm := domainconnect.Record{Type: domainconnect.TypeSPFM, Host: "@", SPFRules: "a include:spf.hoster.example"}
	for name, tc := range map[string]struct {
		zone string
		tpl  *domainconnect.Template
		in   domainconnect.Instance
		want []string
	}{
		"SPF merged before the all (the spec's example)": {
			zone: `example.com. TXT "v=spf1 a include:spf.example.org ~all"` + "\n" + `example.com. TXT "google-site-verification=x"`,
			tpl:  tplOf(spfm), in: domainconnect.Instance{Domain: "example.com"},
			want: []string{"example.com TXT google-site-verification=x", "example.com TXT v=spf1 a include:spf.example.org include:spf.hoster.example ~all"},
		},
		"SPF with -all keeps it": {
			zone: `example.com. TXT "v=spf1 mx -all"`, tpl: tplOf(spfm), in: domainconnect.Instance{Domain: "example.com"},
			want: []string{"example.com TXT v=spf1 mx a include:spf.hoster.example -all"},
		},
		"SPF without all gets ~all": {
			zone: `example.com. TXT "v=spf1 mx"`, tpl: tplOf(spfm), in: domainconnect.Instance{Domain: "example.com"},
			want: []string{"example.com TXT v=spf1 mx a include:spf.hoster.example ~all"},
		},
		"no SPF record": {
			zone: `example.com. MX 10 mx.example.com.`, tpl: tplOf(spfm), in: domainconnect.Instance{Domain: "example.com"},
			want: []string{"example.com TXT v=spf1 a include:spf.hoster.example ~all"},
		},
		"two SPF records are replaced (the conflict)": {
			zone: `example.com. TXT "v=spf1 mx -all"` + "\n" + `example.com. TXT "v=spf1 a -all"`,
			tpl:  tplOf(spfm), in: domainconnect.Instance{Domain: "example.com"},
			want: []string{"example.com TXT v=spf1 a include:spf.hoster.example ~all"},
		},
		"CNAME replaces a TXT key": {
			zone: `s1._domainkey.example.com. TXT "v=DKIM1; p=x"`,
			tpl:  tplOf(domainconnect.Record{Type: domainconnect.TypeCNAME, Host: "s1._domainkey", PointsTo: "s1.dkim.p.example", TTL: 60}),
			in:   domainconnect.Instance{Domain: "example.com"},
			want: []string{"s1._domainkey.example.com CNAME s1.dkim.p.example."},
		},
		"TXT replaces a CNAME, Prefix mode keeps other TXT": {
			zone: `_dmarc.example.com. CNAME dmarc.elsewhere.example.`,
			tpl: tplOf(domainconnect.Record{Type: domainconnect.TypeTXT, Host: "_dmarc", Data: "v=DMARC1; p=none", TTL: 60,
				ConflictMode: domainconnect.ConflictPrefix, ConflictPrefix: "v=DMARC1"}),
			in:   domainconnect.Instance{Domain: "example.com"},
			want: []string{"_dmarc.example.com TXT v=DMARC1; p=none"},
		},
		"Prefix mode replaces the matching record only": {
			zone: `_dmarc.example.com. TXT "v=DMARC1; p=reject"` + "\n" + `_dmarc.example.com. TXT "note"`,
			tpl: tplOf(domainconnect.Record{Type: domainconnect.TypeTXT, Host: "_dmarc", Data: "v=DMARC1; p=none", TTL: 60,
				ConflictMode: domainconnect.ConflictPrefix, ConflictPrefix: "v=DMARC1"}),
			in:   domainconnect.Instance{Domain: "example.com"},
			want: []string{"_dmarc.example.com TXT note", "_dmarc.example.com TXT v=DMARC1; p=none"},
		},
		"All mode replaces every TXT": {
			zone: `k._domainkey.example.com. TXT "old"` + "\n" + `k._domainkey.example.com. TXT "older"`,
			tpl:  tplOf(domainconnect.Record{Type: domainconnect.TypeTXT, Host: "k._domainkey", Data: "new", TTL: 60, ConflictMode: domainconnect.ConflictAll}),
			in:   domainconnect.Instance{Domain: "example.com"},
			want: []string{"k._domainkey.example.com TXT new"},
		},
		"None mode adds beside": {
			zone: `v.example.com. TXT "old"`,
			tpl:  tplOf(domainconnect.Record{Type: domainconnect.TypeTXT, Host: "v", Data: "new", TTL: 60}),
			in:   domainconnect.Instance{Domain: "example.com"},
			want: []string{"v.example.com TXT new", "v.example.com TXT old"},
		},
		"host and variables": {
			zone: ``,
			tpl: tplOf(domainconnect.Record{Type: domainconnect.TypeCNAME, Host: "%sel%._domainkey", PointsTo: "%sel%.%domain%.dkim.p.example", TTL: 60},
				domainconnect.Record{Type: domainconnect.TypeTXT, Host: "@", Data: "id=%fqdn%", TTL: 60}),
			in: domainconnect.Instance{Domain: "example.com", Host: "mail", Vars: map[string]string{"sel": "k1"}},
			want: []string{"k1._domainkey.mail.example.com CNAME k1.example.com.dkim.p.example.",
				"mail.example.com TXT id=mail.example.com"},
		},
		"only the groups asked for": {
			zone: ``,
			tpl: tplOf(domainconnect.Record{Type: domainconnect.TypeTXT, GroupID: "a", Host: "a", Data: "a", TTL: 60},
				domainconnect.Record{Type: domainconnect.TypeTXT, GroupID: "b", Host: "b", Data: "b", TTL: 60}),
			in:   domainconnect.Instance{Domain: "example.com", Groups: []string{"b"}},
			want: []string{"b.example.com TXT b"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			got := applied(t, tc.zone, tc.tpl, tc.in)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
	_, err := tplOf(domainconnect.Record{Type: domainconnect.TypeTXT, Host: "%x%", Data: "a", TTL: 60}).
		Apply(context.Background(), dnstest.MustZone(""), domainconnect.Instance{Domain: "example.com"})
	if !errors.Is(err, domainconnect.ErrApply) {
		t.Errorf("a variable without a value: %v", err)
	}
}

// TestOverlay: the overlay answers from the changes where they apply and
// from the zone elsewhere, following a CNAME the changes add.
func TestOverlay(t *testing.T) {
	ctx := context.Background()
	z := dnstest.MustZone(`
example.com. TXT "v=spf1 -all"
k._domainkey.example.com. TXT "v=DKIM1; p=old"
key.vendor.example. TXT "v=DKIM1; p=vendor"
`)
	tpl := tplOf(domainconnect.Record{Type: domainconnect.TypeCNAME, Host: "k._domainkey", PointsTo: "key.vendor.example", TTL: 60})
	changes, err := tpl.Apply(ctx, z, domainconnect.Instance{Domain: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	o := domainconnect.NewOverlay(z, changes)
	a, err := o.Lookup(ctx, "k._domainkey.example.com", dnsrec.TypeTXT)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.CNAMEs) != 1 || a.CNAMEs[0] != "key.vendor.example." || len(a.Records) != 1 || a.Records[0].Value() != "v=DKIM1; p=vendor" {
		t.Errorf("through the new CNAME: %+v", a)
	}
	a, err = o.Lookup(ctx, "example.com", dnsrec.TypeTXT)
	if err != nil || len(a.Records) != 1 || a.Records[0].Value() != "v=spf1 -all" {
		t.Errorf("an unchanged name: %+v %v", a, err)
	}
	if a, _ := z.Lookup(ctx, "k._domainkey.example.com", dnsrec.TypeTXT); a.Records[0].Value() != "v=DKIM1; p=old" {
		t.Errorf("the overlay changed the zone underneath")
	}
}
