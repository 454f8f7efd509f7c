package domaincheck

import (
	"context"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/resolve"
	"github.com/domainauth/domainauth/mailbox"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// VendorReport is what the vendor's own set-up looks like: the reverse DNS
// and HELO name of each of its servers, the blocklists the caller named,
// its own SPF record for its servers, and the key records its customers'
// selectors are delegated to. It is the same for every customer domain,
// checked once per batch, and the vendor's to fix, never a customer's.
type VendorReport struct {
	Vendor string `json:"vendor"`
	Area          // the sending area: status, findings, the failed question
	// Blocks says a finding is an error that makes receivers reject or
	// mark the mail of every customer (a server without forward-confirmed
	// reverse DNS, a listed address, a missing key record).
	Blocks bool `json:"blocks"`
	// Blocklists are the blocklist zones the servers were looked up in
	// (Checker.Blocklists); none were when empty.
	Blocklists []string `json:"blocklists,omitempty"`
	// Mailbox are the mailbox providers' rules about the vendor's servers
	// (reverse DNS of every sending address, the blocklists), for each
	// provider the profile names: the domain reports' sections refer to
	// them.
	Mailbox []mailbox.RuleResult `json:"mailbox,omitempty"`
	// keyProblems are the errors in each broken key record, by its
	// name, as the DKIM lint found them: In words them in its language.
	keyProblems map[string][]plan.Finding
}

// CheckVendor checks the vendor's own set-up once. [Checker.Check] and
// [Checker.CheckBatch] call it and attach the result to every report.
func (c *Checker) CheckVendor(ctx context.Context) *VendorReport {
	if err := c.validate(); err != nil {
		return &VendorReport{Area: Area{Name: AreaSending, Status: StatusNotChecked, Failed: err.Error(), Err: err}}
	}
	return c.vendor(ctx, resolve.Cached(c.Resolver))
}

func (c *Checker) vendor(ctx context.Context, r dnsrec.Resolver) *VendorReport {
	p := c.Profile
	a := &areaCheck{}
	for _, s := range p.Servers {
		checkReverse(ctx, r, a, s)
		checkHELO(ctx, r, a, s)
		checkBlocklists(ctx, r, a, s, c.Blocklists)
	}
	checkVendorSPF(ctx, r, a, p)
	problems := checkVendorKeys(ctx, r, a, p)
	rep := &VendorReport{Vendor: p.Name, Area: Area{Name: AreaSending, Findings: a.findings, Failed: a.failed, Err: a.err}, Blocklists: c.Blocklists, keyProblems: problems}
	rep.Blocks = plan.Worst(a.findings) == plan.SeverityError
	rep.status(rep.Blocks, false)
	rep.Mailbox = vendorRules(p, rep)
	return rep
}

// checkVendorSPF checks that the vendor's own records pass its servers:
// the include it hands out (with the customer's envelope), its bounce
// domain (with its own), or the target of the return-path delegation.
func checkVendorSPF(ctx context.Context, r dnsrec.Resolver, a *areaCheck, p *Profile) {
	var domain, what string
	switch p.Envelope.mode() {
	case EnvelopeVendor:
		domain, what = p.Envelope.Domain, "the vendor's bounce domain, which its mail carries in MAIL FROM"
	case EnvelopeReturnPath:
		domain, what = p.Envelope.Target, "the target of the customers' return-path delegation"
	default:
		t, err := spf.Parse("v=spf1 " + p.SPF)
		if p.SPF == "" || err != nil || len(t.Terms) != 1 || t.Terms[0].Mechanism != spf.MechInclude || strings.Contains(t.Terms[0].Domain, "%") {
			return
		}
		domain, what = t.Terms[0].Domain, "the include the vendor's customers add"
	}
	name, err := dnsrec.CanonicalName(domain)
	if err != nil {
		return
	}
	checker := &spf.Checker{Resolver: r}
	for _, s := range p.Servers {
		res := checker.CheckHost(ctx, s.Address, name, "postmaster@"+dnsrec.TrimDot(name), s.HELO)
		switch res.Status {
		case spf.StatusPass:
		case spf.StatusTempError:
			a.fail(res.Err)
		default:
			params := map[string]string{"domain": dnsrec.TrimDot(name), "address": s.Address.String(), "result": string(res.Status)}
			a.add(CodeVendorSPF, plan.SeverityError, name, s.Address.String(), params,
				fmt.Sprintf("the SPF record of %s, %s, gives %s for the vendor's server %s: %s", params["domain"], what, res.Status, s.Address, res.Summary()),
				fmt.Sprintf("authorize %s in the SPF record of %s", s.Address, params["domain"]))
		}
	}
}

// checkVendorKeys checks the key records behind the selectors customers
// delegate by CNAME: each must exist and hold a usable key, or every
// customer's signatures fail. It returns the errors found in each broken
// record, by the record's name.
func checkVendorKeys(ctx context.Context, r dnsrec.Resolver, a *areaCheck, p *Profile) map[string][]plan.Finding {
	var problems map[string][]plan.Finding
	for _, s := range p.DKIM {
		if s.Target == "" {
			continue
		}
		name, err := dnsrec.CanonicalName(s.Target)
		if err != nil {
			continue
		}
		ans := a.lookup(ctx, r, name, dnsrec.TypeTXT)
		if ans == nil {
			continue
		}
		params := map[string]string{"name": dnsrec.TrimDot(name), "selector": s.Selector}
		txts := ans.TXT()
		if len(txts) == 0 {
			a.add(CodeVendorKey, plan.SeverityError, name, s.Selector, params,
				fmt.Sprintf("the vendor's key record %s, which customers delegate the selector %s to, does not exist: every signature with it fails", params["name"], s.Selector),
				fmt.Sprintf("publish the key record at %s", params["name"]))
			continue
		}
		lint := dkim.Lint(dnsrec.JoinTXT(txts[0]))
		if plan.Worst(lint) == plan.SeverityError {
			var why []string
			for _, f := range lint {
				if f.Severity == plan.SeverityError {
					why = append(why, f.Message)
					if problems == nil {
						problems = map[string][]plan.Finding{}
					}
					problems[params["name"]] = append(problems[params["name"]], f)
				}
			}
			params["problem"] = strings.Join(why, "; ")
			a.add(CodeVendorKey, plan.SeverityError, name, s.Selector, params,
				fmt.Sprintf("the vendor's key record %s is broken: %s", params["name"], params["problem"]),
				fmt.Sprintf("publish the key record at %s again, exactly as generated", params["name"]))
		}
	}
	return problems
}
