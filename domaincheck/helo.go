package domaincheck

import (
	"context"
	"fmt"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// checkHELO checks the name a server greets with: it resolves to the
// server's address (some receivers reject a greeting that does not), and
// SPF for it (RFC 7208, Section 2.3) does not fail.
func checkHELO(ctx context.Context, r dnsrec.Resolver, a *areaCheck, s Server) {
	ip := s.Address.Unmap()
	helo, err := dnsrec.CanonicalName(s.HELO)
	if err != nil {
		return // Validate refuses it
	}
	shown := dnsrec.TrimDot(helo)
	resolves, checked := false, true
	for _, t := range []dnsrec.Type{dnsrec.TypeA, dnsrec.TypeAAAA} {
		ans := a.lookup(ctx, r, helo, t)
		if ans == nil {
			checked = false
			continue
		}
		for _, back := range ans.Addrs() {
			resolves = resolves || back == ip
		}
	}
	if checked && !resolves {
		params := map[string]string{"helo": shown, "address": ip.String()}
		a.add(CodeHELOUnresolved, plan.SeverityWarning, helo, ip.String(), params,
			fmt.Sprintf("the HELO name %s does not resolve to %s, the server that greets with it: some receivers reject the greeting or mark the mail as spam", shown, ip),
			fmt.Sprintf("publish an A record for %s pointing to %s, or configure the server to greet with a name that does", shown, ip))
	}
	res := (&spf.Checker{Resolver: r}).CheckHELO(ctx, ip, shown)
	switch res.Status {
	case spf.StatusTempError:
		a.fail(res.Err)
	case spf.StatusPass, spf.StatusNone:
	default:
		params := map[string]string{"helo": shown, "address": ip.String(), "result": string(res.Status)}
		a.add(CodeHELOSPF, plan.SeverityWarning, helo, ip.String(), params, "SPF for the HELO name: "+res.Summary(),
			fmt.Sprintf("authorize %s in the SPF record of %s", ip, shown))
	}
}
