package dmarc

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/resolve"
	"github.com/domainauth/domainauth/plan"
)

// Recommend is the requirement "the domain publishes at least this DMARC
// policy, with these report addresses": what a vendor tells its customers.
// It implements [plan.Requirement].
//
// The policy is reached in stages, so that no step makes the customer's
// own mail fail: first p=none with aggregate reports (receivers change
// nothing, and the reports show which mail would fail); then the
// recommended policy, once the vendor's DKIM keys (DKIM) are published,
// the domain already publishes a record with the recommended report
// addresses, and the reports have shown that all of the domain's
// legitimate mail passes (ReportsPass). The recommendation says what the
// next stage is and what must be true first.
type Recommend struct {
	Domain   string
	Settings Settings // the recommended record (see Build): the last stage
	Rules    Rules
	// DKIM are the vendor's selectors for the domain. The policy is
	// tightened past p=none only when every one of them is published as
	// expected; with none given, it never is.
	DKIM []dkim.KeyCheck
	// ReportsPass says that the domain's aggregate reports show all of its
	// legitimate mail passing DMARC (package feedback's Summarize answers it:
	// ReportSummary.SafeToTighten). Only the reports can tell, so the zero
	// value never tightens a policy past p=none.
	ReportsPass bool
	// ReportsMissing, when ReportsPass is false, says what the reports
	// still lack ("9 of 14 days of reports"), in place of the general
	// condition.
	ReportsMissing string
}

// Recommendation is what [Recommend.Check] found.
type Recommendation struct {
	plan.Report
	Domain   string
	Current  string // the record at _dmarc.<domain>, "" when none
	Proposed string // the record to publish now ("" or Current when nothing changes)
	// Next is the record of the following stage, "" when Proposed is the
	// recommendation itself; NextWhen says what must be true before it is
	// published.
	Next, NextWhen string
}

// Reason and finding codes of Recommend.
const (
	ReasonPolicy       plan.Code = "dmarc-policy"          // publish or tighten the DMARC record
	CodeStaged         plan.Code = "dmarc-staged"          // the recommended policy waits for a later stage: domain, policy, now, whendkim, whenreports, keys, rua, detail, next (whendkim and whenreports name what must be true first, the others their values)
	CodeReportsMissing plan.Code = "dmarc-reports-missing" // the record does not send reports to a recommended address: domain, addresses
	CodeTighten        plan.Code = "dmarc-tighten"         // the policy is below the stage it can reach now: domain, policy, stage
)

// About implements [plan.Requirement]: "_dmarc.example.ch publishes
// p=quarantine or stricter, with aggregate reports to ...", in the DMARC
// stage, of the customer.
func (rc Recommend) About() plan.About {
	params := map[string]string{"domain": displayDomain(rc.Domain)}
	goal, err := Build(rc.Settings)
	if err != nil {
		return plan.WordedAbout(ReasonPolicy, 2, params, plan.StageDMARC, plan.PartyCustomer)
	}
	var to []string
	for _, u := range goal.RUA {
		to = append(to, u.Address())
	}
	params["policy"], params["reports"] = string(goal.EffectivePolicy()), strings.Join(to, ", ")
	return plan.WordedAbout(ReasonPolicy, 1, params, plan.StageDMARC, plan.PartyCustomer)
}

// displayDomain is a domain as a person typed it, canonical when it can be.
func displayDomain(d string) string {
	if name, err := dnsrec.CanonicalName(d); err == nil {
		return dnsrec.TrimDot(name)
	}
	return d
}

// Require implements [plan.Requirement].
func (rc Recommend) Require(ctx context.Context, r dnsrec.Resolver) (*plan.Report, error) {
	res, err := rc.Check(ctx, r)
	if err != nil {
		return nil, err
	}
	return &res.Report, nil
}

// Check works out the record to publish now: the current stage's record
// when the domain has none; otherwise the current record made at least as
// strict as the stage (p, sp and np never loosened), with the recommended
// report addresses added to the customer's own, tags the rules removed
// dropped (pct becomes t=y under RFC 9989 when it was below 100), and
// everything else kept. A record meant as DMARC that does not parse, a
// second DMARC record and an SPF record at _dmarc are replaced, never left
// beside the new one.
func (rc Recommend) Check(ctx context.Context, r dnsrec.Resolver) (*Recommendation, error) {
	if err := rc.Rules.Validate(); err != nil {
		return nil, err
	}
	goal, err := Build(rc.Settings)
	if err != nil {
		return nil, err
	}
	name, err := dnsrec.ParseDomain("Domain", rc.Domain)
	if err != nil {
		return nil, fmt.Errorf("dmarc: Recommend: %w", err)
	}
	r = resolve.Cached(r)
	qname := "_dmarc." + name
	res := &Recommendation{Domain: dnsrec.TrimDot(name)}
	res.About = rc.About()
	set, err := dnsrec.ReadSet(ctx, r, qname, dnsrec.TypeTXT)
	if err != nil {
		return nil, fmt.Errorf("dmarc: %w", err)
	}
	cur, current := rc.currentRecord(set)
	if len(current) > 0 {
		res.Current = current[0].Value()
		if cur == nil {
			res.Findings = append(res.Findings, rc.Rules.Lint(res.Current)...)
		}
	}
	stage, when, err := rc.stage(ctx, r, goal, cur)
	if err != nil {
		return nil, err
	}
	e := &policyEdit{name: qname, rules: rc.Rules, want: stage}
	proposed, err := e.apply(set)
	if err != nil {
		return nil, err
	}
	for _, rec := range proposed {
		if isDMARC(rec.Value()) {
			res.Proposed = rec.Value()
		}
	}
	if stage != goal {
		now, _, err := rc.Rules.parse(res.Proposed)
		if err != nil {
			now = orEmpty(cur)
		}
		res.Next = mergeRecords(now, goal, rc.Rules).String()
		res.NextWhen = when.english()
		params := map[string]string{"domain": res.Domain, "policy": string(goal.EffectivePolicy()), "now": string(now.EffectivePolicy()), "next": res.Next}
		for k, v := range when {
			params[k] = v
		}
		res.Findings = append(res.Findings, plan.Worded(plan.Finding{Code: CodeStaged, Severity: plan.SeverityInfo, Name: qname, Subject: "p=" + string(goal.EffectivePolicy()),
			Params: nonEmptyParams(params)}, 1, 1))
	}
	res.Satisfied = cur != nil && len(current) == 1 && mergeRecords(cur, goal, rc.Rules).Equal(cur) && dnsrec.SameSet(proposed, set)
	if !dnsrec.SameSet(proposed, set) {
		res.Findings = plan.AppendNew(rc.explain(qname, res.Domain, set, cur, current, stage), res.Findings...)
		edit := plan.Edit{Name: qname, Type: dnsrec.TypeTXT, Party: plan.PartyCustomer, Stage: plan.StageDMARC,
			Reason: e.reason(res.Domain, cur), Apply: e.apply, Verify: e.verify}
		res.Edits = append(res.Edits, edit)
	}
	// The report destinations of the proposed record must accept reports.
	final := orEmpty(cur)
	if p, _, err := rc.Rules.parse(res.Proposed); err == nil && res.Proposed != "" {
		final = p
	}
	rep, err := rc.Rules.AuthorizeReports(ctx, r, res.Domain, final)
	if err != nil {
		return nil, err
	}
	res.Findings = append(res.Findings, proposedOnly(rep.Findings, cur)...)
	for _, ed := range rep.Edits {
		for _, u := range goal.RUA {
			if strings.EqualFold(ed.Reason.Params["destination"], u.Domain()) {
				ed.Party = plan.PartyVendor
			}
		}
		res.Edits = append(res.Edits, ed)
	}
	if len(rep.Edits) > 0 {
		res.Satisfied = false
	}
	return res, nil
}

func orEmpty(r *Record) *Record {
	if r == nil {
		return &Record{}
	}
	return r
}

// currentRecord returns the parsed current record (nil when there is none
// or it does not parse) and the records meant as DMARC, sorted.
func (rc Recommend) currentRecord(set []dnsrec.Record) (*Record, []dnsrec.Record) {
	var current []dnsrec.Record
	for _, rec := range set {
		if meantAsDMARC(rec.Value()) {
			current = append(current, rec)
		}
	}
	sort.Slice(current, func(i, j int) bool { return current[i].Value() < current[j].Value() })
	for _, rec := range current {
		if p, _, err := rc.Rules.parse(rec.Value()); err == nil {
			return p, current
		}
	}
	return nil, current
}

// stage returns the record to aim for now, and (when it is not the goal)
// what must be true before the goal.
func (rc Recommend) stage(ctx context.Context, r dnsrec.Resolver, goal, cur *Record) (*Record, conditions, error) {
	if goal.EffectivePolicy() == PolicyNone && goal.SubdomainPolicy == "" && goal.NonexistentPolicy == "" {
		return goal, nil, nil
	}
	// t=y is a step below its policy: p=quarantine; t=y has yet to reach
	// p=quarantine.
	partial := cur != nil && cur.Testing() && !goal.Testing() && cur.EffectivePolicy() == goal.EffectivePolicy()
	if cur != nil && cur.EffectivePolicy().strictness() >= goal.EffectivePolicy().strictness() && !partial {
		return goal, nil, nil // already there: never loosened, nothing to wait for
	}
	var missing []string
	for _, kc := range rc.DKIM {
		d, err := kc.Check(ctx, r)
		if err != nil {
			return nil, nil, err
		}
		if !d.Satisfied {
			missing = append(missing, dnsrec.TrimDot(d.Name))
		}
	}
	conds := conditions{}
	switch {
	case len(rc.DKIM) == 0:
		conds["whendkim"] = "dkim-unchecked"
	case len(missing) > 0:
		conds["whendkim"], conds["keys"] = "dkim-missing", strings.Join(missing, ", ")
	}
	hasReports := cur != nil
	for _, u := range goal.RUA {
		found := false
		if cur != nil {
			for _, have := range cur.RUA {
				found = found || strings.EqualFold(have.URI, u.URI)
			}
		}
		hasReports = hasReports && found
	}
	switch {
	case !hasReports:
		conds["whenreports"], conds["rua"] = "reports-none", ruaList(goal)
	case !rc.ReportsPass && rc.ReportsMissing != "":
		conds["whenreports"], conds["detail"] = "reports-short", rc.ReportsMissing
	case !rc.ReportsPass:
		conds["whenreports"] = "reports-fail"
	}
	if len(conds) == 0 {
		return goal, nil, nil
	}
	stage := *goal
	stage.Policy, stage.SubdomainPolicy, stage.NonexistentPolicy, stage.Pct, stage.Test = PolicyNone, "", "", "", ""
	return &stage, conds, nil
}

// conditions are what must be true before a stricter policy is safe, as
// the parameters of the finding that says so: whendkim and whenreports
// name clauses of the catalogue's set dmarc-when (dkim-unchecked,
// dkim-missing; reports-none, reports-short, reports-fail), and keys, rua
// and detail are their values.
type conditions map[string]string

// english is the conditions in English, as Result.NextWhen gives them.
func (c conditions) english() string {
	cat := i18n.Default()
	var parts []string
	for _, k := range []string{"whendkim", "whenreports"} {
		if s := cat.Clause(i18n.English, "dmarc-when", c[k], c); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", and ")
}

// ruaList is the report addresses of r, as a parameter list.
func ruaList(r *Record) string {
	var to []string
	for _, u := range r.RUA {
		to = append(to, u.Address())
	}
	return strings.Join(to, ", ")
}

// nonEmptyParams returns params without its empty values.
func nonEmptyParams(params map[string]string) map[string]string {
	for k, v := range params {
		if v == "" {
			delete(params, k)
		}
	}
	return params
}

// meantAsDMARC reports whether a TXT value is a DMARC record or was meant as
// one: it starts with v=DMARC1 in any case, with spaces anywhere around the
// "=", or in quotes.
func meantAsDMARC(v string) bool {
	s := strings.ToLower(strings.Join(strings.Fields(strings.Trim(v, "\"' \t")), ""))
	return strings.HasPrefix(s, "v=dmarc1") && (len(s) == 8 || s[8] == ';')
}

// explain says why the record set at _dmarc changes: each finding names
// one thing the proposed record mends, so that no change is made without
// a word.
func (rc Recommend) explain(qname, domain string, set []dnsrec.Record, cur *Record, current []dnsrec.Record, stage *Record) []plan.Finding {
	var fs []plan.Finding
	// add records a finding worded by variants msg and fix of its code's
	// sentences in the catalogue.
	add := func(code plan.Code, sev plan.Severity, subject string, params map[string]string, msg, fix int) {
		params["domain"] = domain
		fs = append(fs, plan.Worded(plan.Finding{Code: code, Severity: sev, Name: qname, Subject: subject, Params: params}, msg, fix))
	}
	at := dnsrec.TrimDot(qname)
	for _, rec := range set {
		if v := rec.Value(); !meantAsDMARC(v) && strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), "v=spf1") {
			add(CodeSPFAtDMARC, plan.SeverityWarning, v, map[string]string{"record": v}, 2, 2)
		}
	}
	switch {
	case len(current) == 0:
		add(CodeNoRecord, plan.SeverityWarning, "", map[string]string{}, 2, 2)
	case len(current) > 1:
		add(CodeMultiple, plan.SeverityError, at, map[string]string{"records": strconv.Itoa(len(current))}, 2, 2)
	case cur == nil:
		add(CodeSyntax, plan.SeverityError, current[0].Value(), map[string]string{"record": current[0].Value()}, 2, 2)
	default:
		for _, f := range rc.Rules.Lint(current[0].Value()) {
			if f.Code == CodeVersionForm {
				f.Name = qname
				f.Fix = plan.SentenceOf(string(f.Code), "fix", 2, f.Params)
				fs = append(fs, f)
			}
		}
		var missing []string
		for _, u := range stage.RUA {
			found := false
			for _, have := range cur.RUA {
				found = found || strings.EqualFold(have.Address(), u.Address())
			}
			if !found {
				missing = append(missing, u.Address())
			}
		}
		if len(missing) > 0 {
			add(CodeReportsMissing, plan.SeverityInfo, "rua=", map[string]string{"addresses": strings.Join(missing, ", ")}, 1, 1)
		}
		if stage.EffectivePolicy().strictness() > cur.EffectivePolicy().strictness() {
			add(CodeTighten, plan.SeverityInfo, "p="+string(cur.EffectivePolicy()), map[string]string{"policy": string(cur.EffectivePolicy()), "stage": string(stage.EffectivePolicy())}, 1, 1)
		}
	}
	return fs
}
