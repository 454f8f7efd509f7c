package spf

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/resolve"
	"github.com/domainauth/domainauth/plan"
)

// Authorize is the requirement "the SPF record of Domain authorizes Term",
// where Term is the mechanism a vendor hands out: "include:spf.vendor.example",
// "ip4:192.0.2.25", "a:smtp1.vendor.example". It implements
// [plan.Requirement]; [Authorize.Check] says what to change.
//
// The edit it proposes is safe for the domain's other mail: an existing
// record keeps every term it has (records published twice are merged, a
// record broken by a pasted character is repaired, a record with no all
// gets ~all), and a new record on a domain that receives mail also
// authorizes the mail provider its MX hosts belong to (or the MX hosts
// themselves) and ends in ~all, until the customer confirms their other
// senders.
type Authorize struct {
	Domain string
	Term   string
	// All is the all term of a record created from nothing. The zero value
	// gives "~all": a domain's other senders are not yet known, and -all
	// would make their mail fail. Set "-all" once the customer has
	// confirmed that the record lists every sender.
	All string
}

// Authorization is what [Authorize.Check] found.
type Authorization struct {
	plan.Report
	Domain string // canonical, without the trailing dot
	Term   string
	// Current holds the domain's SPF records (and records meant as SPF but
	// broken by a pasted character), as published.
	Current []string
	// Proposed is the single record this requirement alone would have the
	// domain publish; it equals Current[0] when nothing needs changing.
	Proposed string
	// LookupsBefore and LookupsAfter are the DNS-querying terms a receiver
	// evaluates, now and with Proposed (see [Analyze]).
	LookupsBefore, LookupsAfter int
}

// Reason codes of the edits Authorize proposes.
const (
	ReasonCreate    plan.Code = "spf-create"    // publish a first SPF record
	ReasonAuthorize plan.Code = "spf-authorize" // add the vendor's term to the record
	ReasonRepair    plan.Code = "spf-repair"    // repair or merge the existing records
)

// Codes of the findings Authorize adds to the lint's.
const (
	CodeHostedSPF      plan.Code = "spf-hosted"          // the record is a hosted SPF service's macro include: domain, term, service, vendor
	CodeConfirmSenders plan.Code = "spf-confirm-senders" // a new record ends in ~all until the customer confirms their other senders: domain, all, mx (the hosts authorized by mx), providers, terms
	CodeDroppedTerm    plan.Code = "spf-dropped-term"    // a term that does not parse is left out of the repaired record: domain, term
)

// About implements [plan.Requirement]: "the SPF record of example.ch
// authorizes include:spf.vendor.example", in the SPF stage, of the
// customer.
func (a Authorize) About() plan.About {
	return plan.About{Requirement: fmt.Sprintf("the SPF record of %s authorizes %s", displayDomain(a.Domain), a.Term), Stage: plan.StageSPF, Party: plan.PartyCustomer}
}

// displayDomain is a domain as a person typed it, canonical when it can be.
func displayDomain(d string) string {
	if name, err := dnsrec.CanonicalName(d); err == nil {
		return dnsrec.TrimDot(name)
	}
	return d
}

// Require implements [plan.Requirement].
func (a Authorize) Require(ctx context.Context, r dnsrec.Resolver) (*plan.Report, error) {
	res, err := a.Check(ctx, r)
	if err != nil {
		return nil, err
	}
	return &res.Report, nil
}

// Check looks at the domain's TXT records through r and works out the
// edit: create a record, insert Term into the existing one (before all),
// repair a record broken by a pasted character or lacking an all, or merge
// several records into one; or nothing, when Term is already authorized
// (the same term, or an include that already reaches the same domain or
// covers the same addresses). The edit's verification refuses a result that
// would pass the 10-lookup limit or that its own lint calls broken.
func (a Authorize) Check(ctx context.Context, r dnsrec.Resolver) (*Authorization, error) {
	name, err := dnsrec.ParseDomain("Domain", a.Domain)
	if err != nil {
		return nil, fmt.Errorf("spf: Authorize: %w", err)
	}
	t, pe := parseTerm(a.Term)
	if pe != nil || t.IsModifier() || t.Mechanism == MechAll || strings.ContainsRune(a.Term, ' ') || a.Term == "" {
		return nil, fmt.Errorf("%w: Authorize: Term %q is not a mechanism that authorizes hosts", ErrSyntax, a.Term)
	}
	all := a.All
	if all == "" {
		all = "~all"
	}
	if at, pe := parseTerm(all); pe != nil || at.Mechanism != MechAll {
		return nil, fmt.Errorf("%w: Authorize: All %q is not an all term", ErrSyntax, a.All)
	}
	r = resolve.Cached(r)
	set, err := dnsrec.ReadSet(ctx, r, name, dnsrec.TypeTXT)
	if err != nil {
		return nil, fmt.Errorf("spf: %w", err)
	}
	res := &Authorization{Domain: dnsrec.TrimDot(name), Term: a.Term}
	res.About = a.About()
	var spfs []dnsrec.Record
	for _, rec := range set {
		if meantAsSPF(rec.Value()) {
			spfs = append(spfs, rec)
			res.Current = append(res.Current, rec.Value())
			res.Findings = append(res.Findings, LintTXT(name, [][]string{rec.Txt})...)
		}
	}
	var texts []string
	for _, rec := range spfs {
		fixed, dropped := repairSPF(rec.Value())
		texts = append(texts, fixed)
		for _, d := range dropped {
			res.Findings = append(res.Findings, plan.Worded(plan.Finding{Code: CodeDroppedTerm, Severity: plan.SeverityWarning, Name: name, Subject: d, Offset: plan.At(strings.Index(rec.Value(), d)),
				Params: map[string]string{"domain": res.Domain, "term": d}}, 1, 1))
		}
	}
	if len(spfs) > 1 {
		fs := LintTXT(name, txtOf(spfs))
		res.Findings = append(res.Findings, fs[len(fs)-1])
		m, _ := Merge(texts...)
		res.Findings = append(res.Findings, m.Findings...)
	}

	e := &spfEdit{name: name, term: a.Term, all: all}
	covered := false
	if len(spfs) == 1 {
		if _, err := Parse(spfs[0].Value()); err == nil {
			an, err := Analyze(ctx, r, name)
			if err != nil {
				return nil, err
			}
			res.LookupsBefore = an.Lookups
			res.Findings = appendFindings(res.Findings, an.Findings)
			if covered, err = a.covered(ctx, r, name, t, an); err != nil {
				return nil, err
			}
		}
	}
	if covered {
		e.term = ""
	}
	if !covered && len(spfs) == 1 {
		if h, ok := hostedInclude(spfs[0].Value()); ok {
			// A hosted SPF service answers for the domain, address by
			// address: senders are switched on in its console, and an
			// include beside the macro would at best be redundant.
			params := map[string]string{"domain": res.Domain, "term": h.term, "service": h.service, "vendor": a.Term}
			res.Findings = append(res.Findings, plan.Worded(plan.Finding{Code: CodeHostedSPF, Severity: plan.SeverityInfo, Name: name, Subject: h.term, Params: params}, 1, 1))
			return res, nil
		}
	}
	if len(spfs) == 0 {
		if err := e.otherSenders(ctx, r, res); err != nil {
			return nil, err
		}
	}
	res.Satisfied = covered && plan.Worst(res.Findings) != plan.SeverityError
	proposed, err := e.apply(set)
	if err != nil {
		return nil, err
	}
	res.Proposed = spfValue(proposed)
	if dnsrec.SameSet(proposed, set) {
		if !covered {
			res.Proposed = "" // nothing safe to propose: the findings say why
		}
		return res, nil
	}
	after, err := AnalyzeRecord(ctx, r, name, res.Proposed)
	if err != nil {
		return nil, err
	}
	res.LookupsAfter = after.Lookups
	// The findings the edit repairs say exactly what it publishes.
	for i, f := range res.Findings {
		if n, ok := proposedFix[f.Code]; ok {
			res.Findings[i].Params = withParam(res.Findings[i].Params, "proposed", res.Proposed)
			delete(res.Findings[i].Params, "suggestion") // the old fix's, replaced by the proposed record
			res.Findings[i].Fix = plan.SentenceOf(string(res.Findings[i].Code), "fix", n, res.Findings[i].Params)
		}
	}
	res.Edits = []plan.Edit{{
		Name: name, Type: dnsrec.TypeTXT, Party: plan.PartyCustomer, Stage: plan.StageSPF,
		Reason: e.reason(res.Domain, len(spfs)), Apply: e.apply, Verify: e.verify,
	}}
	return res, nil
}

// appendFindings adds the analysis findings the lint has not already made.
func appendFindings(fs, add []plan.Finding) []plan.Finding {
	for _, f := range add {
		dup := false
		for _, have := range fs {
			dup = dup || (have.Code == f.Code && have.Subject == f.Subject)
		}
		if !dup {
			fs = append(fs, f)
		}
	}
	return fs
}

// meantAsSPF reports whether a TXT value is an SPF record or was meant as
// one: "v=spf1" after surrounding quotes and spaces, in any case, or a
// record whose only fault is a pasted look-alike character.
func meantAsSPF(v string) bool {
	if IsSPF(v) {
		return true
	}
	s := strings.ToLower(strings.TrimLeft(v, " \t\"'\u201c\u201d\u00a0"))
	return strings.HasPrefix(s, "v=spf1") && (len(s) == 6 || !isAlnum(s[6]))
}

func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// spfValue returns the SPF record of a proposed set.
func spfValue(set []dnsrec.Record) string {
	for _, rec := range set {
		if meantAsSPF(rec.Value()) {
			return rec.Value()
		}
	}
	return ""
}

func txtOf(recs []dnsrec.Record) [][]string {
	out := make([][]string, len(recs))
	for i, r := range recs {
		out[i] = r.Txt
	}
	return out
}

// covered reports whether the published record already authorizes t: the
// same term anywhere in the include tree, an include reaching the same
// domain, or (for ip4, ip6 and a) every address passing check_host().
func (a Authorize) covered(ctx context.Context, r dnsrec.Resolver, domain string, t Term, an *Analysis) (bool, error) {
	key := termKey(t)
	found := false
	var visit func(*Node)
	visit = func(nd *Node) {
		if rec, err := Parse(nd.Record); err == nil {
			for _, have := range rec.Terms {
				found = found || termKey(have) == key
			}
		}
		if t.Mechanism == MechInclude {
			if target, err := dnsrec.CanonicalName(t.Domain); err == nil && nd != an.Root && nd.Domain == dnsrec.TrimDot(target) {
				found = true
			}
		}
		for _, c := range nd.Children {
			visit(c)
		}
	}
	visit(an.Root)
	if found {
		return true, nil
	}
	var addrs []netip.Addr
	switch t.Mechanism {
	case MechIP4, MechIP6:
		if t.Net.Bits() != t.Net.Addr().BitLen() {
			return false, nil // a network: only an equal or wider term covers it, found above or not at all
		}
		addrs = []netip.Addr{t.Net.Addr()}
	case MechA:
		if strings.Contains(t.Domain, "%") || t.Domain == "" {
			return false, nil
		}
		for _, typ := range []dnsrec.Type{dnsrec.TypeA, dnsrec.TypeAAAA} {
			ans, err := r.Lookup(ctx, t.Domain, typ)
			if err != nil {
				if errors.Is(err, dnsrec.ErrTemporary) {
					return false, fmt.Errorf("spf: %w", err)
				}
				continue
			}
			addrs = append(addrs, ans.Addrs()...)
		}
	}
	if len(addrs) == 0 {
		return false, nil
	}
	c := &Checker{Resolver: r}
	for _, ip := range addrs {
		res := c.CheckHost(ctx, ip, domain, "postmaster@"+dnsrec.TrimDot(domain), dnsrec.TrimDot(domain))
		if res.Status == StatusTempError {
			return false, fmt.Errorf("spf: %w", res.Err)
		}
		if res.Status != StatusPass {
			return false, nil
		}
	}
	return true, nil
}

// hosted is a hosted SPF service's include in a record.
type hosted struct {
	term    string // the include as written
	service string // the service's registrable domain
}

// hostedInclude finds an include whose domain-spec expands the sender's
// address (%{i} or %{ir}): a hosted SPF service that answers for each
// address ("include:%{i}._ip.%{h}._ehlo.%{d}._spf.service.example").
func hostedInclude(record string) (hosted, bool) {
	rec, err := Parse(record)
	if err != nil {
		return hosted{}, false
	}
	for _, t := range rec.Terms {
		if t.Mechanism != MechInclude || !strings.Contains(strings.ToLower(t.Domain), "%{i") {
			continue
		}
		labels := strings.Split(t.Domain, ".")
		var static []string
		for i := len(labels) - 1; i >= 0 && !strings.Contains(labels[i], "%"); i-- {
			static = append([]string{labels[i]}, static...)
		}
		service := strings.Join(static, ".")
		if name, err := dnsrec.CanonicalName(service); err == nil {
			service = dnsrec.TrimDot(dnsrec.ZoneOf(name))
		}
		return hosted{term: t.String(), service: service}, true
	}
	return hosted{}, false
}

// proposedFix is, for the codes whose findings the proposed record
// repairs, the variant of the fix that says to publish it.
var proposedFix = map[plan.Code]int{CodeNoAll: 2, CodeLookalike: 2, CodeQuoted: 2, CodeMultiple: 3, CodeSyntax: 3, CodeNotSPF: 2}
