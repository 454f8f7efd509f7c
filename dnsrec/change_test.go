package dnsrec_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dnsrec"
)

func TestChangesRender(t *testing.T) {
	long, _ := dnsrec.NewTXT("k._domainkey.example.ch", "v=DKIM1; k=rsa; p="+strings.Repeat("A", 392))
	stale, _ := dnsrec.NewTXT("example.ch", "v=spf1 include:old.example -all")
	current, _ := dnsrec.NewTXT("_dmarc.example.ch", "v=DMARC1; p=none")
	cs := dnsrec.Changes{
		dnsrec.Add(long, "publish the DKIM key"),
		dnsrec.Remove(stale, "a second SPF record makes SPF fail"),
		dnsrec.NoChange(&current, "the DMARC record is already right"),
	}
	text := cs.Text()
	for _, want := range []string{
		"1. Add a TXT record:",
		"If your provider asks for quoted strings, enter:\n     \"v=DKIM1; k=rsa; p=AAAA",
		"2. Remove this TXT record:\n     Name:   example.ch\n     Type:   TXT\n     Value:  v=spf1 include:old.example -all\n     Why:    a second SPF record makes SPF fail\n",
		"3. Nothing to do for the TXT record at _dmarc.example.ch.\n   the DMARC record is already right\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Text() lacks %q:\n%s", want, text)
		}
	}
	zone := cs.Zone()
	for _, want := range []string{
		"k._domainkey.example.ch.\t3600\tIN\tTXT\t\"v=DKIM1; k=rsa; p=AAAA",
		"; delete: example.ch.\t3600\tIN\tTXT\t\"v=spf1 include:old.example -all\"\n",
		"; unchanged: _dmarc.example.ch.",
	} {
		if !strings.Contains(zone, want) {
			t.Errorf("Zone() lacks %q:\n%s", want, zone)
		}
	}
	var back []dnsrec.Change
	if err := json.Unmarshal([]byte(cs.JSON()), &back); err != nil {
		t.Fatal(err)
	}
	if len(back) != 3 || back[0].Action != dnsrec.ActionAdd || !back[0].New.Equal(long) ||
		back[1].Action != dnsrec.ActionRemove || !back[1].Old.Equal(stale) ||
		back[2].Action != dnsrec.ActionNone || back[2].Reason != "the DMARC record is already right" {
		t.Errorf("JSON round trip: %+v", back)
	}
	if p := cs.Pending(); len(p) != 2 {
		t.Errorf("Pending() has %d changes, want 2", len(p))
	}
	if got := (dnsrec.Changes{}).Text(); got != "Nothing to do.\n" {
		t.Errorf("empty Text() = %q", got)
	}
}

func TestFindingString(t *testing.T) {
	f := dnsrec.Finding{Code: "spf-no-all", Severity: dnsrec.SeverityWarning, Name: "example.ch.", Subject: "v=spf1 mx", Offset: 0,
		Message: "the record has no all term", Fix: "end it with -all"}
	want := "warning spf-no-all (example.ch, \"v=spf1 mx\" at offset 0): the record has no all term\n  fix: end it with -all"
	if got := f.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if w := dnsrec.Worst([]dnsrec.Finding{{Severity: dnsrec.SeverityInfo}, f}); w != dnsrec.SeverityWarning {
		t.Errorf("Worst = %q", w)
	}
}
