package plan

import (
	"context"
	"encoding/json"

	"github.com/domainauth/domainauth/dnsrec"
)

// Requirement is one thing a domain's DNS must satisfy for a sender, such as
// "the SPF record of example.ch authorizes include:spf.vendor.example" or
// "default._domainkey.example.ch publishes this key". The spf, dkim and
// dmarc packages provide them; a caller lists the ones it needs and checks
// them together with [Check], so that this package depends on none of
// them.
type Requirement interface {
	// About says what the requirement asks, in which stage and of whom,
	// without asking DNS: a report says it even when the check failed.
	About() About
	// Require looks at the live zone through r and reports whether the
	// requirement holds, what is wrong, and the edits that would make it
	// hold. Only DNS failures (and invalid configuration) are errors.
	Require(ctx context.Context, r dnsrec.Resolver) (*Report, error)
}

// About describes a [Requirement]: what it asks, the [Stage] its changes
// belong to, and the [Party] that makes them.
type About struct {
	Requirement string `json:"requirement"` // what is required, in words
	Stage       Stage  `json:"stage"`
	Party       Party  `json:"party"`
	// Code and Params are what Requirement is worded from: the message
	// catalogue's "requirement" sentences of Code (the code of the change
	// that makes it hold), filled from Params, which [About.In] renders in
	// another language. A requirement worded by hand has none.
	Code   Code              `json:"code,omitempty"`
	Params map[string]string `json:"params,omitempty"`
}

// WordedAbout returns the About whose Requirement is variant n of code's
// "requirement" sentence in the message catalogue, filled from params (see
// [SentenceOf]).
func WordedAbout(code Code, n int, params map[string]string, stage Stage, party Party) About {
	return About{Requirement: SentenceOf(string(code), "requirement", n, params), Stage: stage, Party: party, Code: code, Params: params}
}

// Report is the outcome of checking one [Requirement]. It says which
// requirement it is about (the embedded [About]), so that a reader selects
// reports by stage, not by their place in a list.
type Report struct {
	About
	Satisfied bool      `json:"satisfied"` // the requirement holds
	Findings  []Finding `json:"findings,omitempty"`
	Edits     []Edit    `json:"edits,omitempty"` // what to change so that it holds
	// Err is why the requirement could not be checked: a DNS failure, as
	// a [*dnsrec.Error] naming the question (errors.Is(Err,
	// dnsrec.ErrTemporary) holds), or an invalid configuration. Satisfied
	// is false then, and there are no findings or edits. In JSON it is the
	// "error" string.
	Err error `json:"-"`
}

// MarshalJSON adds Err as the "error" string.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report
	var msg string
	if r.Err != nil {
		msg = r.Err.Error()
	}
	return json.Marshal(struct {
		plain
		Error string `json:"error,omitempty"`
	}{plain(r), msg})
}
