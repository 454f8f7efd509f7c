package domaincheck

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
)

// maxMX is how many MX hosts the delivery check resolves, in order of
// preference: RFC 7208, Section 4.6.4 lets SPF's mx look at 10, and a
// domain with more is checked no further.
const maxMX = 10

// existence is whether the domain can be checked at all.
type existence int

const (
	exists       existence = iota
	noDomain               // the name does not exist, but its registrable domain does
	notDelegated           // the registrable domain does not exist: not registered, or not delegated
)

// checkExistence tells a domain that does not exist from one that does,
// before anything is planned for it.
func checkExistence(ctx context.Context, r dnsrec.Resolver, a *areaCheck, name string) existence {
	ans := a.lookup(ctx, r, name, dnsrec.TypeTXT)
	if ans == nil || !ans.NXDomain {
		return exists
	}
	domain, zone := dnsrec.TrimDot(name), dnsrec.ZoneOf(name)
	params := map[string]string{"domain": domain, "zone": dnsrec.TrimDot(zone)}
	if zone != name {
		if z := a.lookup(ctx, r, zone, dnsrec.TypeSOA); z != nil && !z.NXDomain {
			a.add(CodeNoDomain, plan.SeverityError, name, domain, params,
				fmt.Sprintf("%s does not exist in DNS, although %s does: receivers reject mail from a domain that does not exist", domain, params["zone"]),
				fmt.Sprintf("check the spelling; if the name is right, create it in the zone %s", params["zone"]))
			return noDomain
		}
	}
	a.add(CodeNotDelegated, plan.SeverityError, name, params["zone"], params,
		fmt.Sprintf("%s does not exist in DNS: it is not registered, or it is registered but not delegated to any name servers", params["zone"]),
		fmt.Sprintf("register %s, or have its registrar delegate it to the DNS host's name servers, then check again", params["zone"]))
	return notDelegated
}

// delivery checks the customer domain's DNS beyond authentication: MX
// hosts, the SOA timers and who hosts the zone. Everything it finds is
// advice: none of it stops the vendor's mail from passing DMARC.
func delivery(ctx context.Context, r dnsrec.Resolver, name string) (*areaCheck, string) {
	a := &areaCheck{}
	checkMX(ctx, r, a, name)
	zone := dnsrec.ZoneOf(name)
	if soa := a.lookup(ctx, r, zone, dnsrec.TypeSOA); soa != nil {
		for _, rec := range soa.Records {
			if rec.Type == dnsrec.TypeSOA && strings.EqualFold(rec.Name, zone) {
				checkSOA(a, zone, rec.Data)
			}
		}
	}
	host := ""
	if ns := a.lookup(ctx, r, zone, dnsrec.TypeNS); ns != nil {
		servers := ns.Targets()
		slices.Sort(servers)
		for _, s := range servers {
			if h, ok := plan.HostForNS(s); ok {
				host = h.Name
				break
			}
		}
		if len(servers) > 0 {
			names := make([]string, len(servers))
			for i, s := range servers {
				names[i] = dnsrec.TrimDot(s)
			}
			where := "on the name servers " + strings.Join(names, ", ")
			if host != "" {
				where = "at " + host + " (" + strings.Join(names, ", ") + ")"
			}
			params := map[string]string{"zone": dnsrec.TrimDot(zone), "host": host, "servers": strings.Join(names, ", ")}
			a.add(CodeDNSHost, plan.SeverityInfo, zone, host, params, fmt.Sprintf("the DNS of %s is hosted %s: the customer's changes are made there", dnsrec.TrimDot(zone), where), "")
		}
	}
	return a, host
}

// checkMX checks the domain's MX hosts, at most maxMX of them in order of
// preference, their addresses asked concurrently.
func checkMX(ctx context.Context, r dnsrec.Resolver, a *areaCheck, name string) {
	domain := dnsrec.TrimDot(name)
	mx := a.lookup(ctx, r, name, dnsrec.TypeMX)
	if mx == nil || mx.NXDomain {
		return
	}
	hosts := mx.MX()
	slices.SortFunc(hosts, func(x, y dnsrec.MX) int {
		return cmp.Or(cmp.Compare(x.Preference, y.Preference), strings.Compare(x.Host, y.Host))
	})
	params := map[string]string{"domain": domain}
	switch {
	case len(hosts) == 0:
		a.add(CodeNoMX, plan.SeverityWarning, name, "MX", params, fmt.Sprintf("%s has no MX record: replies and bounces to its addresses cannot be delivered, and some receivers refuse mail from a domain that receives none", domain),
			"publish the MX records of the domain's mail provider")
		return
	case len(hosts) == 1 && (hosts[0].Host == "." || hosts[0].Host == ""):
		a.add(CodeNullMX, plan.SeverityInfo, name, "MX", params, fmt.Sprintf("%s publishes a null MX (RFC 7505): it receives no mail, so replies to mail sent as it bounce", domain),
			"if replies should reach someone, publish the MX records of a mail provider instead")
		return
	}
	if len(hosts) > maxMX {
		p := map[string]string{"domain": domain, "hosts": strconv.Itoa(len(hosts)), "checked": strconv.Itoa(maxMX)}
		a.add(CodeMXSkipped, plan.SeverityWarning, name, "MX", p, fmt.Sprintf("%s has %d MX records; the %d most preferred are checked, and SPF's mx mechanism fails with permerror at more than 10 (RFC 7208, Section 4.6.4)", domain, len(hosts), maxMX),
			"remove the MX records no one uses")
		hosts = hosts[:maxMX]
	}
	type resolved struct {
		addrs int
		err   error
	}
	out := make([]resolved, len(hosts))
	var wg sync.WaitGroup
	for i, h := range hosts {
		if _, err := netip.ParseAddr(strings.TrimSuffix(h.Host, ".")); err == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, t := range []dnsrec.Type{dnsrec.TypeA, dnsrec.TypeAAAA} {
				ans, err := r.Lookup(ctx, h.Host, t)
				if err != nil {
					out[i].err = err
					return
				}
				out[i].addrs += len(ans.Addrs())
			}
		}()
	}
	wg.Wait()
	for i, h := range hosts {
		host := strings.TrimSuffix(h.Host, ".")
		if _, err := netip.ParseAddr(host); err == nil {
			p := map[string]string{"domain": domain, "address": host}
			a.add(CodeMXAddress, plan.SeverityError, name, h.Host, p, fmt.Sprintf("an MX record names the address %s; MX records must name a host (RFC 5321, Section 5.1), so many senders cannot deliver to it", host),
				"publish an A record for a host name (such as mail."+domain+") and name that host in the MX record")
			continue
		}
		if out[i].err != nil {
			a.fail(out[i].err)
			continue
		}
		if out[i].addrs == 0 {
			p := map[string]string{"domain": domain, "host": host}
			a.add(CodeMXUnresolved, plan.SeverityError, name, h.Host, p, fmt.Sprintf("the MX host %s has no address: mail to %s cannot be delivered there", host, domain),
				"correct the MX record, or publish the host's A record")
		}
	}
}

// checkSOA compares the SOA timers with RFC 1912, Section 2.2, and the
// negative-caching TTL with RFC 2308, Section 5.
func checkSOA(a *areaCheck, zone, data string) {
	f := strings.Fields(data)
	if len(f) != 7 {
		return
	}
	val := func(i int) int64 { v, _ := strconv.ParseInt(f[i], 10, 64); return v }
	refresh, retry, expire, minimum := val(3), val(4), val(5), val(6)
	soa := func(field string, v int64, msg, fix string) {
		params := map[string]string{"zone": dnsrec.TrimDot(zone), "field": field, "value": strconv.FormatInt(v, 10)}
		a.add(CodeSOAValue, plan.SeverityWarning, zone, fmt.Sprintf("%s=%d", field, v), params, msg, fix)
	}
	if refresh < 1200 || refresh > 43200 {
		soa("refresh", refresh, fmt.Sprintf("the SOA refresh is %d seconds; RFC 1912 recommends 1200 to 43200 (20 minutes to 12 hours): secondary servers check for changes too often or too rarely", refresh),
			"set refresh between 1200 and 43200, or ask the DNS host to")
	}
	if retry >= refresh {
		soa("retry", retry, fmt.Sprintf("the SOA retry (%d seconds) is not shorter than refresh (%d): a failed transfer waits as long as a normal check (RFC 1912, Section 2.2)", retry, refresh),
			"set retry below refresh, typically 180 to 900 seconds")
	}
	if expire < 1209600 || expire > 2419200 {
		soa("expire", expire, fmt.Sprintf("the SOA expire is %d seconds; RFC 1912 recommends 2 to 4 weeks (1209600 to 2419200): secondaries stop answering for the zone too early, or serve stale data too long", expire),
			"set expire between 1209600 and 2419200, or ask the DNS host to; many hosts publish less, and mail is not affected")
	}
	if minimum > 86400 {
		soa("minimum", minimum, fmt.Sprintf("the SOA minimum is %d seconds; it is how long a \"no such record\" answer is cached (RFC 2308, Section 5): a record added after someone looked for it (a new DKIM key) stays invisible that long", minimum),
			"set it to one to three hours (3600 to 10800), as RFC 2308 advises")
	}
}
