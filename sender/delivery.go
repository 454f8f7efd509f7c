package sender

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// Codes of the delivery and sending checks' findings.
const (
	CodeNoMX            plan.Code = "delivery-no-mx"          // the domain has no MX record
	CodeNullMX          plan.Code = "delivery-null-mx"        // the domain declares it receives no mail (RFC 7505)
	CodeMXAddress       plan.Code = "delivery-mx-address"     // an MX record names an address instead of a host
	CodeMXUnresolved    plan.Code = "delivery-mx-unresolved"  // an MX host has no address
	CodeNoDomain        plan.Code = "delivery-no-domain"      // the domain does not exist
	CodeSOAValue        plan.Code = "delivery-soa-value"      // an SOA timer outside RFC 1912's ranges
	CodeDNSHost         plan.Code = "delivery-dns-host"       // who hosts the domain's DNS
	CodeNoPTR           plan.Code = "sending-no-ptr"          // a sending address has no PTR record
	CodePTRUnconfirmed  plan.Code = "sending-ptr-unconfirmed" // the PTR name does not resolve back to the address
	CodeHELOUnresolved  plan.Code = "sending-helo"            // the HELO name does not resolve to a sending address
	CodeHELOSPF         plan.Code = "sending-helo-spf"        // SPF for the HELO name does not pass
	CodeListed          plan.Code = "sending-blocklisted"     // a sending address is on a blocklist the caller named
	CodeVendorSPFFails  plan.Code = "spf-vendor-fails"        // check_host() does not pass for a sending address
	CodeVendorSPFPasses plan.Code = "spf-vendor-passes"       // check_host() passes for a sending address
)

// areaCheck collects an area's findings and the first DNS question that
// could not be answered.
type areaCheck struct {
	findings []plan.Finding
	failed   string
}

func (a *areaCheck) add(code plan.Code, sev plan.Severity, name, subject, msg, fix string) {
	a.findings = append(a.findings, plan.Finding{Code: code, Severity: sev, Name: name, Subject: subject,  Message: msg, Fix: fix})
}

// lookup asks r and records a temporary failure; it returns nil then.
func (a *areaCheck) lookup(ctx context.Context, r dnsrec.Resolver, name string, t dnsrec.Type) *dnsrec.Answer {
	ans, err := r.Lookup(ctx, name, t)
	if err != nil {
		if a.failed == "" {
			a.failed = describeFailure(err, name, t)
		}
		return nil
	}
	return ans
}

// describeFailure names the DNS question behind err: "TXT _dmarc.example.ch.
// (SERVFAIL)".
func describeFailure(err error, name string, t dnsrec.Type) string {
	var de *dnsrec.Error
	if errors.As(err, &de) {
		return de.Error()
	}
	if name != "" {
		return fmt.Sprintf("%s %s: %v", t, name, err)
	}
	return err.Error()
}

// delivery checks the customer domain's DNS beyond authentication: MX
// hosts, the SOA timers and who hosts the zone.
func delivery(ctx context.Context, r dnsrec.Resolver, name string) (*areaCheck, string) {
	a := &areaCheck{}
	domain := dnsrec.TrimDot(name)
	if mx := a.lookup(ctx, r, name, dnsrec.TypeMX); mx != nil {
		switch hosts := mx.MX(); {
		case mx.NXDomain:
			a.add(CodeNoDomain, plan.SeverityError, name, domain, fmt.Sprintf("%s does not exist in DNS: receivers reject mail from it", domain), "register the domain or correct its spelling")
		case len(hosts) == 0:
			a.add(CodeNoMX, plan.SeverityWarning, name, "MX", fmt.Sprintf("%s has no MX record: replies and bounces to its addresses cannot be delivered, and some receivers refuse mail from a domain that receives none", domain),
				"publish the MX records of the domain's mail provider")
		case len(hosts) == 1 && (hosts[0].Host == "." || hosts[0].Host == ""):
			a.add(CodeNullMX, plan.SeverityWarning, name, "MX", fmt.Sprintf("%s publishes a null MX (RFC 7505): it declares that it receives no mail, so replies to mail sent as it bounce", domain),
				"if replies should reach someone, publish the MX records of a mail provider instead")
		default:
			for _, h := range hosts {
				host := strings.TrimSuffix(h.Host, ".")
				if _, err := netip.ParseAddr(host); err == nil {
					a.add(CodeMXAddress, plan.SeverityError, name, h.Host, fmt.Sprintf("an MX record names the address %s; MX records must name a host (RFC 5321, Section 5.1), so many senders cannot deliver to it", host),
						"publish an A record for a host name (such as mail."+domain+") and name that host in the MX record")
					continue
				}
				addrs := 0
				for _, t := range []dnsrec.Type{dnsrec.TypeA, dnsrec.TypeAAAA} {
					if ans := a.lookup(ctx, r, h.Host, t); ans != nil {
						addrs += len(ans.Addrs())
					}
				}
				if addrs == 0 && a.failed == "" {
					a.add(CodeMXUnresolved, plan.SeverityError, name, h.Host, fmt.Sprintf("the MX host %s has no address: mail to %s cannot be delivered there", dnsrec.TrimDot(h.Host), domain),
						"correct the MX record, or publish the host's A record")
				}
			}
		}
	}
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
		sort.Strings(servers)
		for _, s := range servers {
			if host = dnsHostOf(s); host != "" {
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
			a.add(CodeDNSHost, plan.SeverityInfo, zone, host, fmt.Sprintf("the DNS of %s is hosted %s: the customer's changes are made there", dnsrec.TrimDot(zone), where), "")
		}
	}
	return a, host
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
		a.add(CodeSOAValue, plan.SeverityWarning, zone, fmt.Sprintf("%s=%d", field, v), msg, fix)
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
			"set expire between 1209600 and 2419200")
	}
	if minimum > 86400 {
		soa("minimum", minimum, fmt.Sprintf("the SOA minimum is %d seconds; it is how long a \"no such record\" answer is cached (RFC 2308, Section 5): a record added after someone looked for it (a new DKIM key) stays invisible that long", minimum),
			"set it to one to three hours (3600 to 10800), as RFC 2308 advises")
	}
}

// sending checks the vendor's side: for each sending address, a PTR whose
// name resolves back to it (forward-confirmed reverse DNS), the HELO name
// resolving to it with SPF passing for it, and the blocklists named.
func sending(ctx context.Context, r dnsrec.Resolver, p *Profile, blocklists []string) *areaCheck {
	a := &areaCheck{}
	helo, err := dnsrec.CanonicalName(p.HELO)
	if err != nil {
		a.add(CodeHELOUnresolved, plan.SeverityError, "", p.HELO, fmt.Sprintf("the HELO name %q is not a host name", p.HELO), "configure the servers to greet with their host name")
		return a
	}
	heloAddrs := map[netip.Addr]bool{}
	for _, t := range []dnsrec.Type{dnsrec.TypeA, dnsrec.TypeAAAA} {
		if ans := a.lookup(ctx, r, helo, t); ans != nil {
			for _, ip := range ans.Addrs() {
				heloAddrs[ip] = true
			}
		}
	}
	checker := &spf.Checker{Resolver: r}
	for _, ip := range p.SendingIPs {
		rev := dnsrec.ReverseName(ip)
		ptr := a.lookup(ctx, r, rev, dnsrec.TypePTR)
		switch {
		case ptr == nil:
		case len(ptr.Targets()) == 0:
			a.add(CodeNoPTR, plan.SeverityError, rev, ip.String(), fmt.Sprintf("%s has no PTR record: many receivers reject or mark mail from an address without reverse DNS", ip),
				fmt.Sprintf("ask the provider of %s to publish a PTR record naming %s", ip, dnsrec.TrimDot(helo)))
		default:
			confirmed := false
			for _, host := range ptr.Targets() {
				for _, t := range []dnsrec.Type{dnsrec.TypeA, dnsrec.TypeAAAA} {
					if ans := a.lookup(ctx, r, host, t); ans != nil {
						for _, back := range ans.Addrs() {
							confirmed = confirmed || back == ip.Unmap()
						}
					}
				}
			}
			if !confirmed && a.failed == "" {
				a.add(CodePTRUnconfirmed, plan.SeverityError, rev, ip.String(), fmt.Sprintf("the PTR of %s names %s, which does not resolve back to %s: receivers treat the reverse DNS as missing (forward-confirmed reverse DNS fails)", ip, dnsrec.TrimDot(ptr.Targets()[0]), ip),
					fmt.Sprintf("publish an A record for %s pointing to %s, or change the PTR to a name that does", dnsrec.TrimDot(ptr.Targets()[0]), ip))
			}
		}
		if len(heloAddrs) > 0 || a.failed == "" {
			if !heloAddrs[ip.Unmap()] {
				a.add(CodeHELOUnresolved, plan.SeverityError, helo, p.HELO, fmt.Sprintf("the HELO name %s does not resolve to %s: some receivers reject the greeting or mark the mail as spam", dnsrec.TrimDot(helo), ip),
					fmt.Sprintf("publish an A record for %s pointing to %s", dnsrec.TrimDot(helo), ip))
			}
		}
		if res := checker.CheckHELO(ctx, ip, dnsrec.TrimDot(helo)); res.Status == spf.TempError {
			if a.failed == "" {
				a.failed = describeFailure(res.Err, helo, dnsrec.TypeTXT)
			}
		} else if res.Status != spf.Pass && res.Status != spf.None {
			a.add(CodeHELOSPF, plan.SeverityWarning, helo, ip.String(), "SPF for the HELO name: "+res.Summary(), "authorize the sending address in the HELO name's SPF record")
		}
		for _, list := range blocklists {
			zone, err := dnsrec.CanonicalName(list)
			if err != nil {
				continue
			}
			q := dnsrec.ReversedIP(ip) + "." + zone
			ans := a.lookup(ctx, r, q, dnsrec.TypeA)
			if ans == nil || len(ans.Addrs()) == 0 {
				continue
			}
			reason := ""
			if txt := a.lookup(ctx, r, q, dnsrec.TypeTXT); txt != nil {
				for _, t := range txt.TXT() {
					reason = dnsrec.JoinTXT(t)
				}
			}
			msg := fmt.Sprintf("%s is listed on %s (%s)", ip, dnsrec.TrimDot(zone), ans.Addrs()[0])
			if reason != "" {
				msg += ": " + reason
			}
			a.add(CodeListed, plan.SeverityError, q, ip.String(), msg+"; receivers that use the list reject or mark the vendor's mail", "find out why at the list's web site and request removal once the cause is fixed")
		}
	}
	return a
}
