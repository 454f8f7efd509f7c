package domaincheck

import (
	"context"
	"fmt"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
)

// checkReverse checks a server's forward-confirmed reverse DNS: a PTR
// record at its address whose name resolves back to it, which the large
// mailbox providers require of every sender.
func checkReverse(ctx context.Context, r dnsrec.Resolver, a *areaCheck, s Server) {
	ip := s.Address.Unmap()
	rev := dnsrec.ReverseName(ip)
	ptr := a.lookup(ctx, r, rev, dnsrec.TypePTR)
	if ptr == nil {
		return
	}
	helo := dnsrec.TrimDot(s.HELO)
	names := ptr.Targets()
	if len(names) == 0 {
		params := map[string]string{"address": ip.String(), "helo": helo}
		a.add(CodeNoPTR, plan.SeverityError, rev, ip.String(), params,
			fmt.Sprintf("%s has no PTR record: many receivers reject or mark mail from an address without reverse DNS", ip),
			fmt.Sprintf("ask the provider of %s to publish a PTR record naming %s", ip, helo))
		return
	}
	for _, host := range names {
		for _, t := range []dnsrec.Type{dnsrec.TypeA, dnsrec.TypeAAAA} {
			ans := a.lookup(ctx, r, host, t)
			if ans == nil {
				return // could not check: said once in Failed
			}
			for _, back := range ans.Addrs() {
				if back == ip {
					return
				}
			}
		}
	}
	host := dnsrec.TrimDot(names[0])
	params := map[string]string{"address": ip.String(), "host": host}
	a.add(CodePTRUnconfirmed, plan.SeverityError, rev, ip.String(), params,
		fmt.Sprintf("the PTR of %s names %s, which does not resolve back to %s: receivers treat the reverse DNS as missing (forward-confirmed reverse DNS fails)", ip, host, ip),
		fmt.Sprintf("publish an A record for %s pointing to %s, or change the PTR to a name that does", host, ip))
}
