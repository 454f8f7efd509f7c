package dnsrec_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// fuzzBytes hands out the fuzzer's bytes, then zeros.
type fuzzBytes []byte

func (b *fuzzBytes) next() byte {
	if len(*b) == 0 {
		return 0
	}
	c := (*b)[0]
	*b = (*b)[1:]
	return c
}

const chainNames = 16

var fuzzTTLs = []uint32{0, 1, 5, 30, 60, 300}

// chainRecords returns the zone-file lines that give name i of a fuzzed
// zone one of its shapes: a CNAME to the next name (long chains), a CNAME
// to any name (loops), TXT records, an address only (NODATA for TXT), or
// nothing (NXDOMAIN).
func chainRecords(b *fuzzBytes, names []string, i int) string {
	kind, ttl, x := b.next()%8, fuzzTTLs[int(b.next())%len(fuzzTTLs)], b.next()
	switch kind {
	case 0, 1, 2:
		target := "gone.z0.example."
		if i+1 < len(names) {
			target = names[i+1]
		}
		return fmt.Sprintf("%s %d IN CNAME %s\n", names[i], ttl, target)
	case 3:
		return fmt.Sprintf("%s %d IN CNAME %s\n", names[i], ttl, names[int(x)%len(names)])
	case 4, 5:
		s := fmt.Sprintf("%s %d IN TXT \"v%d\"\n", names[i], ttl, i)
		if x%2 == 1 {
			s += fmt.Sprintf("%s %d IN TXT \"w%d\"\n", names[i], ttl, i)
		}
		return s
	case 6:
		return fmt.Sprintf("%s %d IN A 192.0.2.%d\n", names[i], ttl, i)
	}
	return ""
}

// chainZone builds a zone of chainNames names from the fuzzer's bytes,
// each in its own zone or in the previous name's, every zone with an SOA
// whose TTL and MINIMUM are fuzzed (TTL 0 included).
func chainZone(b *fuzzBytes) (*dnstest.Zone, []string) {
	var text strings.Builder
	names := make([]string, chainNames)
	zone := 0
	for i := range names {
		if i == 0 || b.next()%4 != 0 {
			zone = i
			fmt.Fprintf(&text, "z%d.example. %d IN SOA ns.z%d.example. h.z%d.example. 1 7200 3600 1209600 %d\n",
				zone, fuzzTTLs[int(b.next())%len(fuzzTTLs)], zone, zone, fuzzTTLs[int(b.next())%len(fuzzTTLs)])
		}
		names[i] = fmt.Sprintf("n%d.z%d.example.", i, zone)
	}
	for i := range names {
		text.WriteString(chainRecords(b, names, i))
	}
	return dnstest.MustZone(text.String()), names
}

// shape is one name of a fuzzed zone, for writing seeds: see chainZone
// and chainRecords for the meaning of each byte.
type shape struct {
	newZone        bool
	soaTTL, soaMin byte
	kind, ttl, x   byte
}

// seed encodes a zone of chainNames shapes and the operations after it.
func seed(steps bool, shapes []shape, ops []byte) []byte {
	var b []byte
	if steps {
		b = append(b, 0)
	} else {
		b = append(b, 1)
	}
	for i, s := range shapes {
		switch {
		case i == 0:
			b = append(b, s.soaTTL, s.soaMin)
		case s.newZone:
			b = append(b, 1, s.soaTTL, s.soaMin)
		default:
			b = append(b, 0)
		}
	}
	for _, s := range shapes {
		b = append(b, s.kind, s.ttl, s.x)
	}
	return append(b, ops...)
}

// FuzzCacheChains: for random CNAME chains (lengths 0 to past the limit,
// loops, dangling targets, NODATA, TTLs from 0 to 300 s running out on an
// injected clock, records changing), a lookup through the cache returns
// what an uncached lookup returns: the same chain, records and NXDOMAIN,
// a TTL no longer, or a temporary failure where the uncached one fails.
// After a change to the zone, the cache may answer from what it held for
// as long as the TTLs allow, so answers are compared again once every
// TTL has run out. The cache follows chains link by link (over
// dnstest.Authoritative) or from whole answers (over the zone itself).
func FuzzCacheChains(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 64)) // one zone, every TTL 0
	for _, steps := range []bool{true, false} {
		// One straight chain through 16 zones, the last name a TXT record:
		// 15 CNAMEs from n0, 12 from n3 (the limit), none from n15. Look
		// up from the end, then from the start (chains in the cache), let
		// the CNAMEs (60 s) expire before the TXT (300 s), change a link.
		var straight []shape
		for range chainNames {
			straight = append(straight, shape{newZone: true, soaTTL: 5, soaMin: 3, kind: 0, ttl: 4})
		}
		straight[chainNames-1].kind, straight[chainNames-1].ttl = 4, 5
		var ops []byte
		for i := chainNames - 1; i >= 0; i-- {
			ops = append(ops, 0, byte(i))
		}
		for i := range chainNames {
			ops = append(ops, 0, byte(i), 6, byte(i))
		}
		ops = append(ops, 4, 4, 6, 3, 0, 3, 0, 0, 5, 7, 7, 8, 6, 1, 0)
		ops = append(ops, 0, 2, 0, 9, 4, 6, 0, 2, 0, 9, 0, 10)
		f.Add(seed(steps, straight, ops))
		// Loops through two and three zones, TTL 0 on one link, a name
		// with only an address (NODATA), one with nothing (NXDOMAIN), and
		// chains inside one zone that a server answers at once.
		mixed := []shape{
			{newZone: true, soaTTL: 5, soaMin: 4, kind: 3, ttl: 5, x: 1}, // n0 -> n1
			{newZone: true, soaTTL: 4, soaMin: 5, kind: 3, ttl: 0, x: 0}, // n1 -> n0, TTL 0
			{newZone: true, soaTTL: 5, soaMin: 3, kind: 3, ttl: 3, x: 3}, // n2 -> n3
			{newZone: false, kind: 3, ttl: 4, x: 5},                      // n3 -> n5, same zone as n2
			{newZone: true, soaTTL: 2, soaMin: 5, kind: 3, ttl: 5, x: 2}, // n4 -> n2 -> n3 -> n5
			{newZone: false, kind: 0, ttl: 5},                            // n5 -> n6
			{newZone: false, kind: 6, ttl: 5},                            // n6: an address only
			{newZone: true, soaTTL: 5, soaMin: 5, kind: 0, ttl: 1},       // n7 -> n8
			{newZone: false, kind: 7},                                    // n8: nothing
			{newZone: true, soaTTL: 3, soaMin: 4, kind: 5, ttl: 2, x: 1}, // n9: two TXT
			{newZone: true, soaTTL: 3, soaMin: 4, kind: 3, ttl: 5, x: 9}, // n10 -> n9
			{newZone: true, soaTTL: 3, soaMin: 4, kind: 3, ttl: 5, x: 12},
			{newZone: true, soaTTL: 3, soaMin: 4, kind: 3, ttl: 5, x: 13},
			{newZone: true, soaTTL: 3, soaMin: 4, kind: 3, ttl: 5, x: 11}, // n11 -> n12 -> n13 -> n11
			{newZone: true, soaTTL: 3, soaMin: 4, kind: 0, ttl: 4},
			{newZone: false, kind: 4, ttl: 3},
		}
		ops = nil
		for _, i := range []byte{0, 1, 4, 2, 3, 7, 8, 10, 9, 11, 12, 14, 15, 5, 6} {
			ops = append(ops, 0, i, 5, i)
		}
		ops = append(ops, 4, 1, 0, 4, 0, 7, 4, 3, 0, 10, 0, 4, 4, 5, 0, 4, 0, 7, 6, 10)
		ops = append(ops, 7, 6, 4, 5, 0, 0, 4, 0, 0, 4, 4, 6, 0, 4, 0, 2, 7, 1, 0, 4, 0, 0, 1, 4, 6, 0, 1, 0, 0)
		f.Add(seed(steps, mixed, ops))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b := fuzzBytes(data)
		steps := b.next()%2 == 0
		z, names := chainZone(&b)
		now := time.Unix(1_700_000_000, 0)
		var r dnsrec.Resolver = z
		if steps {
			r = dnstest.Authoritative{Zone: z}
		}
		c := &dnsrec.Cache{Resolver: r, FailureTTL: 30 * time.Second, MaxEntries: 24, Now: func() time.Time { return now }}
		ctx := context.Background()
		settled := now // answers are compared from then on
		compare := func(name string, typ dnsrec.Type, got *dnsrec.Answer, err error) {
			t.Helper()
			if now.Before(settled) {
				return
			}
			want, werr := z.Lookup(ctx, name, typ)
			switch {
			case werr != nil && err != nil:
				if !errors.Is(err, dnsrec.ErrTemporary) {
					t.Fatalf("%s %s: cached failure %v is not temporary (uncached: %v)", typ, name, err, werr)
				}
			case werr != nil || err != nil:
				t.Fatalf("%s %s: cached %v, %v; uncached %v, %v", typ, name, got, err, want, werr)
			default:
				if d := sameAnswer(got, want); d != "" {
					t.Fatalf("%s %s: %s", typ, name, d)
				}
			}
		}
		for range 64 {
			switch op := b.next() % 8; op {
			case 0, 1, 2, 3:
				name := names[int(b.next())%len(names)]
				a, err := c.Lookup(ctx, name, dnsrec.TypeTXT)
				compare(name, dnsrec.TypeTXT, a, err)
			case 4:
				now = now.Add([]time.Duration{0, time.Second, 4 * time.Second, 29 * time.Second, 61 * time.Second, 299 * time.Second, 301 * time.Second}[int(b.next())%7])
			case 5:
				name := names[int(b.next())%len(names)]
				a, err := c.Lookup(ctx, name, dnsrec.TypeCNAME)
				compare(name, dnsrec.TypeCNAME, a, err)
			case 6:
				name := names[int(b.next())%len(names)]
				if a, err := c.LookupInMemory(ctx, name, dnsrec.TypeTXT); !errors.Is(err, dnsrec.ErrNotInMemory) {
					compare(name, dnsrec.TypeTXT, a, err)
				}
			case 7: // the owner of a name changes its records
				i := int(b.next()) % len(names)
				for _, typ := range []dnsrec.Type{dnsrec.TypeCNAME, dnsrec.TypeTXT, dnsrec.TypeA} {
					z.Remove(names[i], typ)
				}
				if err := z.Add(chainRecords(&b, names, i)); err != nil {
					t.Fatal(err)
				}
				settled = now.Add(301 * time.Second) // every TTL, and FailureTTL, has run out
			}
		}
	})
}
