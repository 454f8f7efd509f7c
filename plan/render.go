package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/rrconv"
)

// Text renders the instructions as numbered steps a person can follow in a
// DNS provider's form. Render one party's changes (see [Changes.For]): the
// numbers are the order to make them in.
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

func (c Change) writeText(b *strings.Builder, prefix string) {
	indent := strings.Repeat(" ", len(prefix))
	rm, add := c.Removed(), c.Added()
	zone := dnsrec.TrimDot(c.Zone)
	where := fmt.Sprintf("%s in the zone %s", c.Relative, zone)
	switch {
	case c.Via != "" && c.Operator != "":
		where += fmt.Sprintf(" (hosted by %s: %s is a CNAME to it, so change the record in %s's console, or ask them to; do not add a record at %s)", c.Operator, dnsrec.TrimDot(c.Via), c.Operator, dnsrec.TrimDot(c.Via))
	case c.Via != "":
		where += fmt.Sprintf(" (%s is a CNAME to it: change the record here, not there)", dnsrec.TrimDot(c.Via))
	case c.Operator != "":
		where += fmt.Sprintf(" (delegated: its name servers are %s, and whoever operates them makes this change)", c.Operator)
	}
	switch {
	case c.Action == ActionNone:
		fmt.Fprintf(b, "%sNothing to do for the %s records at %s.\n", prefix, c.Type, where)
		return
	case c.Action == ActionReplace:
		fmt.Fprintf(b, "%sReplace the %s at %s with a %s record, in one step (delete and add together, so that the name is never empty):\n", prefix, describeTypes(rm), where, c.Type)
	case len(rm) == 0:
		fmt.Fprintf(b, "%sAdd a %s record at %s:\n", prefix, c.Type, where)
	case len(add) == 0:
		fmt.Fprintf(b, "%sRemove %s at %s:\n", prefix, count(len(rm), "this "+string(c.Type)+" record", "these "+string(c.Type)+" records"), where)
	case len(rm) == 1 && len(add) == 1:
		fmt.Fprintf(b, "%sUpdate the existing %s record at %s (edit it; do not add a second one):\n", prefix, c.Type, where)
	default:
		fmt.Fprintf(b, "%sReplace %d %s records at %s with %s (delete the old ones):\n", prefix, len(rm), c.Type, where, count(len(add), "one", "these"))
	}
	field := func(k, v string) { fmt.Fprintf(b, "%s  %-7s %s\n", indent, k+":", v) }
	field("Name", c.nameField())
	field("Type", string(c.Type))
	switch {
	case c.Action == ActionReplace:
		for _, r := range rm {
			field("Delete", string(r.Type)+" "+formValue(r))
		}
		for _, r := range add {
			field("Add", string(r.Type)+" "+formValue(r))
		}
	case len(rm) == 1 && len(add) == 1:
		field("From", formValue(rm[0]))
		field("To", formValue(add[0]))
	default:
		for _, r := range rm {
			field(map[bool]string{true: "Value", false: "Delete"}[len(add) == 0], formValue(r))
		}
		for _, r := range add {
			field(map[bool]string{true: "Value", false: "Add"}[len(rm) == 0], formValue(r))
		}
	}
	if len(add) > 0 {
		field("TTL", strconv.FormatUint(uint64(add[0].TTL), 10)+" (or your provider's default)")
	}
	for _, r := range add {
		if r.IsText() && len(r.Txt) > 1 {
			fmt.Fprintf(b, "%s  The value is longer than 255 characters. If your provider asks for quoted strings, enter:\n", indent)
			fmt.Fprintf(b, "%s  %s\n", indent, dnsrec.QuoteTXT(r.Txt))
		}
	}
	if why := c.Reason(); why != "" {
		field("Why", why)
	}
}

// nameField is the Name line of a step: what to type, in the terms of the
// zone's DNS host's form when the host and its form are known (FormName;
// when a change made by hand leaves it empty, the name in that form), else
// the relative name with the full one beside it.
func (c Change) nameField() string {
	full := dnsrec.TrimDot(c.Name)
	zone := dnsrec.TrimDot(c.Zone)
	name, known := c.FormName, c.HostForm != ""
	if name == "" {
		name, known = DNSHost{Form: c.HostForm}.FormName(c.Name, c.Zone)
	}
	switch {
	case c.Host == "" || !known:
		if c.Relative != full {
			return c.Relative + "  (" + full + ")"
		}
		return c.Relative
	case c.HostForm == HostFormFull:
		return name + "  (" + c.Host + " wants the full name)"
	case name == "":
		return "(leave empty)  (" + c.Host + " takes an empty name for " + zone + " itself)"
	case name == "@":
		return "@  (" + c.Host + " takes @ for " + zone + " itself)"
	}
	return name + "  (" + c.Host + " adds ." + zone + " itself)"
}

func count(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Zone renders the instructions as zone-file lines, grouped by zone under a
// "$ORIGIN" line: records to publish as lines, records to delete as
// comments saying so. Each group holds only its own zone's records.
func (cs Changes) Zone() string {
	var b strings.Builder
	for i, g := range cs.byZone() {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "$ORIGIN %s\n", rrconv.EscapeName(g.zone))
		for _, n := range g.steps {
			c := cs[n]
			fmt.Fprintf(&b, "; %d. %s (%s)", n+1, c.Summary(), c.Party)
			if why := c.Reason(); why != "" {
				fmt.Fprintf(&b, ": %s", strings.ReplaceAll(why, "\n", " "))
			}
			b.WriteByte('\n')
			for _, r := range c.Removed() {
				fmt.Fprintf(&b, "; delete: %s\n", r)
			}
			for _, r := range c.Added() {
				fmt.Fprintf(&b, "%s\n", r)
			}
		}
	}
	return b.String()
}

// NSUpdate renders the instructions as a script for nsupdate (RFC 2136
// dynamic updates, as BIND's nsupdate reads them): per change, the zone,
// a prerequisite that the whole record set is still exactly as it was read
// (or absent), the exact records to delete, the records to add, and
// "send". A change whose set was edited since it was read fails its
// prerequisite and changes nothing. Add a "server" line (and a key) in
// front for your server.
func (cs Changes) NSUpdate() string {
	var b strings.Builder
	for i, c := range cs {
		if c.Action == ActionNone {
			continue
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "; %d. %s (%s)\n", i+1, c.Summary(), c.Party)
		fmt.Fprintf(&b, "zone %s\n", rrconv.EscapeName(c.Zone))
		if !hasType(c.Current, c.Type) {
			fmt.Fprintf(&b, "prereq nxrrset %s IN %s\n", rrconv.EscapeName(c.Name), c.Type)
		}
		for _, r := range c.Current {
			fmt.Fprintf(&b, "prereq yxrrset %s IN %s %s\n", rrconv.EscapeName(r.Name), r.Type, r.RData())
		}
		for _, r := range c.Removed() {
			fmt.Fprintf(&b, "update delete %s IN %s %s\n", rrconv.EscapeName(r.Name), r.Type, r.RData())
		}
		for _, r := range c.Added() {
			fmt.Fprintf(&b, "update add %s %d IN %s %s\n", rrconv.EscapeName(r.Name), r.TTL, r.Type, r.RData())
		}
		b.WriteString("send\n")
	}
	return b.String()
}

type zoneGroup struct {
	zone  string
	steps []int
}

// byZone groups the indexes of cs by zone, in order of first appearance.
func (cs Changes) byZone() []zoneGroup {
	var out []zoneGroup
	at := map[string]int{}
	for i, c := range cs {
		j, ok := at[c.Zone]
		if !ok {
			j = len(out)
			at[c.Zone] = j
			out = append(out, zoneGroup{zone: c.Zone})
		}
		out[j].steps = append(out[j].steps, i)
	}
	return out
}

// formValue is a record's value as a DNS provider's form wants it: names
// without the root dot.
func formValue(r dnsrec.Record) string {
	if r.Type == dnsrec.TypeCNAME {
		return dnsrec.TrimDot(r.Value())
	}
	return r.Value()
}

// hasType reports whether rs holds a record of type t.
func hasType(rs []dnsrec.Record, t dnsrec.Type) bool {
	for _, r := range rs {
		if r.Type == t {
			return true
		}
	}
	return false
}

// describeTypes names the records rs holds: "TXT record", "2 TXT records".
func describeTypes(rs []dnsrec.Record) string {
	n := map[dnsrec.Type]int{}
	var order []dnsrec.Type
	for _, r := range rs {
		if n[r.Type] == 0 {
			order = append(order, r.Type)
		}
		n[r.Type]++
	}
	var parts []string
	for _, t := range order {
		if n[t] == 1 {
			parts = append(parts, string(t)+" record")
		} else {
			parts = append(parts, fmt.Sprintf("%d %s records", n[t], t))
		}
	}
	return strings.Join(parts, " and ")
}
