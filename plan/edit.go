package plan

import (
	"context"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
)

// Party is who must make a change: the owner of the zone it is in.
type Party string

// Parties.
const (
	PartyCustomer Party = "customer" // the owner of the domain being checked
	PartyVendor   Party = "vendor"   // the company that sends mail as the customer's domain
	PartyOther    Party = "other"    // a third party, such as another report receiver
)

// Stage orders the changes of a plan so that a customer who stops after
// any step is no worse off than before: keys first, then authorization,
// then the policy that acts on both.
type Stage string

// Stages, in the order a plan applies them.
const (
	StageDKIM  Stage = "dkim"  // signing keys: publishing one never makes mail fail
	StageSPF   Stage = "spf"   // sender authorization
	StageDMARC Stage = "dmarc" // the policy receivers apply to the results of the two above
	StageOther Stage = "other" // anything else, last
)

func (s Stage) rank() int {
	switch s {
	case StageDKIM:
		return 0
	case StageSPF:
		return 1
	case StageDMARC:
		return 2
	}
	return 3
}

// Reason says why a change is proposed: a stable [Code] with its parameters
// (so a program can word it in its own language) and the English sentence.
type Reason struct {
	Code   Code              `json:"code"`
	Params map[string]string `json:"params,omitempty"`
	Text   string            `json:"text"`
}

// Edit is what one [Requirement] wants done to one record set (the records
// of one type at one owner name). [Check] reads each set once, applies
// every edit for it in order, checks the result, and turns the difference
// into one [Change].
type Edit struct {
	Name   string      `json:"name"` // owner name, canonical (see [dnsrec.CanonicalName])
	Type   dnsrec.Type `json:"type"`
	Party  Party       `json:"party"`
	Stage  Stage       `json:"stage"`
	Reason Reason      `json:"reason"`
	// Apply returns the record set as it should be, given the set as it is.
	// It must be a pure function of its argument (the set may already hold
	// another requirement's edits) and must not modify it. A nil Apply
	// proposes nothing.
	Apply func(current []dnsrec.Record) ([]dnsrec.Record, error) `json:"-"`
	// Verify, when set, checks the final proposed set (with every
	// requirement's edits applied) and returns findings. If any is an
	// error, the change is withheld: the plan never publishes a record its
	// own checks call broken. Only DNS failures are errors.
	Verify func(ctx context.Context, r dnsrec.Resolver, proposed []dnsrec.Record) ([]Finding, error) `json:"-"`
}

// key identifies a record set.
type setKey struct {
	name string
	typ  dnsrec.Type
}

func (e Edit) key() setKey { return setKey{strings.ToLower(e.Name), e.Type} }
