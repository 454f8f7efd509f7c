package domaincheck

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// CodeVoidIPv6 is the finding that receivers differ on the domain's record
// for the vendor's IPv6 servers.
const CodeVoidIPv6 plan.Code = "spf-void-ipv6" // receivers differ on the record for the vendor's IPv6 servers: domain, terms, empty

// checkVoidIPv6 warns where receivers differ. For mail from an IPv6
// address, an mx or a term looks up AAAA records; a host with only A
// records answers with none. RFC 7208, Section 4.6.4 counts void lookups
// for the terms' names, but some receivers count every empty address
// answer and give permerror after two, where others, and this library,
// say pass. record is the SPF record the domain will publish (the plan's
// proposal, or the published one).
func checkVoidIPv6(ctx context.Context, r dnsrec.Resolver, p *Profile, domain, record string) *plan.Finding {
	v6 := false
	for _, s := range p.Servers {
		v6 = v6 || s.Address.Unmap().Is6()
	}
	if !v6 || record == "" {
		return nil
	}
	rec, err := spf.Parse(record)
	if err != nil {
		return nil
	}
	empty := 0
	var terms []string
	aaaaEmpty := func(host string) bool {
		a, err := r.Lookup(ctx, host, dnsrec.TypeAAAA)
		return err == nil && len(a.Addrs()) == 0
	}
	for _, t := range rec.Terms {
		target := t.Domain
		if strings.Contains(target, "%") {
			continue // a macro: the name depends on the message
		}
		if target == "" {
			target = domain
		}
		name, err := dnsrec.CanonicalName(target)
		if err != nil {
			continue
		}
		n := 0
		switch t.Mechanism {
		case spf.MechMX:
			mx, err := r.Lookup(ctx, name, dnsrec.TypeMX)
			if err != nil {
				continue
			}
			hosts := mx.MX()
			for i, h := range hosts {
				if i == maxMX {
					break
				}
				if aaaaEmpty(h.Host) {
					n++
				}
			}
		case spf.MechA:
			if aaaaEmpty(name) {
				n++
			}
		}
		if n > 0 {
			empty += n
			terms = append(terms, t.String())
		}
	}
	if empty <= 2 {
		return nil
	}
	shown := dnsrec.TrimDot(domain)
	params := map[string]string{"domain": shown, "terms": strings.Join(terms, " "), "empty": strconv.Itoa(empty)}
	return &plan.Finding{Code: CodeVoidIPv6, Severity: plan.SeverityWarning, Name: domain, Subject: strings.Join(terms, " "), Params: params,
		Message: fmt.Sprintf("for mail from the vendor's IPv6 servers, %s in the SPF record of %s look up %s addresses that do not exist (the hosts have IPv4 addresses only): RFC 7208 lets that pass, but some receivers count each empty answer as a void lookup and give permerror after two",
			params["terms"], shown, params["empty"]),
		Fix: fmt.Sprintf("replace %s by the hosts' ip4: networks (or the mail provider's include), so that no receiver counts empty answers", params["terms"])}
}
