package domaincheck

import (
	"context"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/mailbox"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// ProviderSection is how a customer domain, sent as by the vendor, stands
// against one mailbox provider's rules that can be checked in DNS (see
// package mailbox): the customer's (SPF, DKIM and its key size, DMARC and
// alignment), each with the finding that explains it and the step of the
// report's plan that fixes it, and the vendor's (reverse DNS of every
// sending address, the blocklists the Checker names), taken from the
// vendor's report, which is checked once. Rules that cannot be checked
// from here say where to look. The message-side rules are checked on a
// message: [mailbox.MessageChecker].
type ProviderSection struct {
	Provider mailbox.Provider `json:"provider"`
	// CustomerCompliant: every rule of the customer's DNS is met or does
	// not apply. VendorCompliant: the same for the rules about the
	// vendor's servers. Neither affects Ready.
	CustomerCompliant bool                 `json:"customer_compliant"`
	VendorCompliant   bool                 `json:"vendor_compliant"`
	Rules             []mailbox.RuleResult `json:"rules"`
}

// providerCheck holds what the per-provider sections are made of: the
// verdict, the report's areas and plan, and the vendor's report.
type providerCheck struct {
	p        *Profile
	domain   string // canonical
	v        *verdict
	rep      *DomainReport
	customer plan.Changes
	keys     []keyFound
	keysErr  error
}

// keyFound is the key published at one of the vendor's selectors.
type keyFound struct {
	name string
	typ  dkim.KeyType
	bits int
}

// mailboxSections works out the section of each provider the profile
// names. It asks DNS only for the key records at the vendor's selectors
// (answered from the check's cache); everything else comes from the
// verdict, the plan and the vendor's report.
func (c *Checker) mailboxSections(ctx context.Context, r dnsrec.Resolver, name string, v *verdict, rep *DomainReport) []ProviderSection {
	pc := &providerCheck{p: c.Profile, domain: name, v: v, rep: rep, customer: rep.Plan.Changes.For(plan.PartyCustomer)}
	for _, s := range c.Profile.DKIM {
		kn, err := dkim.Name(s.Selector, name)
		if err != nil {
			continue
		}
		ans, err := r.Lookup(ctx, kn, dnsrec.TypeTXT)
		if err != nil {
			pc.keysErr = err
			continue
		}
		for _, txt := range ans.TXT() {
			if rec, err := dkim.Parse(dnsrec.JoinTXT(txt)); err == nil {
				if pub, err := rec.PublicKey(); err == nil {
					pc.keys = append(pc.keys, keyFound{name: dnsrec.TrimDot(kn), typ: dkim.TypeOf(pub), bits: dkim.KeyBits(pub)})
				}
			}
		}
	}
	outcomes := map[mailbox.Requirement]mailbox.RuleResult{
		mailbox.ReqSPFOrDKIM:      pc.spfOrDKIM(),
		mailbox.ReqSPFAndDKIM:     pc.spfAndDKIM(),
		mailbox.ReqDKIMKeySize:    pc.keySize(),
		mailbox.ReqDMARCPolicy:    pc.dmarcPolicy(),
		mailbox.ReqDMARCAlignment: pc.alignment(),
	}
	var out []ProviderSection
	for _, prov := range c.Profile.providers() {
		sec := ProviderSection{Provider: prov, CustomerCompliant: true, VendorCompliant: true}
		for _, rule := range mailbox.RulesOf(prov) {
			var res mailbox.RuleResult
			switch {
			case rule.CheckedBy(mailbox.CheckDNS) && !rule.AppliesTo(c.Profile.BulkSender):
				res = mailbox.Result(rule, mailbox.NotApplicable, fmt.Sprintf("applies to bulk senders only, and the profile says %s is not one (bulk_sender)", c.Profile.Name))
			case rule.CheckedBy(mailbox.CheckDNS) && rule.Party == plan.PartyVendor:
				res = pc.vendorRule(rule)
			case rule.CheckedBy(mailbox.CheckDNS):
				o := outcomes[rule.Requirement]
				res = mailbox.Result(rule, o.Outcome, o.Sentence)
				res.Finding, res.FindingName, res.Step, res.Fix = o.Finding, o.FindingName, o.Step, o.Fix
			case rule.CheckedBy(mailbox.CheckElsewhere):
				res = mailbox.Result(rule, mailbox.Elsewhere, "not visible from here: see "+rule.Where)
			default:
				continue // checked on a message
			}
			if res.Outcome == mailbox.NotMet || res.Outcome == mailbox.NotChecked {
				if rule.Party == plan.PartyVendor {
					sec.VendorCompliant = false
				} else {
					sec.CustomerCompliant = false
				}
			}
			sec.Rules = append(sec.Rules, res)
		}
		out = append(out, sec)
	}
	return out
}

// outcome makes a requirement's outcome; the rule's ID and provider are
// filled in per provider.
func outcome(o mailbox.Outcome, sentence string) mailbox.RuleResult {
	return mailbox.RuleResult{Outcome: o, Sentence: sentence}
}

// explain adds the finding behind an outcome and the step of the plan
// that fixes it: the first error finding of the areas, in order (else the
// first warning), and the customer's change of the first of stages the
// plan holds. With no such change, the finding's own fix stays: it says
// why none is proposed.
func (pc *providerCheck) explain(res mailbox.RuleResult, areas []AreaName, stages ...plan.Stage) mailbox.RuleResult {
	for _, sev := range []plan.Severity{plan.SeverityError, plan.SeverityWarning} {
		for _, an := range areas {
			a := pc.rep.Area(an)
			if a == nil || res.Finding != "" {
				continue
			}
			for _, f := range a.Findings {
				if f.Severity == sev {
					res.Finding, res.FindingName = f.Code, dnsrec.TrimDot(f.Name)
					if res.Fix == "" {
						res.Fix = f.Fix
					}
					break
				}
			}
		}
	}
	for _, st := range stages {
		for i, ch := range pc.customer {
			if ch.Stage == st {
				res.Step = i + 1
				res.Fix = stepRef(i, ch)
				return res
			}
		}
	}
	return res
}

// failed returns a could-not-check outcome when the verdict's DNS
// question for one of the areas failed.
func (pc *providerCheck) failed(areas ...AreaName) (mailbox.RuleResult, bool) {
	if pc.v.Err == nil {
		return mailbox.RuleResult{}, false
	}
	for _, a := range areas {
		if pc.v.Failed == a {
			return outcome(mailbox.NotChecked, "could not check: DNS did not answer for "+describeFailure(pc.v.Err)), true
		}
	}
	return mailbox.RuleResult{}, false
}

// spfPasses reports whether SPF passes for every server, and the servers
// it does not pass for, with the result.
func (pc *providerCheck) spfPasses() (bool, []string) {
	var fails []string
	for _, sv := range pc.v.Servers {
		if sv.SPF.Status != spf.StatusPass || pc.v.Everyone.IsValid() {
			fails = append(fails, fmt.Sprintf("%s (%s)", sv.Server.Address, sv.SPF.Status))
		}
	}
	return len(pc.v.Servers) > 0 && len(fails) == 0, fails
}

func (pc *providerCheck) envelope() string { return dnsrec.TrimDot(pc.v.Envelope) }

func (pc *providerCheck) spfOrDKIM() mailbox.RuleResult {
	if o, ok := pc.failed(AreaSPF, AreaDKIM); ok {
		return o
	}
	spfOK, fails := pc.spfPasses()
	switch {
	case pc.v.DKIM && spfOK:
		return outcome(mailbox.Met, fmt.Sprintf("DKIM is set up as %s signs, and SPF passes for its servers with %s in MAIL FROM", pc.p.Name, pc.envelope()))
	case pc.v.DKIM:
		return outcome(mailbox.Met, fmt.Sprintf("DKIM is set up as %s signs (SPF does not pass for %s)", pc.p.Name, strings.Join(fails, ", ")))
	case spfOK:
		return outcome(mailbox.Met, fmt.Sprintf("SPF passes for %s with %s in MAIL FROM (DKIM is not set up)", pc.servers(), pc.envelope()))
	}
	return pc.explain(outcome(mailbox.NotMet, fmt.Sprintf("neither passes: %s, and SPF for %s does not pass for %s", pc.v.DKIMDetail, pc.envelope(), strings.Join(fails, ", "))),
		[]AreaName{AreaDKIM, AreaSPF}, plan.StageDKIM, plan.StageSPF)
}

func (pc *providerCheck) spfAndDKIM() mailbox.RuleResult {
	if o, ok := pc.failed(AreaSPF, AreaDKIM); ok {
		return o
	}
	spfOK, fails := pc.spfPasses()
	switch {
	case pc.v.DKIM && spfOK:
		return outcome(mailbox.Met, fmt.Sprintf("DKIM is set up as %s signs, and SPF passes for %s with %s in MAIL FROM", pc.p.Name, pc.servers(), pc.envelope()))
	case !pc.v.DKIM:
		return pc.explain(outcome(mailbox.NotMet, "DKIM does not pass: "+pc.v.DKIMDetail), []AreaName{AreaDKIM}, plan.StageDKIM)
	}
	return pc.explain(outcome(mailbox.NotMet, fmt.Sprintf("SPF for %s does not pass for %s", pc.envelope(), strings.Join(fails, ", "))), []AreaName{AreaSPF}, plan.StageSPF)
}

func (pc *providerCheck) keySize() mailbox.RuleResult {
	if pc.keysErr != nil {
		return outcome(mailbox.NotChecked, "could not check: DNS did not answer for "+describeFailure(pc.keysErr))
	}
	if len(pc.keys) == 0 {
		return pc.explain(outcome(mailbox.NotMet, fmt.Sprintf("no DKIM key is published at the vendor's selectors of %s yet", dnsrec.TrimDot(pc.domain))), []AreaName{AreaDKIM}, plan.StageDKIM)
	}
	var small, short []string
	for _, k := range pc.keys {
		switch {
		case k.typ == dkim.KeyEd25519:
		case k.bits < 1024:
			small = append(small, fmt.Sprintf("%s (%d bits)", k.name, k.bits))
		case k.bits < 2048:
			short = append(short, fmt.Sprintf("%s (%d bits)", k.name, k.bits))
		}
	}
	if len(small) > 0 {
		return pc.explain(outcome(mailbox.NotMet, "the DKIM key at "+strings.Join(small, ", ")+" is below 1024 bits: receivers ignore its signatures (RFC 8301, Section 3.2)"), []AreaName{AreaDKIM}, plan.StageDKIM)
	}
	k := pc.keys[0]
	if len(short) > 0 {
		return outcome(mailbox.Met, "the DKIM key at "+strings.Join(short, ", ")+" has at least 1024 bits; 2048 are recommended")
	}
	if k.typ == dkim.KeyEd25519 {
		return outcome(mailbox.Met, fmt.Sprintf("the DKIM key at %s is an Ed25519 key", k.name))
	}
	return outcome(mailbox.Met, fmt.Sprintf("the DKIM key at %s has %d bits", k.name, k.bits))
}

func (pc *providerCheck) dmarcPolicy() mailbox.RuleResult {
	if o, ok := pc.failed(AreaDMARC); ok {
		return o
	}
	if d := pc.v.Discovery; d != nil && d.Record != nil {
		return outcome(mailbox.Met, fmt.Sprintf("the DMARC policy of %s is p=%s (published at %s)", dnsrec.TrimDot(pc.domain), d.Policy, dnsrec.TrimDot(d.PolicyDomain)))
	}
	return pc.explain(outcome(mailbox.NotMet, fmt.Sprintf("%s publishes no DMARC policy a receiver can read", dnsrec.TrimDot(pc.domain))), []AreaName{AreaDMARC}, plan.StageDMARC)
}

func (pc *providerCheck) alignment() mailbox.RuleResult {
	if o, ok := pc.failed(AreaSPF, AreaDKIM, AreaDMARC); ok {
		return o
	}
	if pc.v.Pass {
		return outcome(mailbox.Met, fmt.Sprintf("for the mail of every server of %s, %s with %s", pc.p.Name, pc.v.how(), dnsrec.TrimDot(pc.domain)))
	}
	return pc.explain(outcome(mailbox.NotMet, fmt.Sprintf("neither SPF nor DKIM passes and aligns with %s for the mail of every server of %s", dnsrec.TrimDot(pc.domain), pc.p.Name)),
		[]AreaName{AreaDKIM, AreaSPF}, plan.StageDKIM, plan.StageSPF)
}

// servers lists the vendor's sending addresses.
func (pc *providerCheck) servers() string { return servers(pc.p) }

func servers(p *Profile) string {
	var out []string
	for _, s := range p.Servers {
		out = append(out, s.Address.Unmap().String())
	}
	return strings.Join(out, ", ")
}

// vendorRules are the provider rules about the vendor's own servers
// (forward-confirmed reverse DNS of every sending address, the blocklists
// the Checker names), for each provider the profile names, worked out
// once from the vendor's report: each not met names the finding of the
// vendor's report behind it and its fix.
func vendorRules(p *Profile, vr *VendorReport) []mailbox.RuleResult {
	outcomes := map[mailbox.Requirement]mailbox.RuleResult{
		mailbox.ReqFCrDNS:    fcrdns(p, vr),
		mailbox.ReqNotListed: notListed(p, vr),
	}
	var out []mailbox.RuleResult
	for _, prov := range p.providers() {
		for _, rule := range mailbox.RulesOf(prov) {
			o, ok := outcomes[rule.Requirement]
			if !ok || rule.Party != plan.PartyVendor || !rule.CheckedBy(mailbox.CheckDNS) {
				continue
			}
			res := mailbox.Result(rule, o.Outcome, o.Sentence)
			res.Finding, res.FindingName, res.Fix = o.Finding, o.FindingName, o.Fix
			out = append(out, res)
		}
	}
	return out
}

// vendorRule is the domain section's line for a rule about the vendor's
// servers: its outcome from the vendor's report, which alone names the
// finding (the vendor's problem is told once, in the vendor's section).
func (pc *providerCheck) vendorRule(rule mailbox.Rule) mailbox.RuleResult {
	if pc.rep.Vendor != nil {
		for _, vr := range pc.rep.Vendor.Mailbox {
			if vr.Rule != rule.ID {
				continue
			}
			res := mailbox.Result(rule, vr.Outcome, vr.Sentence)
			if vr.Outcome == mailbox.NotMet {
				res.Sentence = fmt.Sprintf("%s's servers do not meet it: see the vendor's section", pc.p.Name)
			}
			return res
		}
	}
	return mailbox.Result(rule, mailbox.NotChecked, "the vendor's set-up was not checked")
}

// vendorFinding is the first finding of the vendor's report with one of
// the codes.
func vendorFinding(vr *VendorReport, codes ...plan.Code) *plan.Finding {
	for i, f := range vr.Findings {
		for _, c := range codes {
			if f.Code == c {
				return &vr.Findings[i]
			}
		}
	}
	return nil
}

// fromVendor makes the outcome of a vendor rule from a finding of the
// vendor's report.
func fromVendor(f *plan.Finding) mailbox.RuleResult {
	res := outcome(mailbox.NotMet, f.Message)
	res.Finding, res.FindingName, res.Fix = f.Code, dnsrec.TrimDot(f.Name), f.Fix
	return res
}

func fcrdns(p *Profile, vr *VendorReport) mailbox.RuleResult {
	switch f := vendorFinding(vr, CodeNoPTR, CodePTRUnconfirmed); {
	case f != nil:
		return fromVendor(f)
	case vr.Failed != "":
		return outcome(mailbox.NotChecked, "could not check: DNS did not answer for "+vr.Failed)
	}
	v4, v6 := 0, 0
	for _, s := range p.Servers {
		if s.Address.Unmap().Is4() {
			v4++
		} else {
			v6++
		}
	}
	return outcome(mailbox.Met, fmt.Sprintf("every sending address of %s (%s: %s) has a PTR record whose name resolves back to it", p.Name, family(v4, v6), servers(p)))
}

// family says how many IPv4 and IPv6 addresses there are.
func family(v4, v6 int) string {
	return fmt.Sprintf("%s, %s", plural(v4, "IPv4 address", "IPv4 addresses"), plural(v6, "IPv6 address", "IPv6 addresses"))
}

func notListed(p *Profile, vr *VendorReport) mailbox.RuleResult {
	switch f := vendorFinding(vr, CodeListed); {
	case len(vr.Blocklists) == 0:
		return outcome(mailbox.NotApplicable, "no blocklist is enabled to look the sending addresses up in (Checker.Blocklists, domaincheck -blocklists)")
	case f != nil:
		return fromVendor(f)
	case vr.Failed != "":
		return outcome(mailbox.NotChecked, "could not check: DNS did not answer for "+vr.Failed)
	}
	return outcome(mailbox.Met, fmt.Sprintf("no sending address of %s (%s) is listed on %s", p.Name, servers(p), strings.Join(vr.Blocklists, ", ")))
}
