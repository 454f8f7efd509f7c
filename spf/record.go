package spf

import (
	"net/netip"
	"strconv"
	"strings"
)

// Qualifier is the prefix of a mechanism: the result it gives when it
// matches (RFC 7208, Section 4.6.2).
type Qualifier string

// Qualifiers, as written in a record.
const (
	QualifierNone     Qualifier = ""  // none written: same as "+"
	QualifierPass     Qualifier = "+" // pass
	QualifierFail     Qualifier = "-" // fail
	QualifierSoftFail Qualifier = "~" // softfail
	QualifierNeutral  Qualifier = "?" // neutral
)

// Status returns the result a match with this qualifier gives.
func (q Qualifier) Status() Status {
	switch q {
	case QualifierFail:
		return StatusFail
	case QualifierSoftFail:
		return StatusSoftFail
	case QualifierNeutral:
		return StatusNeutral
	}
	return StatusPass
}

// Mechanism is the name of a mechanism (RFC 7208, Section 5).
type Mechanism string

// Mechanisms.
const (
	MechAll     Mechanism = "all"     // matches always (Section 5.1)
	MechInclude Mechanism = "include" // another domain's record passes (Section 5.2)
	MechA       Mechanism = "a"       // an address of the domain (Section 5.3)
	MechMX      Mechanism = "mx"      // an address of the domain's mail exchanges (Section 5.4)
	MechPTR     Mechanism = "ptr"     // the sender's reverse name, validated (Section 5.5; do not use)
	MechIP4     Mechanism = "ip4"     // an IPv4 network (Section 5.6)
	MechIP6     Mechanism = "ip6"     // an IPv6 network (Section 5.6)
	MechExists  Mechanism = "exists"  // the domain has an A record (Section 5.7)
)

// Modifier names with a meaning (RFC 7208, Section 6). Others are kept and
// ignored.
const (
	ModRedirect = "redirect" // use another domain's record when nothing matches (Section 6.1)
	ModExp      = "exp"      // where the explanation for a fail is published (Section 6.2)
)

// Term is one mechanism or modifier of a record.
type Term struct {
	// Qualifier of a mechanism, as written ("" when none was).
	Qualifier Qualifier
	// Mechanism is the mechanism's name, lower case; "" for a modifier.
	Mechanism Mechanism
	// Modifier is the modifier's name ("redirect" and "exp" in lower case,
	// others as written); "" for a mechanism.
	Modifier string
	// Domain is the domain-spec of include, a, mx, ptr, exists, redirect
	// and exp, exactly as written, macros included; "" when absent.
	Domain string
	// Value is the macro-string of an unknown modifier, as written.
	Value string
	// Net is the network of ip4 and ip6 (the address as written, with the
	// prefix length, 32 or 128 when none was written).
	Net netip.Prefix
	// CIDR4 and CIDR6 are the prefix lengths written after a, mx (the
	// dual-cidr-length), ip4 (CIDR4) and ip6 (CIDR6); -1 when not written.
	CIDR4, CIDR6 int
}

// IsModifier reports whether the term is a modifier.
func (t Term) IsModifier() bool { return t.Mechanism == "" }

// String returns the term as it is written in a record.
func (t Term) String() string { return string(t.appendText(nil)) }

// appendText appends [Term.String] to b.
func (t Term) appendText(b []byte) []byte {
	if t.IsModifier() {
		b = append(b, t.Modifier...)
		b = append(b, '=')
		if t.Modifier == ModRedirect || t.Modifier == ModExp {
			return append(b, t.Domain...)
		}
		return append(b, t.Value...)
	}
	b = append(b, t.Qualifier...)
	b = append(b, t.Mechanism...)
	switch t.Mechanism {
	case MechIP4, MechIP6:
		b = append(b, ':')
		b = t.Net.Addr().AppendTo(b)
	default:
		if t.Domain != "" {
			b = append(b, ':')
			b = append(b, t.Domain...)
		}
	}
	switch t.Mechanism {
	case MechIP6:
		if t.CIDR6 >= 0 {
			b = append(b, '/')
			b = strconv.AppendInt(b, int64(t.CIDR6), 10)
		}
	default:
		if t.CIDR4 >= 0 {
			b = append(b, '/')
			b = strconv.AppendInt(b, int64(t.CIDR4), 10)
		}
		if t.CIDR6 >= 0 {
			b = append(b, '/', '/')
			b = strconv.AppendInt(b, int64(t.CIDR6), 10)
		}
	}
	return b
}

// queriesDNS reports whether the term counts toward the limit of ten DNS
// lookups (RFC 7208, Section 4.6.4).
func (t Term) queriesDNS() bool {
	switch t.Mechanism {
	case MechInclude, MechA, MechMX, MechPTR, MechExists:
		return true
	}
	return t.Modifier == ModRedirect
}

// Record is a parsed SPF record ("v=spf1" and its terms, in order).
type Record struct {
	Terms []Term
	// pos holds the byte offset of each term in the parsed text; nil for a
	// record built in code.
	pos []int
	// text is the text the record was parsed from.
	text string
}

// String returns the record in its canonical form: "v=spf1", then the terms
// separated by single spaces, mechanism names in lower case. Parse of the
// result gives an equal record.
func (r *Record) String() string {
	var b strings.Builder
	b.WriteString("v=spf1")
	for _, t := range r.Terms {
		b.WriteByte(' ')
		b.WriteString(t.String())
	}
	return b.String()
}

// Text returns the text the record was parsed from, or its String when it was
// built in code.
func (r *Record) Text() string {
	if r.pos == nil {
		return r.String()
	}
	return r.text
}

// Offset returns the byte offset of term i in [Record.Text], or -1.
func (r *Record) Offset(i int) int {
	if i < 0 || i >= len(r.pos) {
		return -1
	}
	return r.pos[i]
}

// Equal reports whether two records have the same terms (offsets and the
// original text aside).
func (r *Record) Equal(o *Record) bool {
	if len(r.Terms) != len(o.Terms) {
		return false
	}
	for i := range r.Terms {
		if r.Terms[i] != o.Terms[i] {
			return false
		}
	}
	return true
}

// Modifier returns the first modifier named name (compared without regard
// to case) and its index, or -1.
func (r *Record) Modifier(name string) (Term, int) {
	for i, t := range r.Terms {
		if t.IsModifier() && strings.EqualFold(t.Modifier, name) {
			return t, i
		}
	}
	return Term{}, -1
}

// All returns the index of the first "all" mechanism, or -1.
func (r *Record) All() int {
	for i, t := range r.Terms {
		if t.Mechanism == MechAll {
			return i
		}
	}
	return -1
}

// MarshalText returns [Record.String].
func (r *Record) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText parses an SPF record.
func (r *Record) UnmarshalText(b []byte) error {
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*r = *p
	return nil
}
