package spf

import (
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/domainauth/domainauth/dnsrec"
)

// The SPF record of a TXT answer in the form evaluation reads. A check
// that does not share answers through a cache parses every record again,
// so this form is what a check's memory is mostly made of: each term takes
// 48 bytes (a [Term] takes 128, plus its text and target), its text is a
// slice of the record's, and the trace notes about it are made only by a
// check that keeps a trace.

// parsedKey keys the SPF record parsed from a TXT answer.
type parsedKey struct{}

// parsedRecord is the SPF record of a TXT answer, ready for evaluation.
type parsedRecord struct {
	count int   // SPF records in the answer
	err   error // why the record does not parse
	ok    bool  // exactly one record, and it parses
	// text is the record's text, followed by the canonical text of each
	// term written otherwise ("IP4:..." for "ip4:..."); rec is its length.
	text  string
	rec   int
	terms []evalTerm
	doms  []domainTerm // the domain-specs of the terms that have one
	// all, redirect and exp are the indexes of the first all mechanism and
	// of the modifiers, or -1.
	all, redirect, exp int
	// notesOnce holds the trace notes about the record, made by the first
	// check that keeps a trace: a check without one makes none.
	notesOnce atomic.Pointer[recordNotes]
}

// termKind is what a term is: a mechanism, or a modifier with a meaning.
type termKind uint8

const (
	kindAll termKind = iota
	kindInclude
	kindA
	kindMX
	kindPTR
	kindIP4
	kindIP6
	kindExists
	kindRedirect
	kindExp
	kindModifier // an unknown modifier, ignored
)

// kindOf is the kind of a parsed term.
func kindOf(t *Term) termKind {
	switch t.Mechanism {
	case MechAll:
		return kindAll
	case MechInclude:
		return kindInclude
	case MechA:
		return kindA
	case MechMX:
		return kindMX
	case MechPTR:
		return kindPTR
	case MechIP4:
		return kindIP4
	case MechIP6:
		return kindIP6
	case MechExists:
		return kindExists
	}
	switch t.Modifier {
	case ModRedirect:
		return kindRedirect
	case ModExp:
		return kindExp
	}
	return kindModifier
}

// evalTerm is one term of a parsedRecord.
type evalTerm struct {
	net          netip.Prefix // ip4, ip6
	off, end     int32        // the term's canonical text: text[off:end]
	cidr4, cidr6 int16        // as in Term; -1 when not written
	dom          int16        // the index of the term's domain-spec in doms, or -1
	kind         termKind
	qual         byte // the qualifier as written, 0 for none
}

// status is the result the term gives when it matches (RFC 7208,
// Section 4.6.2).
func (t *evalTerm) status() Status {
	switch t.qual {
	case '-':
		return Fail
	case '~':
		return SoftFail
	case '?':
		return Neutral
	}
	return Pass
}

// domainTerm is the domain-spec of a term, as written, and the name it
// expands to when it has no macro ("" for the others, and for specs that do
// not expand to a valid name, which are expanded again to report why).
type domainTerm struct {
	spec, target string
}

// isModifier reports whether the term is a modifier.
func (t *evalTerm) isModifier() bool { return t.kind >= kindRedirect }

// queriesDNS reports whether the term counts toward the limit of ten DNS
// lookups (RFC 7208, Section 4.6.4).
func (t *evalTerm) queriesDNS() bool {
	switch t.kind {
	case kindInclude, kindA, kindMX, kindPTR, kindExists, kindRedirect:
		return true
	}
	return false
}

// termText is term i as written, in canonical form.
func (p *parsedRecord) termText(i int) string {
	return p.text[p.terms[i].off:p.terms[i].end]
}

// recordText is the record as published.
func (p *parsedRecord) recordText() string { return p.text[:p.rec] }

// spec is the domain-spec of term i, "" when it has none.
func (p *parsedRecord) spec(i int) string {
	if d := p.terms[i].dom; d >= 0 {
		return p.doms[d].spec
	}
	return ""
}

// target is the macro-free target of term i, "" when it has none.
func (p *parsedRecord) target(i int) string {
	if d := p.terms[i].dom; d >= 0 {
		return p.doms[d].target
	}
	return ""
}

func parseAnswer(a *dnsrec.Answer) any {
	p := &parsedRecord{all: -1, redirect: -1, exp: -1}
	var found string
	for _, r := range a.Records {
		if !r.IsText() {
			continue
		}
		if v := dnsrec.JoinTXT(r.Txt); IsSPF(v) {
			p.count++
			found = v
		}
	}
	if p.count != 1 {
		return p
	}
	p.text, p.rec = found, len(found)
	var extra, buf []byte // canonical texts of terms written otherwise
	p.err = scanTerms(found, true, func(n int) {
		p.terms = make([]evalTerm, 0, n)
	}, func(off int, t Term) {
		et := evalTerm{net: t.Net, cidr4: int16(t.CIDR4), cidr6: int16(t.CIDR6), dom: -1, kind: kindOf(&t)}
		if t.Qualifier != "" {
			et.qual = t.Qualifier[0]
		}
		i := len(p.terms)
		switch et.kind {
		case kindAll:
			if p.all < 0 {
				p.all = i
			}
		case kindRedirect:
			p.redirect = i
		case kindExp:
			p.exp = i
		}
		if t.Domain != "" {
			d := domainTerm{spec: t.Domain}
			if strings.IndexByte(t.Domain, '%') < 0 {
				if name, err := expandDomain(t.Domain, nil); err == nil {
					d.target = name
				}
			}
			et.dom = int16(len(p.doms))
			p.doms = append(p.doms, d)
		}
		buf = t.appendText(buf[:0])
		if end := off + len(buf); end <= len(found) && (end == len(found) || found[end] == ' ') && found[off:end] == string(buf) {
			et.off, et.end = int32(off), int32(end)
		} else {
			et.off = int32(len(found) + len(extra))
			extra = append(extra, buf...)
			et.end = int32(len(found) + len(extra))
		}
		p.terms = append(p.terms, et)
	})
	if p.err != nil {
		p.terms, p.doms = nil, nil
		return p
	}
	if len(extra) > 0 {
		p.text = found + string(extra)
	}
	p.ok = true
	return p
}

// recordNotes are the trace notes about one record, kept with it: a record
// shared by a cache is described once.
type recordNotes struct {
	record string // the record, quoted
	// includes holds, for each include with a macro-free target, the
	// notes of the include giving fail, softfail and neutral.
	includes []includeNotes
}

type includeNotes struct {
	term int
	gave [3]string
}

// notes returns the record's trace notes, making them on first use. When
// checks race, they may be made twice; either is kept.
func (p *parsedRecord) notes() *recordNotes {
	if n := p.notesOnce.Load(); n != nil {
		return n
	}
	text := p.recordText()
	n := &recordNotes{record: string(strconv.AppendQuote(append(make([]byte, 0, len(text)+16), "record "...), text))}
	for i, t := range p.terms {
		if t.kind == kindInclude && p.target(i) != "" {
			// One string holds the three notes.
			d := dnsrec.TrimDot(p.target(i))
			all := d + " gave fail: no match" + d + " gave softfail: no match" + d + " gave neutral: no match"
			a, b := len(d)+len(" gave fail: no match"), 2*len(d)+len(" gave fail: no match gave softfail: no match")
			n.includes = append(n.includes, includeNotes{i, [3]string{all[:a], all[a:b], all[b:]}})
		}
	}
	p.notesOnce.CompareAndSwap(nil, n)
	return p.notesOnce.Load()
}

// gave is the trace note of include i, whose target gave st.
func (n *recordNotes) gave(i int, target string, st Status) string {
	for _, in := range n.includes {
		if in.term != i {
			continue
		}
		switch st {
		case Fail:
			return in.gave[0]
		case SoftFail:
			return in.gave[1]
		case Neutral:
			return in.gave[2]
		}
	}
	return dnsrec.TrimDot(target) + " gave " + string(st) + ": no match"
}
