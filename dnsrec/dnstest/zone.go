package dnstest

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/rrconv"
	"github.com/miekg/dns"
)

// maxChain bounds the CNAME chains the zone follows, so that a CNAME loop in
// test data ends in an error rather than a hang.
const maxChain = 12

// Zone is an in-memory DNS zone that implements [dnsrec.Resolver]. It
// answers as a recursive resolver would for the names it holds: it follows
// CNAME chains, tells NXDOMAIN from NODATA (a name with records only below it
// exists, RFC 8020), and expands wildcards (RFC 4592). Every name outside
// the zone's data does not exist.
//
// A Zone logs the most recent questions it is asked ([DefaultQueryLog] of
// them unless told otherwise, see [Zone.KeepQueries]) and counts them all,
// and can be told to fail for a name and type. It is safe for concurrent
// use.
type Zone struct {
	mu    sync.Mutex
	rrs   map[key][]dns.RR
	names map[string]int // owner names and their ancestors, with use counts
	fails map[key]error
	log   queryLog
}

type key struct {
	name  string
	rtype uint16 // 0 in fails: every type
}

// Query is one question the zone was asked.
type Query struct {
	Name string      // canonical
	Type dnsrec.Type // as asked
}

func (q Query) String() string { return string(q.Type) + " " + q.Name }

// NewZone returns a zone holding the records of text, in zone-file format
// (RFC 1035, Section 5). Relative names are relative to the root unless the
// text sets $ORIGIN; a record without TTL gets 3600.
func NewZone(text string) (*Zone, error) {
	z := &Zone{
		rrs:   make(map[key][]dns.RR),
		names: make(map[string]int),
		fails: make(map[key]error),
		log:   queryLog{keep: DefaultQueryLog},
	}
	if err := z.Add(text); err != nil {
		return nil, err
	}
	return z, nil
}

// MustZone is NewZone for tests and examples: it panics on an error.
func MustZone(text string) *Zone {
	z, err := NewZone(text)
	if err != nil {
		panic(err)
	}
	return z
}

// Add adds the records of text, in zone-file format, to the zone.
func (z *Zone) Add(text string) error {
	zp := dns.NewZoneParser(strings.NewReader(text), ".", "")
	zp.SetDefaultTTL(dnsrec.DefaultTTL)
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		return fmt.Errorf("dnstest: %w", err)
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	for _, rr := range rrs {
		z.addLocked(rr)
	}
	return nil
}

// AddRecords adds records to the zone.
func (z *Zone) AddRecords(records ...dnsrec.Record) error {
	rrs := make([]dns.RR, 0, len(records))
	for _, r := range records {
		if err := r.Validate(); err != nil {
			return fmt.Errorf("dnstest: %w", err)
		}
		rr, err := dns.NewRR(r.String())
		if err != nil {
			return fmt.Errorf("dnstest: %w", err)
		}
		rrs = append(rrs, rr)
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	for _, rr := range rrs {
		z.addLocked(rr)
	}
	return nil
}

func (z *Zone) addLocked(rr dns.RR) {
	h := rr.Header()
	h.Name = strings.ToLower(h.Name)
	name := rrconv.UnescapeName(h.Name)
	k := key{name, h.Rrtype}
	z.rrs[k] = append(z.rrs[k], rr)
	for n := name; ; {
		z.names[n]++
		i, end := dns.NextLabel(n, 0)
		if end {
			break
		}
		n = n[i:]
	}
}

// Remove deletes every record of type t at name.
func (z *Zone) Remove(name string, t dnsrec.Type) {
	name = strings.ToLower(dns.Fqdn(name))
	code := dns.StringToType[string(t)]
	z.mu.Lock()
	defer z.mu.Unlock()
	k := key{name, code}
	n := len(z.rrs[k])
	if n == 0 {
		return
	}
	delete(z.rrs, k)
	for cur := name; ; {
		if z.names[cur] -= n; z.names[cur] <= 0 {
			delete(z.names, cur)
		}
		i, end := dns.NextLabel(cur, 0)
		if end {
			break
		}
		cur = cur[i:]
	}
}

// Fail makes every question for name and type t fail with err, which should
// be one of dnsrec.ErrTimeout, dnsrec.ErrServFail or dnsrec.ErrRefused (the
// loopback [Server] answers accordingly: no answer, SERVFAIL, REFUSED). An
// empty t fails every type. A nil err removes the failure.
func (z *Zone) Fail(name string, t dnsrec.Type, err error) {
	k := key{strings.ToLower(dns.Fqdn(name)), 0}
	if t != "" {
		k.rtype = dns.StringToType[string(t)]
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	if err == nil {
		delete(z.fails, k)
		return
	}
	z.fails[k] = err
}

// Lookup answers a question from the zone. See [dnsrec.Resolver].
func (z *Zone) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	qname, err := dnsrec.CanonicalName(name)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, &dnsrec.Error{Name: qname, Type: t, Err: fmt.Errorf("%w: %w", dnsrec.ErrTimeout, err)}
	}
	qtype, ok := dns.StringToType[string(t)]
	if !ok {
		return nil, fmt.Errorf("dnstest: unknown record type %q", t)
	}
	res, err := z.resolve(qname, qtype, false)
	if err != nil {
		return nil, &dnsrec.Error{Name: qname, Type: t, Err: err}
	}
	return res.toAnswer(qname, t), nil
}

// toAnswer puts a result into an Answer, with the TTL of each RRset.
func (r *result) toAnswer(qname string, t dnsrec.Type) *dnsrec.Answer {
	a := &dnsrec.Answer{Name: qname, Type: t, NXDomain: r.nx, TTL: r.ttl(), Partial: r.partial}
	if len(r.chain) > 0 { // without a chain, TTL says it all
		a.TTLs = make([]uint32, 0, len(r.chain)+1)
	}
	for _, rr := range r.chain {
		a.CNAMEs = append(a.CNAMEs, strings.ToLower(rrconv.UnescapeName(rr.(*dns.CNAME).Target)))
		a.TTLs = append(a.TTLs, rr.Header().Ttl)
	}
	for _, rr := range r.answer {
		a.Records = append(a.Records, record(rr))
	}
	if !r.partial && len(r.chain) > 0 {
		a.TTLs = append(a.TTLs, r.finalTTL())
	}
	return a
}

// result is the zone's answer to one question, before it is put into an
// Answer or a DNS message.
type result struct {
	chain   []dns.RR // CNAME records followed
	answer  []dns.RR // records of the type asked for, owned by the last name
	nx      bool     // the last name does not exist
	soa     dns.RR   // for negative answers: the SOA of the closest enclosing zone, if any
	partial bool     // the chain ends in a CNAME into another zone, not followed
}

// ttl is how long the whole result may be cached.
func (r *result) ttl() uint32 {
	ttl := ^uint32(0)
	for _, rr := range r.chain {
		ttl = min(ttl, rr.Header().Ttl)
	}
	if r.partial {
		return ttl
	}
	return min(ttl, r.finalTTL())
}

// finalTTL is that of the records at the end of the chain or, for a
// negative answer, the smaller of the SOA's TTL and MINIMUM (RFC 2308,
// Section 5), five minutes without an SOA.
func (r *result) finalTTL() uint32 {
	if len(r.answer) > 0 {
		ttl := ^uint32(0)
		for _, rr := range r.answer {
			ttl = min(ttl, rr.Header().Ttl)
		}
		return ttl
	}
	if soa, ok := r.soa.(*dns.SOA); ok {
		return min(soa.Hdr.Ttl, soa.Minttl)
	}
	return 300
}

// resolve logs the question, applies injected failures, and answers it.
// With auth, it answers as the authoritative server of the name's zone
// would: a CNAME whose target lies in another zone ends the answer.
func (z *Zone) resolve(qname string, qtype uint16, auth bool) (*result, error) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.log.add(Query{Name: qname, Type: dnsrec.Type(dns.TypeToString[qtype])})
	res := &result{}
	cur := qname
	for hops := 0; ; hops++ {
		if err := z.failure(cur, qtype); err != nil {
			return nil, err
		}
		rrs, exists := z.find(cur, qtype)
		if len(rrs) > 0 {
			res.answer = rrs
			return res, nil
		}
		if qtype != dns.TypeCNAME {
			if cn, _ := z.find(cur, dns.TypeCNAME); len(cn) > 0 {
				if hops == maxChain {
					return nil, fmt.Errorf("%w: CNAME chain longer than %d at %s", dnsrec.ErrServFail, maxChain, qname)
				}
				res.chain = append(res.chain, cn[0])
				next := strings.ToLower(rrconv.UnescapeName(cn[0].(*dns.CNAME).Target))
				if auth && z.apex(next) != z.apex(cur) {
					res.partial = true
					return res, nil
				}
				cur = next
				continue
			}
		}
		res.nx = !exists
		res.soa = z.soaFor(cur)
		return res, nil
	}
}

func (z *Zone) failure(name string, qtype uint16) error {
	if err := z.fails[key{name, qtype}]; err != nil {
		return err
	}
	return z.fails[key{name, 0}]
}

// find returns the records of qtype at name (copies with name as owner when
// a wildcard supplies them) and whether the name exists.
func (z *Zone) find(name string, qtype uint16) ([]dns.RR, bool) {
	if z.names[name] > 0 {
		return z.rrs[key{name, qtype}], true
	}
	// Wildcard: the closest existing ancestor's "*" child, if any (RFC 4592).
	for cur := name; ; {
		i, end := dns.NextLabel(cur, 0)
		if end {
			return nil, false
		}
		cur = cur[i:]
		if z.names[cur] == 0 {
			continue
		}
		wild := "*." + cur
		if cur == "." {
			wild = "*."
		}
		if z.names[wild] == 0 {
			return nil, false
		}
		var out []dns.RR
		for _, rr := range z.rrs[key{wild, qtype}] {
			c := dns.Copy(rr)
			c.Header().Name = rrconv.EscapeName(name)
			out = append(out, c)
		}
		return out, true
	}
}

func (z *Zone) soaFor(name string) dns.RR {
	for cur := name; ; {
		if soa := z.rrs[key{cur, dns.TypeSOA}]; len(soa) > 0 {
			return soa[0]
		}
		i, end := dns.NextLabel(cur, 0)
		if end {
			return nil
		}
		cur = cur[i:]
	}
}

// Apply makes a change in the zone, as its owner would: it deletes the
// removed records, then adds the added ones (a plan's change gives both:
// z.Apply(c.Removed(), c.Added())). It is how a test checks that following
// a plan leaves nothing to do.
func (z *Zone) Apply(removed, added []dnsrec.Record) error {
	for _, r := range removed {
		if err := z.RemoveRecord(r); err != nil {
			return err
		}
	}
	return z.AddRecords(added...)
}

// RemoveRecord deletes one record (compared as [dnsrec.Record.Equal] does).
// Deleting a record the zone does not hold is an error.
func (z *Zone) RemoveRecord(r dnsrec.Record) error {
	name, err := dnsrec.CanonicalName(r.Name)
	if err != nil {
		return fmt.Errorf("dnstest: %w", err)
	}
	code, ok := dns.StringToType[string(r.Type)]
	if !ok {
		return fmt.Errorf("dnstest: unknown record type %q", r.Type)
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	k := key{name, code}
	rrs := z.rrs[k]
	for i, rr := range rrs {
		if !record(rr).Equal(r) {
			continue
		}
		z.rrs[k] = append(rrs[:i:i], rrs[i+1:]...)
		if len(z.rrs[k]) == 0 {
			delete(z.rrs, k)
		}
		for cur := k.name; ; {
			if z.names[cur]--; z.names[cur] <= 0 {
				delete(z.names, cur)
			}
			i, end := dns.NextLabel(cur, 0)
			if end {
				break
			}
			cur = cur[i:]
		}
		return nil
	}
	return fmt.Errorf("dnstest: no record %s to remove", r)
}

// record converts a miekg/dns record to a dnsrec.Record.
func record(rr dns.RR) dnsrec.Record {
	f := rrconv.FromRR(rr)
	return dnsrec.Record{Name: f.Name, Type: dnsrec.Type(f.Type), TTL: f.TTL, Txt: f.Txt, Data: f.Data}
}
