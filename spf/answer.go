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
// 16 bytes (a [Term] takes 128), its text is a slice of the record's, the
// domain-specs of the few terms that have one and the addresses of the ip6
// ranges are kept apart, and the trace notes about the record are made
// only by a check that keeps a trace. The ranges, most of a provider's
// record, are read without a Term (see addFast).

// parsedKey keys the SPF record parsed from a TXT answer.
type parsedKey struct{}

// parsedRecord is the SPF record of a TXT answer, ready for evaluation.
type parsedRecord struct {
	err error // why the record does not parse
	// text is the record's text, followed by the canonical text of each
	// term written otherwise ("IP4:..." for "ip4:..."); rec is its length.
	text string
	// quoted is the trace note about the record, `record "text"`, when it
	// came free with the text (see joinRecord); "" otherwise.
	quoted string
	terms  []evalTerm
	doms   []domainTerm // the domain-specs of the terms that have one
	v6     [][16]byte   // the networks' addresses of the ip6 terms
	// notesPtr holds the trace notes about the record, made by the first
	// check that keeps a trace: a check without one makes none.
	notesPtr atomic.Pointer[recordNotes]
	rec      int32 // the length of the record's text
	count    int32 // SPF records in the answer
	// all, redirect and exp are the indexes of the first all mechanism and
	// of the modifiers, or -1.
	all, redirect, exp int32
	ok                 bool // exactly one record, and it parses
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

// evalTerm is one term of a parsedRecord: 16 bytes. A provider's record
// is mostly ranges, and a check whose answers are new holds every term of
// every record it reads.
type evalTerm struct {
	off, end int32 // the term's canonical text: text[off:end]
	// arg is the network's address of ip4 (big-endian), the index of the
	// network's address in v6 for ip6, and for the other terms the index
	// of the term's domain-spec in doms, or noArg.
	arg          uint32
	cidr4, cidr6 uint8 // as in Term; noCIDR when not written
	kind         termKind
	qual         byte // the qualifier as written, 0 for none
}

const (
	noArg  = ^uint32(0) // a term without a domain-spec
	noCIDR = 255        // a prefix length not written
)

// prefixLen is a prefix length as Term holds it: -1 when not written.
func prefixLen(c uint8) int {
	if c == noCIDR {
		return -1
	}
	return int(c)
}

// cidr returns a prefix length as evalTerm holds it.
func cidr(v int) uint8 {
	if v < 0 {
		return noCIDR
	}
	return uint8(v)
}

// dom is the index of the term's domain-spec in doms, or -1.
func (t *evalTerm) dom() int {
	if t.kind == kindIP4 || t.kind == kindIP6 || t.arg == noArg {
		return -1
	}
	return int(t.arg)
}

// network is the network of ip4 or ip6 term i, as [Term.Net].
func (p *parsedRecord) network(i int) netip.Prefix {
	t := &p.terms[i]
	if t.kind == kindIP4 {
		return netip.PrefixFrom(netip.AddrFrom4(ip4Bytes(t.arg)), int(min(t.cidr4, 32)))
	}
	return netip.PrefixFrom(netip.AddrFrom16(p.v6[t.arg]), int(min(t.cidr6, 128)))
}

// contains reports whether the network of ip4 or ip6 term i holds ip, as
// network(i).Contains(ip) does, without making the prefix for ip4.
func (p *parsedRecord) contains(i int, ip netip.Addr) bool {
	t := &p.terms[i]
	if t.kind == kindIP4 {
		if !ip.Is4() {
			return false
		}
		mask := ^uint32(0) << (32 - min(t.cidr4, 32)) // 0 for /0
		return (t.arg^ip4Value(ip.As4()))&mask == 0
	}
	return p.network(i).Contains(ip)
}

// ip4Bytes is an IPv4 address held in a uint32.
func ip4Bytes(v uint32) [4]byte {
	return [4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

// ip4Value is an IPv4 address in a uint32.
func ip4Value(a [4]byte) uint32 {
	return uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
}

// status is the result the term gives when it matches (RFC 7208,
// Section 4.6.2).
func (t *evalTerm) status() Status {
	switch t.qual {
	case '-':
		return StatusFail
	case '~':
		return StatusSoftFail
	case '?':
		return StatusNeutral
	}
	return StatusPass
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

// staticMatch returns the index of the first term that matches ip without
// DNS (all, or an ip4 or ip6 holding it), or len(p.terms): the evaluation
// reads no term after it. passes says the record passes for ip with
// certainty: that term's qualifier is + and every mechanism before it is
// an ip4 or ip6 (which did not match).
func (p *parsedRecord) staticMatch(ip netip.Addr) (stop int, passes bool) {
	passes = true
	for i := range p.terms {
		t := &p.terms[i]
		switch t.kind {
		case kindAll:
			return i, passes && t.status() == StatusPass
		case kindIP4, kindIP6:
			if (t.kind == kindIP4) == ip.Is4() && p.contains(i, ip) {
				return i, passes && t.status() == StatusPass
			}
		default:
			if !t.isModifier() {
				passes = false
			}
		}
	}
	return len(p.terms), false
}

// termText is term i as written, in canonical form.
func (p *parsedRecord) termText(i int) string {
	return p.text[p.terms[i].off:p.terms[i].end]
}

// recordText is the record as published.
func (p *parsedRecord) recordText() string { return p.text[:p.rec] }

// spec is the domain-spec of term i, "" when it has none.
func (p *parsedRecord) spec(i int) string {
	if d := p.terms[i].dom(); d >= 0 {
		return p.doms[d].spec
	}
	return ""
}

// target is the macro-free target of term i, "" when it has none.
func (p *parsedRecord) target(i int) string {
	if d := p.terms[i].dom(); d >= 0 {
		return p.doms[d].target
	}
	return ""
}

// parseAnswer finds the SPF record of a TXT answer (RFC 7208, Section 4.5)
// and parses it with the parser of [Parse], into the form evaluation
// reads. It is derived once per answer ([dnsrec.Answer.Derive]).
func parseAnswer(a *dnsrec.Answer) any {
	p := &parsedRecord{all: -1, redirect: -1, exp: -1}
	var found []string
	for _, r := range a.Records {
		if r.IsText() && isSPFStrings(r.Txt) {
			p.count++
			found = r.Txt
		}
	}
	if p.count != 1 {
		return p
	}
	text, quoted := joinRecord(found)
	p.parse(text, true)
	p.quoted = quoted
	return p
}

// parse parses the record text into p, with the fast path of addFast for
// the terms of the common forms when fast is set (tests compare the two).
func (p *parsedRecord) parse(text string, fast bool) {
	p.text, p.rec = text, int32(len(text))
	var extra []byte // canonical texts of terms written otherwise
	var buf [80]byte // a term's canonical text, to compare with its text
	var fastFn func(off, end int) bool
	if fast {
		fastFn = func(off, end int) bool { return p.addFast(text, off, end) }
	}
	p.err = scanTerms(text, true, func(n int) {
		p.terms = make([]evalTerm, 0, n)
	}, fastFn, func(off, end int, t Term) {
		et := evalTerm{cidr4: cidr(t.CIDR4), cidr6: cidr(t.CIDR6), arg: noArg, kind: kindOf(&t)}
		var addr6 [16]byte
		switch et.kind {
		case kindIP4:
			et.arg = ip4Value(t.Net.Addr().As4())
		case kindIP6:
			addr6 = t.Net.Addr().As16()
		}
		if t.Qualifier != "" {
			et.qual = t.Qualifier[0]
		}
		if t.Domain != "" {
			et.arg = p.addDomain(t.Domain)
		}
		if et.kind != kindIP6 && lowerName(text[off:end]) {
			et.off, et.end = int32(off), int32(end) // written in canonical form
		} else if b := t.appendText(buf[:0]); text[off:end] == string(b) {
			et.off, et.end = int32(off), int32(end)
		} else {
			et.off = int32(len(text) + len(extra))
			extra = append(extra, b...)
			et.end = int32(len(text) + len(extra))
		}
		p.add(et, addr6)
	})
	if p.err != nil {
		p.terms, p.doms, p.v6 = nil, nil, nil
		return
	}
	if len(extra) > 0 {
		p.text = text + string(extra)
	}
	p.ok = true
}

// addDomain keeps the domain-spec of a term and returns its index in doms.
func (p *parsedRecord) addDomain(spec string) uint32 {
	d := domainTerm{spec: spec}
	if strings.IndexByte(spec, '%') < 0 {
		if name, err := expandDomain(spec, nil); err == nil {
			d.target = name
		}
	}
	if p.doms == nil { // room for the rest of the terms, within reason
		p.doms = make([]domainTerm, 0, min(cap(p.terms)-len(p.terms), 8))
	}
	p.doms = append(p.doms, d)
	return uint32(len(p.doms) - 1)
}

// add appends a term, noting the first all and the modifiers; addr6 is
// the address of an ip6 term's network.
func (p *parsedRecord) add(et evalTerm, addr6 [16]byte) {
	i := len(p.terms)
	if et.kind == kindIP6 {
		if p.v6 == nil { // room for the rest of the terms, within reason
			p.v6 = make([][16]byte, 0, min(cap(p.terms)-i, 16))
		}
		et.arg = uint32(len(p.v6))
		p.v6 = append(p.v6, addr6)
	}
	switch et.kind {
	case kindAll:
		if p.all < 0 {
			p.all = int32(i)
		}
	case kindRedirect:
		p.redirect = int32(i)
	case kindExp:
		p.exp = int32(i)
	}
	p.terms = append(p.terms, et)
}

// eventsPerInclude is what traceEvents expects of an include: a
// provider's record of a few includes and some dozens of ranges, its run
// of ranges one event.
const eventsPerInclude = 8

// traceEvents estimates the events of a trace that starts at this record
// (see Trace): one per term, a run of ip4 and ip6 terms counting as one,
// two more, and eventsPerInclude for each include and redirect=. It sizes
// the trace once, so that a provider's tree is not copied as the trace
// grows, and a record of a few ranges takes a few events' room, not a
// provider's.
func (p *parsedRecord) traceEvents() int {
	n := 2
	for i := range p.terms {
		switch k := p.terms[i].kind; {
		case k == kindInclude || k == kindRedirect:
			n += 1 + eventsPerInclude
		case k == kindIP4 || k == kindIP6:
			if i == 0 || (p.terms[i-1].kind != kindIP4 && p.terms[i-1].kind != kindIP6) {
				n++
			}
		default:
			n++
		}
	}
	return n
}

// isSPFStrings is IsSPF of the strings of a TXT record joined, without
// joining them.
func isSPFStrings(strs []string) bool {
	var head [7]byte
	n := 0
	for _, s := range strs {
		n += copy(head[n:], s)
		if n == len(head) {
			break
		}
	}
	return IsSPF(string(head[:n]))
}

// notePrefix begins the trace note about a record.
const notePrefix = `record "`

// joinRecord joins the strings of a TXT record (RFC 7208, Section 3.3).
// Joining allocates the text; when it needs no escaping to be quoted (the
// usual case), the allocation also holds the record's trace note,
// `record "text"`, whose middle is the text.
func joinRecord(strs []string) (text, quoted string) {
	if len(strs) == 1 {
		return strs[0], ""
	}
	n := len(notePrefix) + 1
	for _, s := range strs {
		if !quotable(s) {
			return strings.Join(strs, ""), ""
		}
		n += len(s)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(notePrefix)
	for _, s := range strs {
		b.WriteString(s)
	}
	b.WriteByte('"')
	quoted = b.String()
	return quoted[len(notePrefix) : len(quoted)-1], quoted
}

// quotable reports whether strconv.Quote of the text of a record, or of
// its strings, would only add the quotes: a record that parses holds
// printable ASCII and spaces (RFC 7208, Section 12), of which Quote
// escapes '"' and '\\'. (The text of a record that does not parse is never
// quoted in a note.)
func quotable(s string) bool {
	return strings.IndexByte(s, '"') < 0 && strings.IndexByte(s, '\\') < 0
}

// lowerName reports whether the name of the term raw (after its
// qualifier, up to ":", "/" or "=") has no upper-case letter. A term other
// than ip6 whose name is in lower case is written in canonical form: the
// parser takes domain-specs and unknown modifiers as written, and IPv4
// addresses and prefix lengths only in their one form (no leading zeros).
// An ip6 address has several forms.
func lowerName(raw string) bool {
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c == ':' || c == '/' || c == '=':
			return true
		case 'A' <= c && c <= 'Z':
			return false
		}
	}
	return true
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

// notes returns the record's trace notes, making them on first use. Two
// checks that read them at once may both make them; one copy is kept.
func (p *parsedRecord) notes() *recordNotes {
	if n := p.notesPtr.Load(); n != nil {
		return n
	}
	p.notesPtr.CompareAndSwap(nil, p.makeNotes())
	return p.notesPtr.Load()
}

// makeNotes makes the record's trace notes.
func (p *parsedRecord) makeNotes() *recordNotes {
	n := &recordNotes{}
	n.record = p.quoted
	if n.record == "" {
		if text := p.recordText(); quotable(text) {
			n.record = notePrefix + text + `"`
		} else {
			n.record = "record " + strconv.Quote(text)
		}
	}
	// One string holds the three notes of every include.
	var at [16]int
	incs, size := at[:0], 0
	for i := range p.terms {
		if p.terms[i].kind == kindInclude && p.target(i) != "" {
			incs = append(incs, i)
			size += 3*len(p.target(i)) + len(gaveSuffixes)
		}
	}
	if len(incs) == 0 {
		return n
	}
	var b strings.Builder
	b.Grow(size)
	for _, i := range incs {
		d := dnsrec.TrimDot(p.target(i))
		for _, suffix := range [3]string{gaveFail, gaveSoftFail, gaveNeutral} {
			b.WriteString(d)
			b.WriteString(suffix)
		}
	}
	all := b.String()
	n.includes = make([]includeNotes, len(incs))
	for k, i := range incs {
		n.includes[k].term = i
		for j, suffix := range [3]string{gaveFail, gaveSoftFail, gaveNeutral} {
			l := len(p.target(i)) - 1 + len(suffix)
			n.includes[k].gave[j], all = all[:l], all[l:]
		}
	}
	return n
}

// The notes of an include whose target gave fail, softfail or neutral
// follow the target's name.
const (
	gaveFail     = " gave fail: no match"
	gaveSoftFail = " gave softfail: no match"
	gaveNeutral  = " gave neutral: no match"
	gaveSuffixes = gaveFail + gaveSoftFail + gaveNeutral
)

// gave is the trace note of include i, whose target gave st.
func (n *recordNotes) gave(i int, target string, st Status) string {
	for _, in := range n.includes {
		if in.term != i {
			continue
		}
		switch st {
		case StatusFail:
			return in.gave[0]
		case StatusSoftFail:
			return in.gave[1]
		case StatusNeutral:
			return in.gave[2]
		}
	}
	return dnsrec.TrimDot(target) + " gave " + string(st) + ": no match"
}
