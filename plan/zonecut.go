package plan

import (
	"context"
	"slices"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
)

// maxZoneWalk bounds the names the zone-cut walk asks about: a name has at
// most this many labels below its registrable domain that are looked at.
const maxZoneWalk = 8

// zoneCut is the zone that holds a name, found in DNS.
type zoneCut struct {
	zone string // the zone's apex, absolute
	// operator names the zone's name servers ("ns1.dmarc-service.example")
	// when the zone is delegated apart from the registrable domain's and
	// served by other servers: someone else makes the change there.
	operator string
}

// findZone finds the zone that really holds name: the nearest name at or
// above it, up to its registrable domain, that holds an SOA record of its
// own (RFC 1034, Section 4.2: the SOA is at the top of a zone), each
// question asked once through r. A subdomain delegated to another operator
// (_dmarc.customer.example served by a DMARC service's name servers) is its
// own zone, and its change is that operator's. When DNS does not say, the
// registrable domain under the Public Suffix List is the zone.
func findZone(ctx context.Context, r dnsrec.Resolver, name string) zoneCut {
	registrable := dnsrec.ZoneOf(name)
	cand := strings.ToLower(name)
	for i := 0; i < maxZoneWalk && dnsrec.IsSubdomain(cand, registrable) && cand != registrable; i++ {
		if isApex(ctx, r, cand) {
			cut := zoneCut{zone: cand}
			own, theirs := nameServers(ctx, r, cand), nameServers(ctx, r, registrable)
			if len(own) > 0 && !slices.Equal(own, theirs) {
				cut.operator = strings.Join(own, ", ")
			}
			return cut
		}
		j := strings.IndexByte(cand, '.')
		if j < 0 || j == len(cand)-1 {
			break
		}
		cand = cand[j+1:]
	}
	return zoneCut{zone: registrable}
}

// isApex reports whether name holds an SOA record of its own.
func isApex(ctx context.Context, r dnsrec.Resolver, name string) bool {
	a, err := r.Lookup(ctx, name, dnsrec.TypeSOA)
	if err != nil {
		return false
	}
	for _, rec := range a.Records {
		if rec.Type == dnsrec.TypeSOA && strings.EqualFold(rec.Name, name) {
			return true
		}
	}
	return false
}

// nameServers returns the sorted names of the name servers of zone, without
// the trailing dot.
func nameServers(ctx context.Context, r dnsrec.Resolver, zone string) []string {
	a, err := r.Lookup(ctx, zone, dnsrec.TypeNS)
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range a.Targets() {
		out = append(out, dnsrec.TrimDot(t))
	}
	slices.Sort(out)
	return out
}

// setHost names the DNS host of the change's zone and the name its form
// wants (see [DNSHost.FormName]), from the zone's name servers.
func (c *Change) setHost(ctx context.Context, r dnsrec.Resolver) {
	h, ok := hostOf(ctx, r, c.Zone)
	if !ok {
		return
	}
	c.Host = h.Name
	if name, known := h.FormName(c.Name, c.Zone); known {
		c.HostForm, c.FormName = h.Form, name
	}
}

// hostOf returns the DNS host of zone, from its name servers (asked through
// r, which caches: once per zone in a plan): the host of the first of them,
// in name order, that the catalogue knows.
func hostOf(ctx context.Context, r dnsrec.Resolver, zone string) (DNSHost, bool) {
	for _, ns := range nameServers(ctx, r, zone) {
		if h, ok := HostForNS(ns); ok {
			return h, true
		}
	}
	return DNSHost{}, false
}
