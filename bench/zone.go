package main

import (
	"context"
	"fmt"
	"net"
	"strings"
)

// rec is one record of a benchmark zone.
type rec struct {
	name, typ, value string // name without the trailing dot; value as in a zone file, TXT unquoted
}

// zone is the data every implementation reads, in memory or over DNS.
type zone []rec

// text renders the zone as master-file lines for dnstest.
func (z zone) text() string {
	var b strings.Builder
	for _, r := range z {
		v := r.value
		if r.typ == "TXT" {
			v = `"` + v + `"`
		}
		fmt.Fprintf(&b, "%s. 300 IN %s %s\n", r.name, r.typ, v)
	}
	return b.String()
}

// providerZone is shaped like a customer of a large mail provider: the
// customer's record has a and mx (two hosts) and three includes; the
// provider's record includes three net-block records, one of which includes
// a fourth, so the include tree is three levels deep; 60 IPv4 and 10 IPv6
// ranges in all; a vendor and a CRM include at the end. A check that fails
// asks 12 questions (13 for blitiri, which asks A and AAAA for every host).
func providerZone() zone {
	z := zone{
		{"customer.example", "TXT", "v=spf1 a mx include:_spf.provider.example include:_spf.crm.example include:spf.vendor.example ~all"},
		{"customer.example", "A", "198.51.100.80"},
		{"customer.example", "AAAA", "2001:db8:c::80"},
		{"customer.example", "MX", "10 mx1.customer.example."},
		{"customer.example", "MX", "20 mx2.customer.example."},
		{"mx1.customer.example", "A", "198.51.100.81"},
		{"mx1.customer.example", "AAAA", "2001:db8:c::81"},
		{"mx2.customer.example", "A", "198.51.100.82"},
		{"mx2.customer.example", "AAAA", "2001:db8:c::82"},
		{"_spf.provider.example", "TXT", "v=spf1 include:_netblocks.provider.example include:_netblocks2.provider.example include:_netblocks3.provider.example ~all"},
		{"_netblocks.provider.example", "TXT", "v=spf1 " + ranges4(0, 24) + " ~all"},
		{"_netblocks2.provider.example", "TXT", "v=spf1 " + ranges4(24, 24) + " ~all"},
		{"_netblocks3.provider.example", "TXT", "v=spf1 " + ranges6(10) + " include:_netblocks4.provider.example ~all"},
		{"_netblocks4.provider.example", "TXT", "v=spf1 " + ranges4(48, 12) + " ~all"},
		{"_spf.crm.example", "TXT", "v=spf1 ip4:203.0.113.0/26 ip4:203.0.113.128/26 -all"},
		{"spf.vendor.example", "TXT", "v=spf1 ip4:5.255.64.0/24 ip6:2001:db8:5::/48 -all"},
	}
	return z
}

// depthZone is a tree of includes depth levels deep under depthN.example:
// the root includes two records, the first of those two more, the first of
// those one more; every record holds ten IPv4 ranges.
func depthZone(depth int) (zone, string) {
	root := fmt.Sprintf("depth%d.example", depth)
	var z zone
	var add func(name string, level int)
	add = func(name string, level int) {
		var incs []string
		if level < depth {
			n := 2
			if level == 2 {
				n = 1
			}
			for i := 0; i < n; i++ {
				child := fmt.Sprintf("l%d%c.%s", level+1, 'a'+i, root)
				incs = append(incs, "include:"+child)
				if i == 0 {
					add(child, level+1)
				} else {
					z = append(z, rec{child, "TXT", "v=spf1 " + ranges4(100+level*10, 10) + " ~all"})
				}
			}
		}
		terms := append([]string{ranges4(level*10, 10)}, incs...)
		z = append(z, rec{name, "TXT", "v=spf1 " + strings.Join(terms, " ") + " -all"})
	}
	add(root, 0)
	return z, root
}

func ranges4(from, n int) string {
	var t []string
	for i := from; i < from+n; i++ {
		t = append(t, fmt.Sprintf("ip4:10.%d.%d.0/24", i/200, i%200))
	}
	return strings.Join(t, " ")
}

func ranges6(n int) string {
	var t []string
	for i := 0; i < n; i++ {
		t = append(t, fmt.Sprintf("ip6:2001:db8:%x::/48", 0x100+i))
	}
	return strings.Join(t, " ")
}

// mapResolver answers blitiri's questions from the zone, in memory.
type mapResolver struct {
	txt  map[string][]string
	mx   map[string][]*net.MX
	ip   map[string][]net.IPAddr
	name map[string]bool
}

func newMapResolver(z zone) *mapResolver {
	m := &mapResolver{txt: map[string][]string{}, mx: map[string][]*net.MX{}, ip: map[string][]net.IPAddr{}, name: map[string]bool{}}
	for _, r := range z {
		n := r.name
		m.name[n] = true
		switch r.typ {
		case "TXT":
			m.txt[n] = append(m.txt[n], r.value)
		case "MX":
			var pref uint16
			var host string
			fmt.Sscanf(r.value, "%d %s", &pref, &host)
			m.mx[n] = append(m.mx[n], &net.MX{Host: host, Pref: pref})
		case "A", "AAAA":
			m.ip[n] = append(m.ip[n], net.IPAddr{IP: net.ParseIP(r.value)})
		}
	}
	return m
}

func (m *mapResolver) notFound(name string) error {
	return &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (m *mapResolver) LookupTXT(_ context.Context, name string) ([]string, error) {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	if v, ok := m.txt[name]; ok {
		return v, nil
	}
	return nil, m.notFound(name)
}

func (m *mapResolver) LookupMX(_ context.Context, name string) ([]*net.MX, error) {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	if v, ok := m.mx[name]; ok {
		return v, nil
	}
	return nil, m.notFound(name)
}

func (m *mapResolver) LookupIPAddr(_ context.Context, name string) ([]net.IPAddr, error) {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	if v, ok := m.ip[name]; ok {
		return v, nil
	}
	return nil, m.notFound(name)
}

func (m *mapResolver) LookupAddr(_ context.Context, addr string) ([]string, error) {
	return nil, m.notFound(addr)
}
