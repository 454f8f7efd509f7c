package domaincheck

import (
	"context"
	"fmt"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
)

// checkBlocklists looks a server's address up in the DNS blocklists the
// caller named (RFC 5782): an A record at the reversed address under the
// list's zone means listed, and its TXT record says why.
func checkBlocklists(ctx context.Context, r dnsrec.Resolver, a *areaCheck, s Server, lists []string) {
	ip := s.Address.Unmap()
	for _, list := range lists {
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
		params := map[string]string{"address": ip.String(), "list": dnsrec.TrimDot(zone), "answer": ans.Addrs()[0].String(), "reason": reason}
		msg := fmt.Sprintf("%s is listed on %s (%s)", ip, params["list"], params["answer"])
		if reason != "" {
			msg += ": " + reason
		}
		a.add(CodeListed, plan.SeverityError, q, ip.String(), params, msg+"; receivers that use the list reject or mark the vendor's mail",
			"find out why at the list's web site and request removal once the cause is fixed")
	}
}
