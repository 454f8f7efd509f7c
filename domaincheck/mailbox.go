package domaincheck

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/i18n"
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
				res = mailbox.Worded(rule, mailbox.NotApplicable, CodeRuleNotBulk, 1, 0, map[string]string{"vendor": c.Profile.Name})
			case rule.CheckedBy(mailbox.CheckDNS) && rule.Party == plan.PartyVendor:
				res = pc.vendorRule(rule)
			case rule.CheckedBy(mailbox.CheckDNS):
				res = forRule(rule, outcomes[rule.Requirement])
			case rule.CheckedBy(mailbox.CheckElsewhere):
				res = elsewhere(rule)
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

// outcome makes a requirement's outcome, worded by variant msg of code's
// message in the message catalogue; the rule's ID and provider are filled
// in per provider ([forRule]).
func outcome(o mailbox.Outcome, code plan.Code, msg int, params map[string]string) mailbox.RuleResult {
	return mailbox.RuleResult{Outcome: o, Sentence: plan.SentenceOf(string(code), i18n.PartMessage, msg, params), Code: code, Params: params}
}

// forRule is a requirement's outcome as rule's result.
func forRule(rule mailbox.Rule, o mailbox.RuleResult) mailbox.RuleResult {
	o.Rule, o.Provider, o.Scope, o.Party = rule.ID, rule.Provider, rule.Scope, rule.Party
	return o
}

// elsewhere is the result of a rule that cannot be checked from here: where
// to look, worded by the variant of CodeRuleElsewhere that names the
// rule's page.
func elsewhere(rule mailbox.Rule) mailbox.RuleResult {
	res := mailbox.Result(rule, mailbox.Elsewhere, "not visible from here: see "+rule.Where)
	p := map[string]string{"url": rule.WhereURL()}
	if id := i18n.Default().Choose(string(CodeRuleElsewhere), i18n.PartMessage, p, res.Sentence); id != "" && plan.Sentence(id, p) == res.Sentence {
		res.Code, res.Params = CodeRuleElsewhere, p
	}
	return res
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
						res.Fix, res.FixCode, res.FixParams = f.Fix, f.Code, f.Params
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
				res.FixCode = CodeRuleStep
				res.FixParams = map[string]string{"step": strconv.Itoa(i + 1), "action": fmt.Sprint(ch.Action), "type": fmt.Sprint(ch.Type), "name": ch.Relative}
				res.Fix = plan.SentenceOf(string(CodeRuleStep), i18n.PartFix, 1, res.FixParams)
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
			return outcome(mailbox.NotChecked, CodeRuleNotChecked, 1, map[string]string{"question": describeFailure(pc.v.Err)}), true
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

// params are the values the SPF and DKIM rules' sentences are made of:
// the vendor, the envelope domain, the servers, those SPF does not pass
// for with their result, and why DKIM does not pass (an English clause, a
// finding's message).
func (pc *providerCheck) params(fails []string) map[string]string {
	return map[string]string{"vendor": pc.p.Name, "envelope": pc.envelope(), "servers": pc.servers(), "failing": strings.Join(fails, ", "), "problem": pc.v.DKIMDetail}
}

func (pc *providerCheck) spfOrDKIM() mailbox.RuleResult {
	if o, ok := pc.failed(AreaSPF, AreaDKIM); ok {
		return o
	}
	spfOK, fails := pc.spfPasses()
	p := pc.params(fails)
	switch {
	case pc.v.DKIM && spfOK:
		return outcome(mailbox.Met, CodeRuleSPFOrDKIM, 1, p)
	case pc.v.DKIM:
		return outcome(mailbox.Met, CodeRuleSPFOrDKIM, 2, p)
	case spfOK:
		return outcome(mailbox.Met, CodeRuleSPFOrDKIM, 3, p)
	}
	return pc.explain(outcome(mailbox.NotMet, CodeRuleSPFOrDKIM, 4, p), []AreaName{AreaDKIM, AreaSPF}, plan.StageDKIM, plan.StageSPF)
}

func (pc *providerCheck) spfAndDKIM() mailbox.RuleResult {
	if o, ok := pc.failed(AreaSPF, AreaDKIM); ok {
		return o
	}
	spfOK, fails := pc.spfPasses()
	p := pc.params(fails)
	switch {
	case pc.v.DKIM && spfOK:
		return outcome(mailbox.Met, CodeRuleSPFAndDKIM, 1, p)
	case !pc.v.DKIM:
		return pc.explain(outcome(mailbox.NotMet, CodeRuleSPFAndDKIM, 2, p), []AreaName{AreaDKIM}, plan.StageDKIM)
	}
	return pc.explain(outcome(mailbox.NotMet, CodeRuleSPFAndDKIM, 3, p), []AreaName{AreaSPF}, plan.StageSPF)
}

func (pc *providerCheck) keySize() mailbox.RuleResult {
	if pc.keysErr != nil {
		return outcome(mailbox.NotChecked, CodeRuleNotChecked, 1, map[string]string{"question": describeFailure(pc.keysErr)})
	}
	if len(pc.keys) == 0 {
		return pc.explain(outcome(mailbox.NotMet, CodeRuleKeySize, 1, map[string]string{"domain": dnsrec.TrimDot(pc.domain)}), []AreaName{AreaDKIM}, plan.StageDKIM)
	}
	var small, short []keyFound
	for _, k := range pc.keys {
		switch {
		case k.typ == dkim.KeyEd25519:
		case k.bits < 1024:
			small = append(small, k)
		case k.bits < 2048:
			short = append(short, k)
		}
	}
	if len(small) > 0 {
		return pc.explain(outcome(mailbox.NotMet, CodeRuleKeySize, 2+keyVariant(small), keyParams(small)), []AreaName{AreaDKIM}, plan.StageDKIM)
	}
	if len(short) > 0 {
		return outcome(mailbox.Met, CodeRuleKeySize, 4+keyVariant(short), keyParams(short))
	}
	k := pc.keys[0]
	if k.typ == dkim.KeyEd25519 {
		return outcome(mailbox.Met, CodeRuleKeySize, 6, keyParams(pc.keys[:1]))
	}
	return outcome(mailbox.Met, CodeRuleKeySize, 7, keyParams(pc.keys[:1]))
}

// keyVariant is 0 for the sentence about one key, 1 for several.
func keyVariant(ks []keyFound) int { return min(len(ks)-1, 1) }

// keyParams are the values a sentence about the keys ks is made of: the
// first key's name and bits, every key's name (keys) and every key's bits
// in the same order (allbits), as lists a sentence joins in its language.
func keyParams(ks []keyFound) map[string]string {
	names := make([]string, len(ks))
	bits := make([]string, len(ks))
	for i, k := range ks {
		names[i], bits[i] = k.name, strconv.Itoa(k.bits)
	}
	return map[string]string{"key": ks[0].name, "bits": bits[0], "keys": strings.Join(names, ", "), "allbits": strings.Join(bits, ", ")}
}

func (pc *providerCheck) dmarcPolicy() mailbox.RuleResult {
	if o, ok := pc.failed(AreaDMARC); ok {
		return o
	}
	p := map[string]string{"domain": dnsrec.TrimDot(pc.domain)}
	if d := pc.v.Discovery; d != nil && d.Record != nil {
		p["policy"], p["at"] = string(d.Policy), dnsrec.TrimDot(d.PolicyDomain)
		return outcome(mailbox.Met, CodeRuleDMARC, 1, p)
	}
	return pc.explain(outcome(mailbox.NotMet, CodeRuleDMARC, 2, p), []AreaName{AreaDMARC}, plan.StageDMARC)
}

func (pc *providerCheck) alignment() mailbox.RuleResult {
	if o, ok := pc.failed(AreaSPF, AreaDKIM, AreaDMARC); ok {
		return o
	}
	p := map[string]string{"vendor": pc.p.Name, "domain": dnsrec.TrimDot(pc.domain)}
	if pc.v.Pass {
		return outcome(mailbox.Met, CodeRuleAlignment, pc.v.howVariant(), p)
	}
	return pc.explain(outcome(mailbox.NotMet, CodeRuleAlignment, 5, p), []AreaName{AreaDKIM, AreaSPF}, plan.StageDKIM, plan.StageSPF)
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
			out = append(out, forRule(rule, o))
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
			res.Code, res.Params = vr.Code, vr.Params
			if vr.Outcome == mailbox.NotMet {
				res = mailbox.Worded(rule, vr.Outcome, CodeRuleVendor, 1, 0, map[string]string{"vendor": pc.p.Name})
			}
			return res
		}
	}
	return mailbox.Worded(rule, mailbox.NotChecked, CodeRuleNotChecked, 2, 0, nil)
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
	res := mailbox.RuleResult{Outcome: mailbox.NotMet, Sentence: f.Message, Code: f.Code, Params: f.Params}
	res.Finding, res.FindingName, res.Fix = f.Code, dnsrec.TrimDot(f.Name), f.Fix
	if f.Fix != "" {
		res.FixCode, res.FixParams = f.Code, f.Params
	}
	return res
}

func fcrdns(p *Profile, vr *VendorReport) mailbox.RuleResult {
	switch f := vendorFinding(vr, CodeNoPTR, CodePTRUnconfirmed); {
	case f != nil:
		return fromVendor(f)
	case vr.Failed != "":
		return outcome(mailbox.NotChecked, CodeRuleNotChecked, 1, map[string]string{"question": vr.Failed})
	}
	v4, v6 := 0, 0
	for _, s := range p.Servers {
		if s.Address.Unmap().Is4() {
			v4++
		} else {
			v6++
		}
	}
	return outcome(mailbox.Met, CodeRuleFCrDNS, 1, map[string]string{"vendor": p.Name, "four": strconv.Itoa(v4), "six": strconv.Itoa(v6), "servers": servers(p)})
}

func notListed(p *Profile, vr *VendorReport) mailbox.RuleResult {
	switch f := vendorFinding(vr, CodeListed); {
	case len(vr.Blocklists) == 0:
		return outcome(mailbox.NotApplicable, CodeRuleNotListed, 1, nil)
	case f != nil:
		return fromVendor(f)
	case vr.Failed != "":
		return outcome(mailbox.NotChecked, CodeRuleNotChecked, 1, map[string]string{"question": vr.Failed})
	}
	return outcome(mailbox.Met, CodeRuleNotListed, 2, map[string]string{"vendor": p.Name, "servers": servers(p), "lists": strings.Join(vr.Blocklists, ", ")})
}
