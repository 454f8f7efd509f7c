package dnsrec

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Action is what a [Change] asks the owner of a zone to do.
type Action string

// Actions.
const (
	ActionAdd    Action = "add"    // publish a new record
	ActionUpdate Action = "update" // replace the exact current value with a new one
	ActionRemove Action = "remove" // delete a record
	ActionNone   Action = "none"   // nothing to do: the zone is already right
)

// Change is one DNS change instruction. Update is distinct from Add because
// people told to "change" a record often add a second one, which for SPF and
// DMARC breaks both.
type Change struct {
	Action Action  `json:"action"`
	Old    *Record `json:"from,omitempty"` // the current record: update, remove, and none when one exists
	New    *Record `json:"to,omitempty"`   // the record to publish: add and update
	Reason string  `json:"reason"`         // why, in words
}

// Add returns an instruction to publish r.
func Add(r Record, reason string) Change {
	return Change{Action: ActionAdd, New: &r, Reason: reason}
}

// Update returns an instruction to change old into new in place.
func Update(old, new Record, reason string) Change {
	return Change{Action: ActionUpdate, Old: &old, New: &new, Reason: reason}
}

// Remove returns an instruction to delete r.
func Remove(r Record, reason string) Change {
	return Change{Action: ActionRemove, Old: &r, Reason: reason}
}

// NoChange returns an instruction that says nothing needs doing; current is
// the record that is already right, or nil.
func NoChange(current *Record, reason string) Change {
	return Change{Action: ActionNone, Old: current, Reason: reason}
}

// record returns the record the change is about.
func (c Change) record() *Record {
	if c.New != nil {
		return c.New
	}
	return c.Old
}

// Summary is a one-line description: "update TXT example.com".
func (c Change) Summary() string {
	r := c.record()
	if r == nil {
		return string(c.Action)
	}
	return fmt.Sprintf("%s %s %s", c.Action, r.Type, TrimDot(r.Name))
}

// String renders the single instruction as [Changes.Text] does, unnumbered.
func (c Change) String() string {
	var b strings.Builder
	c.writeText(&b, "")
	return b.String()
}

func (c Change) writeText(b *strings.Builder, prefix string) {
	r := c.record()
	if r == nil {
		fmt.Fprintf(b, "%sNothing to do. %s\n", prefix, c.Reason)
		return
	}
	indent := strings.Repeat(" ", len(prefix))
	switch c.Action {
	case ActionAdd:
		fmt.Fprintf(b, "%sAdd a %s record:\n", prefix, r.Type)
	case ActionUpdate:
		fmt.Fprintf(b, "%sUpdate the existing %s record at %s (edit it; do not add a second one):\n", prefix, r.Type, TrimDot(r.Name))
	case ActionRemove:
		fmt.Fprintf(b, "%sRemove this %s record:\n", prefix, r.Type)
	default:
		fmt.Fprintf(b, "%sNothing to do for the %s record at %s.\n", prefix, r.Type, TrimDot(r.Name))
		if c.Reason != "" {
			fmt.Fprintf(b, "%s%s\n", indent, c.Reason)
		}
		return
	}
	field := func(k, v string) { fmt.Fprintf(b, "%s  %-7s %s\n", indent, k+":", v) }
	field("Name", TrimDot(r.Name))
	field("Type", string(r.Type))
	switch c.Action {
	case ActionUpdate:
		field("From", formValue(*c.Old))
		field("To", formValue(*c.New))
	case ActionAdd, ActionRemove:
		field("Value", formValue(*r))
	}
	if c.Action != ActionRemove {
		field("TTL", strconv.FormatUint(uint64(r.TTL), 10)+" (or your provider's default)")
	}
	if c.Action != ActionRemove && r.IsText() && len(r.Txt) > 1 {
		fmt.Fprintf(b, "%s  The value is longer than 255 characters. If your provider asks for quoted strings, enter:\n", indent)
		fmt.Fprintf(b, "%s  %s\n", indent, QuoteTXT(r.Txt))
	}
	if c.Reason != "" {
		field("Why", c.Reason)
	}
}

// Changes is a list of instructions, rendered in the order given.
type Changes []Change

// Pending returns the changes that ask for something to be done.
func (cs Changes) Pending() Changes {
	var out Changes
	for _, c := range cs {
		if c.Action != ActionNone {
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

// Text renders the instructions as numbered steps a customer can follow.
func (cs Changes) Text() string {
	if len(cs) == 0 {
		return "Nothing to do.\n"
	}
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteByte('\n')
		}
		c.writeText(&b, strconv.Itoa(i+1)+". ")
	}
	return b.String()
}

// Zone renders the instructions as zone-file lines: records to publish as
// lines, records to remove or replace as comments saying so.
func (cs Changes) Zone() string {
	var b strings.Builder
	for i, c := range cs {
		fmt.Fprintf(&b, "; %d. %s", i+1, c.Summary())
		if c.Reason != "" {
			fmt.Fprintf(&b, ": %s", strings.ReplaceAll(c.Reason, "\n", " "))
		}
		b.WriteByte('\n')
		switch c.Action {
		case ActionUpdate:
			fmt.Fprintf(&b, "; replaces: %s\n%s\n", c.Old, c.New)
		case ActionAdd:
			fmt.Fprintf(&b, "%s\n", c.New)
		case ActionRemove:
			fmt.Fprintf(&b, "; delete: %s\n", c.Old)
		default:
			if c.Old != nil {
				fmt.Fprintf(&b, "; unchanged: %s\n", c.Old)
			}
		}
	}
	return b.String()
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

// formValue is a record's value as a DNS provider's form wants it: names
// without the root dot.
func formValue(r Record) string {
	if r.Type == TypeCNAME {
		return TrimDot(r.Value())
	}
	return r.Value()
}
