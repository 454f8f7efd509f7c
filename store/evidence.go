package store

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/feedback"
)

// Evidence is what a store's reports and checks say of one domain over a
// window of days: how much the reports cover, how its mail fares, which
// sources a stricter policy would hurt, the DMARC stage in force, and the
// next stage when its condition ([domaincheck.Staging]) holds.
type Evidence struct {
	Domain string    `json:"domain"`
	From   time.Time `json:"from"` // the window's first day (UTC)
	To     time.Time `json:"to"`   // its last day
	// Days are the days the reports cover; Receivers the distinct
	// organizations reporting (ReceiverNames, sorted); Reports the
	// reports.
	Days          int      `json:"days"`
	Receivers     int      `json:"receivers"`
	ReceiverNames []string `json:"receiver_names"`
	Reports       int      `json:"reports"`
	// Messages are the messages reported; Passed those that passed
	// DMARC.
	Messages int `json:"messages"`
	Passed   int `json:"passed"`
	// Legitimate and LegitimatePassed are the messages of the
	// legitimate sources (those with aligned mail, the vendor's, and the
	// services the domain's SPF record declares), and how many passed;
	// PassRate is their share in percent (100 with none).
	Legitimate       int     `json:"legitimate"`
	LegitimatePassed int     `json:"legitimate_passed"`
	PassRate         float64 `json:"pass_rate"`
	// Unaligned are failing messages where SPF or DKIM passed for
	// another domain; Unauthenticated those where nothing passed.
	Unaligned       int `json:"unaligned"`
	Unauthenticated int `json:"unauthenticated"`
	// Sources are every source address, most messages first.
	Sources []Source `json:"sources"`
	// Hurt are the sources a stricter policy would hurt, each with why.
	Hurt []Hurt `json:"hurt"`
	// Stage is the policy in force, as the latest stored check saw it
	// (none when no check is stored), and Since when the checks have
	// seen it.
	Stage domaincheck.Stage `json:"stage"`
	Since time.Time         `json:"since,omitzero"`
	// Next is the stage proposed, "" when its condition does not hold or
	// the goal is reached; Missing says what the next stage still needs.
	Next    domaincheck.Stage `json:"next"`
	Missing []string          `json:"missing"`
}

// Source is one source address over the window.
type Source struct {
	IP netip.Addr `json:"ip"`
	// Host is the source's name: its forward-confirmed reverse name when
	// the store has looked it up ([ResolveNames]), else the name the
	// ingester gave it (the vendor's server's HELO name) or the
	// classifier found.
	Host       string              `json:"host,omitempty"`
	Kind       feedback.SourceKind `json:"kind"`
	Messages   int                 `json:"messages"`
	Passed     int                 `json:"passed"`
	Legitimate bool                `json:"legitimate"`
	// Overridden are failing messages delivered only because the
	// receiver overrode the policy (forwarded, local_policy,
	// mailing_list, ARC).
	Overridden int `json:"overridden"`
	sums       DaySource
}

// Hurt is a source a stricter policy would hurt.
type Hurt struct {
	IP netip.Addr `json:"ip"`
	// Host is the source's name, as [Source.Host]; "" when unknown.
	Host string `json:"host,omitempty"`
	Why  string `json:"why"`
	// Legitimate: the source is a real sender of the domain's mail; else
	// its failing mail was delivered only by the receivers' overrides.
	Legitimate bool `json:"legitimate"`
}

// Staged returns the evidence's stage for [domaincheck.Evidence].
func (e *Evidence) Staged() *domaincheck.Staged {
	return &domaincheck.Staged{Current: e.Stage, Next: e.Next, Missing: e.Missing}
}

// EvidenceOptions says what evidence to compute.
type EvidenceOptions struct {
	// Window is the days judged, ending with Now's day; 0 is the
	// staging's window (30 days by default); a negative window is all
	// the store holds.
	Window int
	// Now is the end of the window; the zero value is the present.
	Now time.Time
	// Staging are the conditions of each stage; Goal the last stage the
	// vendor proposes (the profile's DMARC goal; "" is reject).
	Staging domaincheck.Staging
	Goal    dmarc.Policy
	// Classify, when set, is asked about the sources whose mail fails
	// DMARC and that the reports do not show to be legitimate (at most
	// MaxClassified, most mail first): one the domain's SPF record
	// authorizes is a service of the domain, whose failing mail a
	// stricter policy would hurt. Without it, only what the reports and
	// the ingester's classification say counts.
	Classify Classifier
}

// ComputeEvidence computes a domain's evidence from the store.
func ComputeEvidence(ctx context.Context, s Store, domain string, o EvidenceOptions) (*Evidence, error) {
	th := o.Staging.Defaults()
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	to := dayTime(day(now))
	window := o.Window
	if window == 0 {
		window = th.Window
	}
	from := time.Unix(0, 0).UTC()
	if window > 0 {
		from = to.AddDate(0, 0, -(window - 1))
	}
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	e := &Evidence{Domain: domain, From: from, To: to, ReceiverNames: []string{}, Sources: []Source{}, Hurt: []Hurt{}, Missing: []string{}}
	recv, err := s.Receivers(ctx, domain, from, to)
	if err != nil {
		return nil, err
	}
	days, orgs := map[time.Time]bool{}, map[string]bool{}
	for _, r := range recv {
		days[r.Day], orgs[r.Org] = true, true
		e.Reports += r.Reports
	}
	e.Days, e.Receivers = len(days), len(orgs)
	for org := range orgs {
		e.ReceiverNames = append(e.ReceiverNames, org)
	}
	sort.Strings(e.ReceiverNames)
	rows, err := s.Totals(ctx, domain, from, to)
	if err != nil {
		return nil, err
	}
	e.sources(rows) // with the reverse names Totals gives
	if o.Classify != nil {
		if err := e.classify(ctx, o.Classify); err != nil {
			return nil, err
		}
	}
	e.hurt(th)
	checks, err := s.Checks(ctx, domain, time.Time{})
	if err != nil {
		return nil, err
	}
	e.stage(checks)
	e.next(th, o.Goal, now)
	return e, nil
}

// sources sums the window's days per source address.
func (e *Evidence) sources(rows []DaySource) {
	by := map[netip.Addr]*Source{}
	for _, d := range rows {
		src := by[d.IP]
		if src == nil {
			src = &Source{IP: d.IP}
			by[d.IP] = src
		}
		mergeSource(&src.sums, &d)
		src.Kind, src.Host = src.sums.Kind, src.sums.Host
	}
	for _, src := range by {
		t := src.sums
		src.Messages, src.Passed = t.Messages, t.Passed
		src.Legitimate = t.Passed > 0 || src.Kind == feedback.SourceVendor || src.Kind == feedback.SourceService
		src.Overridden = min(t.Overrides.Forwarded+t.Overrides.LocalPolicy+t.Overrides.MailingList+t.Overrides.TrustedForwarder, t.Messages-t.Passed)
		e.Messages += t.Messages
		e.Passed += t.Passed
		if src.Legitimate {
			e.Legitimate += t.Messages
			e.LegitimatePassed += t.Passed
		}
		failed := t.Messages - t.Passed
		if !src.Legitimate && failed > 0 {
			if t.SPFPass > 0 || t.DKIMPass > 0 {
				e.Unaligned += failed
			} else {
				e.Unauthenticated += failed
			}
		}
		e.Sources = append(e.Sources, *src)
	}
	sort.Slice(e.Sources, func(i, j int) bool {
		a, b := e.Sources[i], e.Sources[j]
		if a.Messages != b.Messages {
			return a.Messages > b.Messages
		}
		return a.IP.Less(b.IP)
	})
	e.PassRate = 100
	if e.Legitimate > 0 {
		e.PassRate = 100 * float64(e.LegitimatePassed) / float64(e.Legitimate)
	}
}

// classify asks about the failing sources not known to be legitimate,
// and recounts the legitimate mail.
func (e *Evidence) classify(ctx context.Context, c Classifier) error {
	asked := 0
	for i := range e.Sources {
		src := &e.Sources[i]
		if src.Legitimate || src.Messages == src.Passed || asked >= MaxClassified {
			continue
		}
		asked++
		kind, host, err := c(ctx, e.Domain, src.IP)
		if err != nil {
			return err
		}
		if host != "" && src.Host == "" {
			src.Host = host
		}
		if kind == feedback.SourceService || kind == feedback.SourceVendor {
			failed := src.Messages - src.Passed
			if src.sums.SPFPass > 0 || src.sums.DKIMPass > 0 {
				e.Unaligned -= failed
			} else {
				e.Unauthenticated -= failed
			}
			src.Kind, src.Legitimate = kind, true
			e.Legitimate += src.Messages
			e.LegitimatePassed += src.Passed
		}
	}
	e.PassRate = 100
	if e.Legitimate > 0 {
		e.PassRate = 100 * float64(e.LegitimatePassed) / float64(e.Legitimate)
	}
	return nil
}

// hurt lists the sources a stricter policy would hurt: legitimate ones
// whose failing share reaches th.HurtShare, and any whose failing mail
// was delivered only because the receiver overrode the policy.
func (e *Evidence) hurt(th domaincheck.Staging) {
	for _, src := range e.Sources {
		t := src.sums
		failed := t.Messages - t.Passed
		if failed == 0 {
			continue
		}
		name := src.IP.String()
		if src.Host != "" {
			name += ", " + src.Host
		}
		switch {
		case src.Legitimate && 100*float64(failed) >= th.HurtShare*float64(t.Messages):
			e.Hurt = append(e.Hurt, Hurt{IP: src.IP, Host: src.Host, Why: name + ", " + failWhy(src, failed), Legitimate: true})
		case src.Overridden > 0:
			e.Hurt = append(e.Hurt, Hurt{IP: src.IP, Host: src.Host, Why: fmt.Sprintf("%s, %d of %d messages fail DMARC and were delivered only because the receiver overrode the policy (%s)", name, src.Overridden, t.Messages, overrideWhy(t.Overrides))})
		}
	}
}

// failWhy says why a legitimate source's mail fails.
func failWhy(src Source, failed int) string {
	t := src.sums
	var what string
	switch {
	case t.DKIMAligned > 0 && t.SPFAligned == 0:
		what = "DKIM not aligned"
	case t.SPFAligned > 0 && t.DKIMAligned == 0:
		what = "SPF not aligned"
	default:
		what = "neither SPF nor DKIM aligned"
	}
	who := ""
	switch src.Kind {
	case feedback.SourceVendor:
		who = "the vendor's server, "
	case feedback.SourceService:
		who = "a service the domain's SPF record authorizes, "
	}
	return fmt.Sprintf("%s%s (%d of %d messages fail DMARC)", who, what, failed, t.Messages)
}

func overrideWhy(o Overrides) string {
	var out []string
	for _, r := range []struct {
		n    int
		name string
	}{{o.Forwarded, "forwarded"}, {o.LocalPolicy, "local_policy"}, {o.MailingList, "mailing_list"}, {o.TrustedForwarder, "trusted_forwarder"}, {o.ARC, "arc=pass"}} {
		if r.n > 0 {
			out = append(out, r.name)
		}
	}
	return strings.Join(out, ", ")
}

// stage finds the policy in force from the checks (oldest first), and
// since when the checks have seen it without a break.
func (e *Evidence) stage(checks []Check) {
	e.Stage = domaincheck.StageNone
	if len(checks) == 0 {
		return
	}
	last := checks[len(checks)-1]
	e.Stage = domaincheck.StageOf(last.Policy, last.Partial)
	e.Since = last.At
	for i := len(checks) - 1; i >= 0; i-- {
		if domaincheck.StageOf(checks[i].Policy, checks[i].Partial) != e.Stage {
			break
		}
		e.Since = checks[i].At
	}
}

// next decides the next stage: every condition of th holds, and the goal
// is not reached.
func (e *Evidence) next(th domaincheck.Staging, goal dmarc.Policy, now time.Time) {
	if goal == "" {
		goal = dmarc.PolicyReject
	}
	want := e.Stage.Next()
	if p, _ := want.Policy(); want == "" || strictness(p) > strictness(goal) {
		return
	}
	miss := func(format string, a ...any) { e.Missing = append(e.Missing, fmt.Sprintf(format, a...)) }
	if e.Days < th.Days {
		miss("%d of %d days of reports", e.Days, th.Days)
	}
	if e.Receivers < th.Receivers {
		miss("reports from %d of %d receivers", e.Receivers, th.Receivers)
	}
	if e.Messages < th.Messages {
		miss("%d of %d messages reported", e.Messages, th.Messages)
	}
	if e.PassRate < th.PassRate {
		miss("%.1f%% of the legitimate mail passes DMARC, %.0f%% needed", e.PassRate, th.PassRate)
	}
	for _, legit := range []bool{true, false} {
		var whys []string
		for _, h := range e.Hurt {
			if h.Legitimate == legit {
				whys = append(whys, h.Why)
			}
		}
		switch n := len(whys); {
		case n == 0:
		case legit && n == 1:
			miss("1 legitimate source fails: %s", whys[0])
		case legit:
			miss("%d legitimate sources fail: %s", n, strings.Join(whys, "; "))
		case n == 1:
			miss("1 source is delivered only by the receivers' overrides: %s", whys[0])
		default:
			miss("%d sources are delivered only by the receivers' overrides: %s", n, strings.Join(whys, "; "))
		}
	}
	if e.Stage != domaincheck.StageNone {
		held := int(now.Sub(e.Since).Hours() / 24)
		if held < th.Hold {
			miss("%s in force for %d of %d days", e.Stage, held, th.Hold)
		}
	}
	if len(e.Missing) == 0 {
		e.Next = want
	}
}

func strictness(p dmarc.Policy) int {
	switch p {
	case dmarc.PolicyQuarantine:
		return 1
	case dmarc.PolicyReject:
		return 2
	}
	return 0
}

// EvidenceFunc returns a function for domaincheck.Checker.Evidence that
// computes each domain's evidence from the store with the profile's
// staging and goal, classifying sources with classify when set. A store that fails gives the zero evidence (no
// policy tightened) and reports the error to onError, when set.
func EvidenceFunc(ctx context.Context, s Store, need domaincheck.DMARCNeed, classify Classifier, onError func(domain string, err error)) func(domain string) domaincheck.Evidence {
	return func(domain string) domaincheck.Evidence {
		goal := need.Goal
		if goal == "" {
			goal = need.Minimum
		}
		if goal == "" {
			goal = dmarc.PolicyNone
		}
		e, err := ComputeEvidence(ctx, s, domain, EvidenceOptions{Staging: need.Staging, Goal: goal, Classify: classify})
		if err != nil {
			if onError != nil {
				onError(domain, err)
			}
			return domaincheck.Evidence{}
		}
		return domaincheck.Evidence{ReportsPass: e.Next != "", Stage: e.Staged()}
	}
}
