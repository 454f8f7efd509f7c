package plan

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/i18n"
)

// Action is what a [Change] asks the owner of a zone to do.
type Action string

// Actions.
const (
	ActionAdd    Action = "add"    // publish records where the set has none to replace
	ActionUpdate Action = "update" // replace exact current records with new ones
	ActionRemove Action = "remove" // delete records
	// ActionReplace replaces the records of one type at a name with a
	// record of another (a TXT copy of a key by the CNAME that delegates
	// it), in one step: a name with a CNAME can hold no other record
	// (RFC 1034, Section 3.6.2), and between a removal and an addition made
	// apart the name would hold nothing at all.
	ActionReplace Action = "replace"
	ActionNone    Action = "none" // nothing to do: the set is already right
)

// Change is one DNS change instruction for one record set (the records of
// one type at one name): the set as it is (Current) and as it should be
// (Proposed). Update is distinct from Add because people told to "change"
// a record often add a second one, which for SPF and DMARC breaks both.
type Change struct {
	Action Action `json:"action"`
	// Zone is the zone the set belongs to (absolute): the zone DNS says
	// holds it (the nearest name with an SOA record of its own, such as a
	// delegated _dmarc.customer.example), else its registrable domain under
	// the Public Suffix List.
	Zone  string `json:"zone"`
	Party Party  `json:"party"` // who makes the change
	// Operator names the name servers of Zone when it is delegated apart
	// from the domain's own and served by others: the change is made
	// there, by whoever operates them (Party is then PartyOther).
	Operator string `json:"operator,omitempty"`
	// Via is the name the change was asked for when the set lives
	// elsewhere: Name is the end of Via's CNAME chain (a record hosted by a
	// service), and the change is made there, by its operator.
	Via   string `json:"via,omitempty"`
	Stage Stage  `json:"stage"`
	// Name is the owner name, absolute; Relative is the same name relative
	// to Zone ("@" for the zone's apex), as most DNS providers' forms want
	// it, since they append the domain themselves.
	Name     string `json:"name"`
	Relative string `json:"relative"`
	// Host names the DNS host that serves Zone, as [Check] recognized it
	// from the zone's name servers (see [HostForNS]): "Cloudflare". It is
	// empty when they belong to no host the catalogue knows, and for a
	// change made with [NewChange].
	Host string `json:"host,omitempty"`
	// HostForm is how Host's record form wants the name typed, where its
	// documentation says; empty otherwise, and then FormName is unused.
	HostForm HostForm `json:"host_form,omitempty"`
	// FormName is what to type into the name field of Host's form:
	// Relative for most hosts, the full name for those that want it, and
	// empty at the apex for those that want the field left blank.
	FormName string          `json:"form_name,omitempty"`
	Type     dnsrec.Type     `json:"type"`
	Current  []dnsrec.Record `json:"current"`  // the whole set as read
	Proposed []dnsrec.Record `json:"proposed"` // the whole set as it should be
	Reasons  []Reason        `json:"reasons"`  // why, one per requirement that changed the set
	// Text is the step in words, set by [Change.In] for a reader of one
	// language; empty otherwise (see [Change.String] for the English).
	Text string `json:"text,omitempty"`
}

// NewChange returns the change that turns the record set current (the
// records of type t at name, as read) into proposed, with its zone (see
// [ZoneOf]), relative name and action filled in. Both sets are sorted by
// value, so that the order DNS returned them in never shows.
func NewChange(name string, t dnsrec.Type, current, proposed []dnsrec.Record, party Party, stage Stage, reasons ...Reason) Change {
	current, proposed = sortedSet(current), sortedSet(proposed)
	c := Change{Zone: dnsrec.ZoneOf(name), Party: party, Stage: stage, Name: name, Type: t,
		Current: current, Proposed: proposed, Reasons: reasons}
	c.Relative = dnsrec.RelativeName(name, c.Zone)
	c.Action = c.action()
	return c
}

func sortedSet(rs []dnsrec.Record) []dnsrec.Record {
	out := append([]dnsrec.Record(nil), rs...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Value() < out[j].Value() })
	return out
}

// action derives the action from Current and Proposed.
func (c Change) action() Action {
	rm, add := c.Removed(), c.Added()
	switch {
	case len(rm) == 0 && len(add) == 0:
		return ActionNone
	case len(rm) == 0:
		return ActionAdd
	case len(add) == 0:
		return ActionRemove
	}
	for _, r := range rm {
		if r.Type != c.Type {
			return ActionReplace
		}
	}
	return ActionUpdate
}

// replacing merges a change that removes every record of one type at a
// name with the change that adds a record of another type there into one
// replacing change.
func replacing(remove, add Change) Change {
	c := add
	c.Current = sortedSet(append(append([]dnsrec.Record(nil), remove.Current...), add.Current...))
	c.Proposed = sortedSet(add.Proposed)
	c.Reasons = append(append([]Reason(nil), add.Reasons...), remove.Reasons...)
	c.Action = c.action()
	return c
}

// Removed returns the records the change deletes.
func (c Change) Removed() []dnsrec.Record { return dnsrec.Minus(c.Current, c.Proposed) }

// Added returns the records the change publishes.
func (c Change) Added() []dnsrec.Record { return dnsrec.Minus(c.Proposed, c.Current) }

// Reason returns the reasons' sentences joined.
func (c Change) Reason() string {
	var s []string
	for _, r := range c.Reasons {
		s = append(s, r.Text)
	}
	return strings.Join(s, "; ")
}

// Summary is a one-line description: "update TXT example.com".
func (c Change) Summary() string {
	return fmt.Sprintf("%s %s %s", c.Action, c.Type, dnsrec.TrimDot(c.Name))
}

// String renders the single instruction as [Changes.Text] does, unnumbered.
func (c Change) String() string {
	var b strings.Builder
	c.writeText(&b, "", wordsFor(i18n.English))
	return b.String()
}

// MarshalJSON adds the records to delete and to publish ("remove", "add")
// to the fields, so that a program need not compute them; every list is a
// JSON array, empty rather than null.
func (c Change) MarshalJSON() ([]byte, error) {
	type plain Change
	// A set that does not exist yet is [], never null.
	c.Current, c.Proposed = nonNil(c.Current), nonNil(c.Proposed)
	return json.Marshal(struct {
		plain
		Remove []dnsrec.Record `json:"remove"`
		Add    []dnsrec.Record `json:"add"`
	}{plain(c), nonNil(c.Removed()), nonNil(c.Added())})
}

func nonNil(rs []dnsrec.Record) []dnsrec.Record {
	if rs == nil {
		return []dnsrec.Record{}
	}
	return rs
}

// Changes is a list of instructions, rendered in the order given.
type Changes []Change

// For returns the changes party must make, in order.
func (cs Changes) For(party Party) Changes {
	out := Changes{}
	for _, c := range cs {
		if c.Party == party {
			out = append(out, c)
		}
	}
	return out
}

// Actions returns the action of each change, in order.
func (cs Changes) Actions() []Action {
	out := make([]Action, len(cs))
	for i, c := range cs {
		out[i] = c.Action
	}
	return out
}

// JSON renders the instructions as an indented JSON array.
func (cs Changes) JSON() string {
	if cs == nil {
		cs = Changes{}
	}
	out, err := json.MarshalIndent(cs, "", "  ")
	if err != nil { // cannot happen: every field marshals
		return "[]"
	}
	return string(out) + "\n"
}
