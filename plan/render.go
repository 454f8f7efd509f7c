package plan

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/rrconv"
)

// Text renders the instructions as numbered steps a person can follow in a
// DNS provider's form. Render one party's changes (see [Changes.For]): the
// numbers are the order to make them in. The words are English; see
// [Changes.TextIn] for another language.
func (cs Changes) Text() string { return cs.TextIn(i18n.English) }

// TextIn is [Changes.Text] in the language tag matches (see
// [i18n.Catalog.Match]): the sentences, the field labels and the reasons
// are translated; names, types and values are shown as they are.
func (cs Changes) TextIn(tag language.Tag) string {
	w := wordsFor(tag)
	if len(cs) == 0 {
		return w.t("text.plan.nothing", nil) + "\n"
	}
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteByte('\n')
		}
		c.writeText(&b, strconv.Itoa(i+1)+". ", w)
	}
	return b.String()
}

func (c Change) writeText(b *strings.Builder, prefix string, w words) {
	indent := strings.Repeat(" ", len(prefix))
	rm, add := c.Removed(), c.Added()
	zone := dnsrec.TrimDot(c.Zone)
	p := i18n.Params{"relative": c.Relative, "zone": zone, "type": string(c.Type),
		"operator": c.Operator, "via": dnsrec.TrimDot(c.Via)}
	where := w.t("text.plan.where", p)
	switch {
	case c.Via != "" && c.Operator != "":
		where += w.t("text.plan.where-hosted", p)
	case c.Via != "":
		where += w.t("text.plan.where-via", p)
	case c.Operator != "":
		where += w.t("text.plan.where-delegated", p)
	}
	p["where"] = where
	p["removed"], p["added"] = strconv.Itoa(len(rm)), strconv.Itoa(len(add))
	switch {
	case c.Action == ActionNone:
		fmt.Fprintf(b, "%s%s\n", prefix, w.t("text.plan.step-none", p))
		return
	case c.Action == ActionReplace:
		p["old"] = w.describeTypes(rm)
		fmt.Fprintf(b, "%s%s\n", prefix, w.t("text.plan.step-replace-type", p))
	case len(rm) == 0:
		fmt.Fprintf(b, "%s%s\n", prefix, w.t("text.plan.step-add", p))
	case len(add) == 0:
		fmt.Fprintf(b, "%s%s\n", prefix, w.t("text.plan.step-remove", p))
	case len(rm) == 1 && len(add) == 1:
		fmt.Fprintf(b, "%s%s\n", prefix, w.t("text.plan.step-update", p))
	default:
		fmt.Fprintf(b, "%s%s\n", prefix, w.t("text.plan.step-replace", p))
	}
	width := w.labelWidth()
	field := func(k, v string) {
		label := w.t("text.plan.label."+k, nil) + ":"
		fmt.Fprintf(b, "%s  %s%s %s\n", indent, label, strings.Repeat(" ", max(0, width-utf8.RuneCountInString(label))), v)
	}
	field("name", c.nameField(w))
	field("type", string(c.Type))
	switch {
	case c.Action == ActionReplace:
		for _, r := range rm {
			field("delete", string(r.Type)+" "+formValue(r))
		}
		for _, r := range add {
			field("add", string(r.Type)+" "+formValue(r))
		}
	case len(rm) == 1 && len(add) == 1:
		field("from", formValue(rm[0]))
		field("to", formValue(add[0]))
	default:
		for _, r := range rm {
			field(map[bool]string{true: "value", false: "delete"}[len(add) == 0], formValue(r))
		}
		for _, r := range add {
			field(map[bool]string{true: "value", false: "add"}[len(rm) == 0], formValue(r))
		}
	}
	if len(add) > 0 {
		field("ttl", w.t("text.plan.ttl", i18n.Params{"ttl": strconv.FormatUint(uint64(add[0].TTL), 10)}))
	}
	for _, r := range add {
		if r.IsText() && len(r.Txt) > 1 {
			fmt.Fprintf(b, "%s  %s\n", indent, w.t("text.plan.long-value", nil))
			fmt.Fprintf(b, "%s  %s\n", indent, dnsrec.QuoteTXT(r.Txt))
		}
	}
	if why := c.reasonIn(w); why != "" {
		field("why", why)
	}
}

// nameField is the Name line of a step: what to type, in the terms of the
// zone's DNS host's form when the host and its form are known (FormName;
// when a change made by hand leaves it empty, the name in that form), else
// the relative name with the full one beside it.
func (c Change) nameField(w words) string {
	full := dnsrec.TrimDot(c.Name)
	zone := dnsrec.TrimDot(c.Zone)
	name, known := c.FormName, c.HostForm != ""
	if name == "" {
		name, known = DNSHost{Form: c.HostForm}.FormName(c.Name, c.Zone)
	}
	p := i18n.Params{"name": name, "host": c.Host, "zone": zone}
	switch {
	case c.Host == "" || !known:
		if c.Relative != full {
			return c.Relative + "  (" + full + ")"
		}
		return c.Relative
	case c.HostForm == HostFormFull:
		return w.t("text.plan.form-full", p)
	case name == "":
		return w.t("text.plan.form-blank", p)
	case name == "@":
		return w.t("text.plan.form-apex", p)
	}
	return w.t("text.plan.form-relative", p)
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
func (w words) describeTypes(rs []dnsrec.Record) string {
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
		parts = append(parts, w.t("text.plan.records", i18n.Params{"type": string(t), "count": strconv.Itoa(n[t])}))
	}
	return strings.Join(parts, w.t("text.plan.and", nil))
}
