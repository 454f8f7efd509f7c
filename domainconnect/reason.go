package domainconnect

import (
	"errors"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
)

// ReasonCode says, as a stable token, why an apply link is not offered, or
// what a link that is offered leaves to be done by hand.
type ReasonCode string

// Reason codes.
const (
	// ReasonNotChecked: the domain could not be checked (a DNS failure,
	// a name that does not exist), so nothing is offered.
	ReasonNotChecked ReasonCode = "not-checked"
	// ReasonNothingToDo: the plan holds no change for the customer.
	ReasonNothingToDo ReasonCode = "nothing-to-do"
	// ReasonElsewhere: a record set lives elsewhere (behind a CNAME, in a
	// zone delegated to another operator, in another zone than the one
	// the DNS host serves): the change is made there, not by the
	// template.
	ReasonElsewhere ReasonCode = "hosted-elsewhere"
	// ReasonBrokenRecord: a broken record must be replaced (two SPF
	// records, an SPF record that does not parse, a DMARC record that is
	// not one), which the template cannot express without risking the
	// host's merge keeping the broken one.
	ReasonBrokenRecord ReasonCode = "broken-record"
	// ReasonSPFMerge: the SPF record the DNS host's merge would write
	// differs from the one the plan proposes (the plan also authorizes
	// the domain's own mail servers, or keeps a term the merge would
	// drop, or the record ends in redirect=).
	ReasonSPFMerge ReasonCode = "spf-merge-differs"
	// ReasonSPFLimit: the SPF record is at its limit of 10 DNS lookups;
	// the plan adds nothing to it and the link leaves it alone, but the
	// record needs work by hand (a note on an offered link, or a reason).
	ReasonSPFLimit ReasonCode = "spf-lookup-limit"
	// ReasonDMARCMerge: the plan changes an existing DMARC record (a report
	// address to merge, a policy to tighten); the template only publishes
	// a record where there is none, and never overwrites a policy.
	ReasonDMARCMerge ReasonCode = "dmarc-merge"
	// ReasonNotInTemplate: the plan holds a change the vendor's template
	// has no record for.
	ReasonNotInTemplate ReasonCode = "not-in-template"
	// ReasonNoDomainConnect: the zone has no _domainconnect record: its
	// DNS host does not offer Domain Connect.
	ReasonNoDomainConnect ReasonCode = "no-domain-connect"
	// ReasonDiscoveryFailed: the DNS host's settings could not be read
	// safely (not https, a private address, a redirect, too large, too
	// slow, malformed).
	ReasonDiscoveryFailed ReasonCode = "discovery-failed"
	// ReasonNoSyncFlow: the DNS host offers no synchronous flow for the
	// zone.
	ReasonNoSyncFlow ReasonCode = "no-sync-flow"
	// ReasonTemplateUnsupported: the DNS host does not have the vendor's
	// template (it has not been onboarded there).
	ReasonTemplateUnsupported ReasonCode = "template-not-supported"
	// ReasonSimulationDiffers: the template applied in memory to the zone
	// as read does not give what the plan promises.
	ReasonSimulationDiffers ReasonCode = "simulation-differs"
	// ReasonNotReadyAfter: applied in memory, the template does what the
	// plan proposes, yet the domain is still not ready (something the
	// template cannot do blocks it): a click must finish the job, so the
	// plan's steps are the way to go.
	ReasonNotReadyAfter ReasonCode = "not-ready-after"
	// ReasonLink: the link could not be made (no signing key).
	ReasonLink ReasonCode = "link-failed"
)

// Reason is one reason code with its sentence.
type Reason struct {
	Code    ReasonCode `json:"code"`
	Message string     `json:"message"` // the sentence, in English (see [Reason.In])
	// Name is the record set concerned, when there is one.
	Name string `json:"name,omitempty"`
	// Key names the sentence in the message catalogue (package i18n: the
	// clause "text.dc-reason.<Key>"; one code has several, one per
	// situation), and Params are the values it is made of, so that a
	// program words the reason in its reader's language from what it
	// stored. A failed discovery's cause is Params["cause"], one of the
	// clauses "text.dc-cause.<cause>": not-https, address, redirect,
	// too-large, timeout, status, settings, no-zone or connection; "detail" is
	// the error's own text, which only the English quotes.
	Key    string            `json:"key,omitempty"`
	Params map[string]string `json:"params,omitempty"`
}

// Catalogue sets of the reasons' sentences, of the causes of a failed
// discovery, and of the offer's own sentences.
const (
	reasonSet = "dc-reason"
	causeSet  = "dc-cause"
	offerSet  = "domain-connect"
)

// newReason returns the reason of code in the situation key, for the
// record set name ("" for none), with Message the catalogue's English
// filled from kv (names and values in turn).
func newReason(code ReasonCode, key, name string, kv ...string) Reason {
	params := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		params[kv[i]] = kv[i+1]
	}
	r := Reason{Code: code, Name: name, Key: key, Params: params}
	r.Message = i18n.Default().Clause(i18n.English, reasonSet, key, params)
	return r
}

// failed returns the reason of code in the situation key for an error:
// its cause as a code, and its text as detail.
func failed(code ReasonCode, key string, err error, kv ...string) Reason {
	return newReason(code, key, "", append(kv, "cause", causeOf(err), "detail", err.Error())...)
}

// causeOf names why talking to a DNS host failed, as the code of a clause
// of the catalogue's set dc-cause.
func causeOf(err error) string {
	for _, c := range []struct {
		err  error
		code string
	}{
		{ErrNotHTTPS, "not-https"}, {ErrAddress, "address"}, {ErrRedirect, "redirect"}, {ErrTooLarge, "too-large"},
		{ErrTimeout, "timeout"}, {ErrStatus, "status"}, {ErrNoZone, "no-zone"}, {ErrSettings, "settings"},
	} {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return "connection"
}

// In returns the reason with Message in the language tag matches (English
// when the catalogue lacks the sentence: a reason made by hand).
func (r Reason) In(tag language.Tag) Reason {
	if r.Key == "" {
		return r
	}
	if m := i18n.Default().Clause(tag, reasonSet, r.Key, r.Params); m != "" {
		r.Message = m
	}
	return r
}
