package domaincheck

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// verdict is the one answer to "may the vendor send as this domain
// today": what [Checker.Check] reports as MaySend and Ready, and what a
// [Verifier] allows a sender address by. It is worked out from DNS the way
// receivers work it out: check_host() for each of the vendor's servers
// with the envelope domain the vendor really uses, the vendor's DKIM keys
// at the domain, and the domain's DMARC policy applied to both.
type verdict struct {
	// Envelope is the MAIL FROM domain SPF is evaluated for (canonical).
	Envelope string
	Servers  []serverVerdict
	// DKIM: every one of the vendor's selectors is published as expected,
	// so the vendor's signatures (d= the domain) verify and align.
	DKIM       bool
	DKIMDetail string
	// DKIMMissing names the selectors (selector._domainkey.domain) not
	// set up as the vendor expects.
	DKIMMissing []string
	// Everyone is a probe address outside the vendor's that the SPF record
	// passes too, with the term that passed it: such a record authorizes
	// anyone, not the vendor, and its pass does not count.
	Everyone     netip.Addr
	EveryoneTerm string
	// Discovery is the DMARC policy that applies to the domain.
	Discovery *dmarc.Discovery
	// Pass: DMARC passes for the mail of every server (aligned SPF or
	// aligned DKIM). SPFAligned and DKIMAligned say through which, for
	// every server.
	Pass, SPFAligned, DKIMAligned bool
	// PolicyMet: the published policy is at least the profile's minimum.
	PolicyMet bool
	// HardFail lists the servers whose mail gets SPF fail with the
	// customer's domain (or a return-path name under it) in MAIL FROM:
	// receivers reject such mail before DMARC is evaluated, whatever DKIM
	// says. Always empty with the vendor's own bounce domain.
	HardFail []string
	// Err is the first temporary DNS failure, and Failed the area it
	// touched; the verdict is then incomplete.
	Err    error
	Failed AreaName
}

// serverVerdict is the verdict for the mail of one server.
type serverVerdict struct {
	Server Server
	SPF    *spf.Result
	DMARC  *dmarc.Verdict
}

// probes are addresses no vendor sends from (reserved and documentation
// ranges, one in each quarter of the IPv4 space and across IPv6): an SPF
// record that passes one of them passes far more than the vendor's servers
// (+all, ip4:0.0.0.0/1 with its complement, an exists: term over a
// wildcard record), and its pass proves nothing about the vendor.
var probes = [...]netip.Addr{
	netip.MustParseAddr("0.255.255.254"),                          // 0.0.0.0/8, "this network" (RFC 6890)
	netip.MustParseAddr("100.127.255.254"),                        // 100.64.0.0/10, shared address space (RFC 6598)
	netip.MustParseAddr("169.254.255.254"),                        // 169.254.0.0/16, link local (RFC 3927)
	netip.MustParseAddr("198.19.255.254"),                         // 198.18.0.0/15, benchmarking (RFC 2544)
	netip.MustParseAddr("100::ffff"),                              // 100::/64, discard only (RFC 6666)
	netip.MustParseAddr("2001:db8:ffff:ffff:ffff:ffff:ffff:fffe"), // documentation (RFC 3849)
	netip.MustParseAddr("fe80::ffff:ffff:ffff:fffe"),              // link local (RFC 4291)
}

// envelopeDomain returns the MAIL FROM domain the vendor's mail to domain
// (canonical) carries.
func (p *Profile) envelopeDomain(domain string) string {
	switch p.Envelope.mode() {
	case EnvelopeVendor:
		if n, err := dnsrec.CanonicalName(p.Envelope.Domain); err == nil {
			return n
		}
	case EnvelopeReturnPath:
		if n, err := dnsrec.CanonicalName(p.Envelope.Name + "." + domain); err == nil {
			return n
		}
	}
	return domain
}

// vendorOwns reports whether ip is one the vendor said it sends from.
func (p *Profile) vendorOwns(ip netip.Addr) bool {
	for _, s := range p.Servers {
		if s.Address.Unmap() == ip {
			return true
		}
	}
	for _, a := range p.Addresses {
		if a.Contains(ip) {
			return true
		}
	}
	return false
}

// decide works out the verdict for domain (canonical) through r. keys are
// the reports of the profile's DKIM key checks (p.keyChecks(domain), in
// order), as the domain's plan already holds them: they are read, not
// checked again.
func (p *Profile) decide(ctx context.Context, r dnsrec.Resolver, domain string, keys []*plan.Report) *verdict {
	v := &verdict{Envelope: p.envelopeDomain(domain), SPFAligned: true, DKIMAligned: true, Pass: true}
	fail := func(err error, area AreaName) {
		if v.Err == nil {
			v.Err, v.Failed = err, area
		}
	}
	var err error
	v.DKIM, v.DKIMDetail, v.DKIMMissing, err = keysPublished(p.keyChecks(domain), keys)
	if err != nil {
		fail(err, AreaDKIM)
	}
	checker := &spf.Checker{Resolver: r} // with a trace: the findings quote its summary
	sender := "postmaster@" + dnsrec.TrimDot(v.Envelope)
	anyPass := false
	for _, s := range p.Servers {
		res := checker.CheckHost(ctx, s.Address, v.Envelope, sender, s.HELO)
		if res.Status == spf.StatusTempError {
			fail(res.Err, AreaSPF)
		}
		anyPass = anyPass || res.Status == spf.StatusPass
		if res.Status == spf.StatusFail && p.Envelope.mode() != EnvelopeVendor {
			v.HardFail = append(v.HardFail, s.Address.String())
		}
		v.Servers = append(v.Servers, serverVerdict{Server: s, SPF: res})
	}
	if anyPass {
		quick := &spf.Checker{Resolver: r, NoTrace: true}
		for _, ip := range probes {
			if p.vendorOwns(ip) {
				continue
			}
			if res := quick.CheckHost(ctx, ip, v.Envelope, sender, "probe.invalid"); res.Status == spf.StatusPass {
				v.Everyone, v.EveryoneTerm = ip, res.Term
				break
			}
		}
	}
	for i := range v.Servers {
		sv := &v.Servers[i]
		spfPass := sv.SPF.Status == spf.StatusPass && !v.Everyone.IsValid()
		d, err := dmarc.Evaluate(ctx, r, dmarc.Input{From: domain,
			SPF:  dmarc.Identifier{Domain: v.Envelope, Pass: spfPass},
			DKIM: []dmarc.Identifier{{Domain: domain, Pass: v.DKIM}}})
		if err != nil {
			fail(err, AreaDMARC)
			v.Pass, v.SPFAligned, v.DKIMAligned = false, false, false
			continue
		}
		sv.DMARC = d
		v.Discovery = d.Discovery
		v.Pass = v.Pass && d.Pass
		v.SPFAligned = v.SPFAligned && d.SPFAligned
		v.DKIMAligned = v.DKIMAligned && d.DKIMAligned
	}
	if len(v.Servers) == 0 {
		v.Pass, v.SPFAligned, v.DKIMAligned = false, false, false
	}
	if v.Discovery != nil && v.Discovery.Record != nil {
		v.PolicyMet = policyRank(v.Discovery.Policy) >= policyRank(p.DMARC.minimum())
	}
	return v
}

// policyRank orders policies: none < quarantine < reject.
func policyRank(p dmarc.Policy) int {
	switch p {
	case dmarc.PolicyNone:
		return 1
	case dmarc.PolicyQuarantine:
		return 2
	case dmarc.PolicyReject:
		return 3
	}
	return 0
}

// accepted reports whether the vendor's mail as the domain gets through
// today: DMARC passes for every server and none gets SPF fail on the
// customer's envelope.
func (v *verdict) accepted() bool { return v.Err == nil && v.Pass && len(v.HardFail) == 0 }

// Ready reports whether the vendor may send as the domain today with the
// outcome the profile requires.
func (v *verdict) ready() bool { return v.accepted() && v.PolicyMet }

// howVariant is the variant of CodeRuleAlignment's message that says
// what [verdict.how] says.
func (v *verdict) howVariant() int {
	switch {
	case v.SPFAligned && v.DKIMAligned:
		return 1
	case v.DKIMAligned:
		return 2
	case v.SPFAligned:
		return 3
	}
	return 4
}

// how says through which mechanism DMARC passes: "SPF and DKIM pass and
// align".
func (v *verdict) how() string {
	switch {
	case v.SPFAligned && v.DKIMAligned:
		return "SPF and DKIM pass and align"
	case v.DKIMAligned:
		return "DKIM passes and aligns"
	case v.SPFAligned:
		return "SPF passes and aligns"
	}
	return "DMARC passes"
}

// keysPublished reads the reports of the DKIM checks (one per check, in
// order): whether every check holds; if not, why the first that does not,
// and the names of all that do not.
func keysPublished(checks []dkim.KeyCheck, reports []*plan.Report) (ok bool, detail string, missing []string, err error) {
	for i, kc := range checks {
		if i >= len(reports) || reports[i] == nil {
			return false, "the DKIM selector " + kc.Selector + " was not checked", nil, errNotChecked
		}
		d := reports[i]
		if d.Err != nil {
			return false, d.Err.Error(), nil, d.Err
		}
		if d.Satisfied {
			continue
		}
		missing = append(missing, kc.Selector+"._domainkey."+dnsrec.TrimDot(kc.Domain))
		if detail == "" {
			detail = "the DKIM selector " + kc.Selector + " is not set up"
			for _, f := range d.Findings {
				if f.Severity == plan.SeverityError {
					detail = f.Message
					break
				}
			}
		}
	}
	if len(missing) > 0 {
		return false, detail, missing, nil
	}
	return true, "the DKIM selectors are set up", nil, nil
}

// errNotChecked is a verdict asked without the key checks' reports: a bug
// in this package, never the customer's DNS.
var errNotChecked = errors.New("domaincheck: the DKIM key checks were not run")

// keyReports checks the profile's DKIM selectors at domain: the reports
// decide reads, for a caller without the domain's plan (the Verifier).
func (p *Profile) keyReports(ctx context.Context, r dnsrec.Resolver, domain string) []*plan.Report {
	checks := p.keyChecks(domain)
	reports := make([]*plan.Report, len(checks))
	for i, kc := range checks {
		rep, err := kc.Require(ctx, r)
		if err != nil {
			rep = &plan.Report{About: kc.About(), Err: err}
		}
		reports[i] = rep
	}
	return reports
}

// describeFailure names the DNS question behind err: "lookup TXT
// _dmarc.example.ch. (SERVFAIL)".
func describeFailure(err error) string {
	var de *dnsrec.Error
	if errors.As(err, &de) {
		return de.Error()
	}
	return strings.TrimPrefix(err.Error(), "spf: ")
}

// spfBlocks reports whether the verdict needs the SPF area fixed: DMARC
// fails and SPF does not align where it could (the envelope on the
// customer's domain or a return-path name under it), or a server gets SPF
// fail there.
func (v *verdict) spfBlocks(p *Profile) bool {
	if v.Err != nil {
		return false
	}
	return len(v.HardFail) > 0 || v.spfUnaligned(p)
}

// spfUnaligned reports whether DMARC fails and SPF does not align where it
// could: then every server's SPF result short of pass blocks.
func (v *verdict) spfUnaligned(p *Profile) bool {
	return v.Err == nil && !v.Pass && p.Envelope.mode() != EnvelopeVendor && !v.SPFAligned
}

// spfFindings are what the verdict says about SPF for each server, with
// fixes that name the plan's step, or the ways out when there is none.
// A server's SPF result is an error when it blocks (fail on the customer's
// envelope, or anything short of pass while DMARC fails for want of
// aligned SPF), advice (a warning) when it does not.
func (v *verdict) spfFindings(p *Profile, domain string, step func(plan.Stage) string, out wayOut) []plan.Finding {
	var fs []plan.Finding
	blocks := v.spfUnaligned(p)
	shown := dnsrec.TrimDot(domain)
	env := dnsrec.TrimDot(v.Envelope)
	if v.Everyone.IsValid() {
		params := map[string]string{"domain": env, "probe": v.Everyone.String(), "term": v.EveryoneTerm}
		sev := plan.SeverityWarning
		if blocks {
			sev = plan.SeverityError
		}
		fs = append(fs, plan.Finding{Code: CodeSPFEveryone, Severity: sev, Name: v.Envelope, Subject: v.EveryoneTerm, Params: params,
			Message: fmt.Sprintf("the SPF record of %s passes %s too, an address no one sends from (through %q): it authorizes anyone, so its pass proves nothing about %s and does not count", env, v.Everyone, v.EveryoneTerm, p.Name),
			Fix:     "list the domain's real senders and end the record in ~all or -all; no change is proposed, since only the customer knows its senders"})
	}
	vendorMode := p.Envelope.mode() == EnvelopeVendor
	for _, sv := range v.Servers {
		res, ip := sv.SPF, sv.Server.Address.String()
		params := map[string]string{"domain": env, "address": ip}
		switch res.Status {
		case spf.StatusPass:
			fs = append(fs, plan.Finding{Code: CodeVendorSPFPasses, Severity: plan.SeverityInfo, Name: v.Envelope, Subject: ip, Params: params, Message: res.Summary()})
		case spf.StatusTempError:
		default:
			fix := ""
			switch {
			case vendorMode:
				fix = fmt.Sprintf("%s is the vendor's own bounce domain: the vendor fixes its SPF record", env)
			case step(plan.StageSPF) != "":
				fix = step(plan.StageSPF)
			case out.Fix != "" && (res.Status == spf.StatusFail || res.Status == spf.StatusSoftFail):
				fix = out.Fix
				params["ways"], params["vendor"] = out.Ways, p.Name
				if out.Ways == "vendor" {
					params["target"] = dnsrec.TrimDot(p.Envelope.Target)
				}
				if out.Includes != "" {
					params["includes"] = out.Includes
				}
			default:
				fix = "no SPF change is proposed: see the findings above for why"
			}
			sev, why := plan.SeverityWarning, ""
			hard := res.Status == spf.StatusFail && !vendorMode
			switch {
			case hard:
				sev = plan.SeverityError
				why = "; receivers that check SPF reject it before DMARC is evaluated (policyd-spf by default, Exchange's SPF hard fail rule), so the mail bounces whatever DKIM says"
			case blocks:
				sev = plan.SeverityError
			case vendorMode:
				why = "; the vendor's own problem, which does not block the customer's domain"
			case res.Status == spf.StatusSoftFail:
				why = "; advice, not blocking: receivers count softfail against the mail in their spam score but do not reject it, and DMARC passes through DKIM"
			default:
				why = "; advice, not blocking: DMARC passes through DKIM"
			}
			summary := res.Summary()
			if why != "" {
				summary = strings.TrimSuffix(summary, ".")
			}
			params["result"], params["fix"] = string(res.Status), fix
			fs = append(fs, plan.Finding{Code: CodeVendorSPFFails, Severity: sev, Name: v.Envelope, Subject: ip, Params: params,
				Message: fmt.Sprintf("mail from %s with %s in MAIL FROM gets SPF %s today: %s%s", ip, env, res.Status, summary, why),
				Fix:     fix})
		}
	}
	if vendorMode {
		params := map[string]string{"domain": shown, "envelope": env}
		fs = append(fs, plan.Finding{Code: CodeSPFUnaligned, Severity: plan.SeverityInfo, Name: domain, Subject: env, Params: params,
			Message: fmt.Sprintf("the vendor's mail carries its own bounce domain %s in MAIL FROM, so SPF never aligns with %s: DMARC passes through DKIM alone, and the SPF record of %s needs no change for the vendor", env, shown, shown)})
	}
	return fs
}
