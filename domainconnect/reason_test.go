package domainconnect

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
)

// reasonKeys are the sentences newReason and failed are called with.
var reasonKeys = []string{"no-report", "no-checker", "sync-block", "not-checked", "nothing-to-do", "nothing-to-do-blocked", "failed",
	"zone-apart", "no-domain-connect", "discovery-failed", "zone-served", "no-sync-flow", "supports-failed", "template-not-supported",
	"record-elsewhere", "record-zone", "dmarc-merge", "dmarc-merge-action", "dmarc-broken", "not-in-template", "spf-records",
	"spf-broken", "other-txt", "spf-merge", "note-elsewhere", "simulation-differs", "spf-lookup-limit", "not-ready-after"}

// TestReasonsInEveryLanguage: every reason's sentence, every cause of a
// failed discovery and every sentence of an offer has its wording in each
// language, and the set has no sentence the code does not use.
func TestReasonsInEveryLanguage(t *testing.T) {
	c := i18n.Default()
	sets := map[string][]string{
		reasonSet: reasonKeys,
		causeSet:  {"not-https", "address", "redirect", "too-large", "timeout", "status", "settings", "no-zone", "connection"},
		offerSet:  {"apply", "no-apply", "no-apply-reason", "note", "by-hand"},
	}
	for set, keys := range sets {
		for _, lang := range i18n.Languages() {
			if got, want := len(c.Clauses(lang, set)), len(keys); got != want {
				t.Errorf("%s: %d sentences in %s, want %d", lang, got, set, want)
			}
			for _, k := range keys {
				if !c.Has(lang, i18n.ClauseID(set, k)) {
					t.Errorf("%s: no sentence %s", lang, i18n.ClauseID(set, k))
				}
			}
		}
	}
}

// TestFailedDiscoveryWorded: a failed discovery reads, in English, the
// error as before; in another language, its cause in words and no English.
func TestFailedDiscoveryWorded(t *testing.T) {
	err := fmt.Errorf("%w: https://dns.example/v2/x.example/settings within 5s", ErrTimeout)
	r := failed(ReasonDiscoveryFailed, "discovery-failed", err, "domain", "x.example")
	if want := "the Domain Connect settings of x.example could not be read safely: " + err.Error(); r.Message != want {
		t.Errorf("English %q, want %q", r.Message, want)
	}
	if r.Params["cause"] != "timeout" {
		t.Errorf("cause %q, want timeout", r.Params["cause"])
	}
	de := r.In(language.MustParse("de-CH")).Message
	if want := "die Domain-Connect-Einstellungen von x.example liessen sich nicht sicher lesen: der DNS-Anbieter antwortete nicht rechtzeitig"; de != want {
		t.Errorf("German %q, want %q", de, want)
	}
	o := (&Offer{Domain: "x.example"}).refuse(r)
	if got := o.In(language.French).SentenceIn(language.French); !strings.HasPrefix(got, "Pas d'application en un clic: les paramètres Domain Connect de x.example") || strings.Contains(got, "within") {
		t.Errorf("French offer %q", got)
	}
	if got, want := o.Sentence(), "No one-click apply: "+r.Message+"."; got != want {
		t.Errorf("Sentence %q, want %q", got, want)
	}
	if (Reason{Code: ReasonLink, Message: "made by hand"}).In(language.German).Message != "made by hand" {
		t.Error("a reason without a Key changed")
	}
}
