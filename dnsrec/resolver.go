package dnsrec

import (
	"context"
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
)

// Resolver answers DNS questions. It is the only way the packages of this
// module reach DNS: [Client] asks real servers, [Cache] remembers answers,
// and the dnstest package answers from an in-memory zone.
//
// Lookup returns an answer for every authoritative response, negative ones
// included: NXDOMAIN (the name does not exist) sets [Answer.NXDomain];
// NODATA (the name exists without records of that type) is an answer with no
// Records. A failure that says nothing about the name (SERVFAIL, REFUSED,
// another RCODE, a timeout, a cancelled ctx) is an [*Error] for which
// errors.Is(err, ErrTemporary) holds. An invalid name wraps ErrInvalidName.
//
// Implementations follow CNAME chains for every type but CNAME, and must be
// safe for concurrent use.
type Resolver interface {
	Lookup(ctx context.Context, name string, t Type) (*Answer, error)
}

// Answer is the result of one question. Use it by pointer: it holds what
// readers derived from it (see [Answer.Derive]) and must not be copied.
type Answer struct {
	Name     string   // the name asked for, canonical
	Type     Type     // the type asked for
	CNAMEs   []string // the CNAME targets followed from Name, in order
	Records  []Record // the records of Type at the end of the chain
	NXDomain bool     // the final name does not exist
	TTL      uint32   // how long the whole answer may be cached, negative answers included

	// TTLs holds the TTL of each RRset along the chain, when the resolver
	// reports them: TTLs[i] that of the CNAME record whose target is
	// CNAMEs[i], then (unless Partial) that of Records or, for a negative
	// answer, the SOA's (RFC 2308, Section 5). TTL is their minimum. A
	// [Cache] keeps each RRset for its own TTL. Nil means TTL stands for
	// each, as it does without a chain.
	TTLs []uint32
	// Partial reports an answer that ends in a CNAME whose target the
	// server said nothing about (an authoritative server answers a CNAME
	// into another zone alone). Only [Stepper.LookupStep] returns such
	// answers; Lookup follows the chain to its end.
	Partial bool

	derived atomic.Pointer[derived] // what readers derived from the answer; see Derive
}

// derived is one value computed from an answer, in a list.
type derived struct {
	key  any
	val  any
	next *derived
}

// Derive returns what f computes from the answer, computing it once per
// answer and key: a package that interprets answers (parsing an SPF record
// out of a TXT answer, say) keeps the result with the answer, so that an
// answer shared by a [Cache] is interpreted once, not once per check. key
// should be a value of an unexported type of the calling package, as with
// context keys. When callers race, f may run more than once; it must be
// deterministic, and its result is shared and must not be modified. Safe
// for concurrent use; a nil Answer computes f(nil) every time.
func (a *Answer) Derive(key any, f func(*Answer) any) any {
	if a == nil {
		return f(nil)
	}
	head := a.derived.Load()
	for d := head; d != nil; d = d.next {
		if d.key == key {
			return d.val
		}
	}
	d := &derived{key: key, val: f(a)}
	for {
		d.next = head
		if a.derived.CompareAndSwap(head, d) {
			return d.val
		}
		head = a.derived.Load()
		for o := head; o != nil; o = o.next {
			if o.key == key {
				return o.val
			}
		}
	}
}

// Canonical returns the name the answer is for: the last CNAME target, or
// Name when no CNAME was followed.
func (a *Answer) Canonical() string {
	if len(a.CNAMEs) > 0 {
		return a.CNAMEs[len(a.CNAMEs)-1]
	}
	return a.Name
}

// Void reports whether the answer holds no records (NXDOMAIN or NODATA), what
// RFC 7208, Section 4.6.4 calls a void lookup.
func (a *Answer) Void() bool { return len(a.Records) == 0 }

// TXT returns the strings of each TXT record, one slice per record.
func (a *Answer) TXT() [][]string {
	out := make([][]string, 0, len(a.Records))
	for _, r := range a.Records {
		if r.IsText() {
			out = append(out, r.Txt)
		}
	}
	return out
}

// Addrs returns the addresses of the A and AAAA records in the answer.
func (a *Answer) Addrs() []netip.Addr {
	out := make([]netip.Addr, 0, len(a.Records))
	for _, r := range a.Records {
		if r.Type != TypeA && r.Type != TypeAAAA {
			continue
		}
		if ip, err := netip.ParseAddr(r.Data); err == nil {
			out = append(out, ip.Unmap())
		}
	}
	return out
}

// MX is one mail exchange.
type MX struct {
	Preference uint16
	Host       string // canonical
}

// MX returns the mail exchanges of the MX records in the answer, in the
// order received.
func (a *Answer) MX() []MX {
	out := make([]MX, 0, len(a.Records))
	for _, r := range a.Records {
		if r.Type != TypeMX {
			continue
		}
		pref, host, ok := strings.Cut(r.Data, " ")
		if !ok {
			pref, host, ok = strings.Cut(r.Data, "\t")
		}
		p, err := strconv.ParseUint(pref, 10, 16)
		if !ok || err != nil {
			continue
		}
		out = append(out, MX{Preference: uint16(p), Host: strings.ToLower(strings.TrimSpace(host))})
	}
	return out
}

// Targets returns the names held by PTR, CNAME and NS records in the answer.
func (a *Answer) Targets() []string {
	out := make([]string, 0, len(a.Records))
	for _, r := range a.Records {
		switch r.Type {
		case TypePTR, TypeCNAME, TypeNS:
			out = append(out, strings.ToLower(r.Data))
		}
	}
	return out
}

// ErrNoResolver is the error of every lookup through a nil [Resolver]: a
// zero-valued configuration (a [Cache] or a checker without its Resolver)
// reports its mistake instead of panicking. It is not temporary.
var ErrNoResolver = errors.New("dnsrec: no resolver configured")
