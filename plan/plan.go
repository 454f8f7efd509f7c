package plan

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/resolve"
)

// Plan is what [Check] found for a list of requirements: a report each,
// and one ordered list of changes, one per record set, that a customer (and
// the vendor) can follow step by step, or stop after any step, without
// making mail fail that passed before.
type Plan struct {
	// Reports holds one report per requirement, in the order given; a
	// requirement that could not be checked has a report with Err set.
	Reports []*Report `json:"reports"`
	// Findings are what the planner found on top of the reports: a record
	// set whose combined edits would publish a broken record, for which no
	// change is proposed. Each carries the [Stage] of the edits it is about.
	Findings []Finding `json:"findings,omitempty"`
	// Changes are the pending changes, in the order to make them: DKIM,
	// then SPF, then DMARC; within a stage by name.
	Changes Changes `json:"changes"`
}

// Satisfied reports whether every requirement holds and nothing is left to
// change.
func (p *Plan) Satisfied() bool {
	for _, r := range p.Reports {
		if !r.Satisfied {
			return false
		}
	}
	return len(p.Changes) == 0
}

// Stage returns the reports of the requirements of stage s, and the
// planner's own findings about that stage's record sets.
func (p *Plan) Stage(s Stage) ([]*Report, []Finding) {
	var reps []*Report
	for _, r := range p.Reports {
		if r.Stage == s {
			reps = append(reps, r)
		}
	}
	var fs []Finding
	for _, f := range p.Findings {
		if f.Stage == s {
			fs = append(fs, f)
		}
	}
	return reps, fs
}

// AllFindings returns the findings of every report and of the planner,
// each once: of the findings with the same code about the same thing (name
// and subject), which two requirements may both report, the first.
func (p *Plan) AllFindings() []Finding {
	var out []Finding
	for _, r := range p.Reports {
		out = AppendNew(out, r.Findings...)
	}
	return AppendNew(out, p.Findings...)
}

// AppendNew appends to fs the findings of add that say something fs does
// not: a finding with the same code about the same thing (name and
// subject) as one already there is left out.
func AppendNew(fs []Finding, add ...Finding) []Finding {
	for _, a := range add {
		dup := false
		for _, f := range fs {
			dup = dup || (f.Code == a.Code && strings.EqualFold(f.Name, a.Name) && f.Subject == a.Subject)
		}
		if !dup {
			fs = append(fs, a)
		}
	}
	return fs
}

// ErrNilRequirement is the error of [Check] for a nil requirement.
var ErrNilRequirement = errors.New("plan: nil requirement")

// Check checks every requirement through one cache (so that no question
// is asked twice) and combines their edits into one plan: each record set
// is read once, every edit for it is applied in the order the requirements
// are given, the result is verified, and the difference becomes one
// [Change]. A requirement whose check fails (a DNS failure, typically) gets
// a report with Err set and contributes no edit; the errors are joined and
// returned with the plan of the rest. With a nil resolver every
// requirement fails with [dnsrec.ErrNoResolver].
func Check(ctx context.Context, r dnsrec.Resolver, reqs ...Requirement) (*Plan, error) {
	r = resolve.Cached(r)
	p := &Plan{Reports: make([]*Report, len(reqs)), Changes: Changes{}}
	var errs []error
	var order []setKey
	edits := map[setKey][]Edit{}
	for i, req := range reqs {
		if req == nil {
			p.Reports[i] = &Report{Err: fmt.Errorf("%w (requirement %d)", ErrNilRequirement, i+1)}
			errs = append(errs, p.Reports[i].Err)
			continue
		}
		rep, err := req.Require(ctx, r)
		if err != nil {
			p.Reports[i] = &Report{About: req.About(), Err: err}
			errs = append(errs, err)
			continue
		}
		rep.About = req.About()
		p.Reports[i] = rep
		for _, e := range rep.Edits {
			if e.Apply == nil {
				continue
			}
			k := e.key()
			if _, ok := edits[k]; !ok {
				order = append(order, k)
			}
			edits[k] = append(edits[k], e)
		}
	}
	for _, k := range order {
		// A set whose name is a CNAME lives where the chain ends, unless
		// another edit changes that CNAME (a delegation replaced by the
		// record itself): then the set is the name's own.
		_, replacesCNAME := edits[setKey{k.name, dnsrec.TypeCNAME}]
		c, fs, err := planSet(ctx, r, edits[k], !replacesCNAME)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p.Findings = append(p.Findings, fs...)
		if c != nil && c.Action != ActionNone {
			p.Changes = append(p.Changes, *c)
		}
	}
	p.Changes.Sort()
	p.Changes = p.Changes.joinTypeChanges()
	return p, errors.Join(errs...)
}

// joinTypeChanges makes one change of a removal that empties a record set
// and an addition of another type at the same name by the same party, when
// one of the two is a CNAME (a TXT copy replaced by a delegation, or a
// delegation replaced by the key itself): applied
// apart, the name would hold nothing between them, and a customer who
// stopped after the first would lose what the first held.
func (cs Changes) joinTypeChanges() Changes {
	out := make(Changes, 0, len(cs))
	used := make([]bool, len(cs))
	for i, c := range cs {
		if used[i] {
			continue
		}
		if c.Action == ActionRemove && len(c.Proposed) == 0 {
			for j := i + 1; j < len(cs); j++ {
				a := cs[j]
				if !used[j] && (a.Type == dnsrec.TypeCNAME || c.Type == dnsrec.TypeCNAME) && a.Type != c.Type && a.Action == ActionAdd &&
					strings.EqualFold(a.Name, c.Name) && a.Party == c.Party && a.Zone == c.Zone {
					c, used[j] = replacing(c, a), true
					break
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// planSet applies the edits of one record set and verifies the result.
func planSet(ctx context.Context, r dnsrec.Resolver, es []Edit, follow bool) (*Change, []Finding, error) {
	first := es[0]
	asked, err := dnsrec.CanonicalName(first.Name)
	if err != nil {
		return nil, nil, err
	}
	// The set lives where the name's CNAME chain ends: the change is made
	// there, never as a record beside the CNAME (RFC 1034, Section 3.6.2).
	a, err := r.Lookup(ctx, asked, first.Type)
	if err != nil {
		return nil, nil, err
	}
	name, current := a.Owner(first.Type), a.Set(first.Type)
	if !follow && name != asked {
		name, current = asked, nil
	}
	for i := range es {
		es[i].Name = name
	}
	proposed := append([]dnsrec.Record(nil), current...)
	var reasons []Reason
	for _, e := range es {
		next, err := e.Apply(append([]dnsrec.Record(nil), proposed...))
		if err != nil {
			return nil, nil, err
		}
		if !dnsrec.SameSet(next, proposed) {
			reasons = append(reasons, e.Reason)
		}
		proposed = next
	}
	// The edits speak of the name they were asked for; the records live
	// where its chain ends.
	for i := range proposed {
		if name != asked && strings.EqualFold(proposed[i].Name, asked) {
			proposed[i].Name = name
		}
	}
	cc := NewChange(name, first.Type, current, proposed, first.Party, first.Stage, reasons...)
	c := &cc
	if c.Action == ActionNone {
		return c, nil, nil
	}
	if name != asked {
		c.Via = asked
		if dnsrec.ZoneOf(name) != dnsrec.ZoneOf(asked) && c.Party == PartyCustomer {
			// Hosted elsewhere: whoever operates the target changes it.
			c.Party = PartyOther
			c.Operator = dnsrec.TrimDot(dnsrec.ZoneOf(name))
		}
	}
	if cut := findZone(ctx, r, name); cut.zone != c.Zone || cut.operator != "" {
		c.Zone, c.Relative = cut.zone, dnsrec.RelativeName(name, cut.zone)
		if cut.operator != "" {
			c.Operator = cut.operator
			if c.Party == PartyCustomer {
				c.Party = PartyOther
			}
		}
	}
	c.setHost(ctx, r)
	var fs []Finding
	for _, e := range es {
		if e.Verify == nil {
			continue
		}
		got, err := e.Verify(ctx, r, proposed)
		if err != nil {
			return nil, nil, err
		}
		for i := range got {
			got[i].Stage = e.Stage
		}
		fs = AppendNew(fs, got...)
	}
	if Worst(fs) == SeverityError {
		// Withheld: say so, and propose nothing for this set.
		var codes []string
		for _, f := range fs {
			if f.Severity == SeverityError {
				codes = append(codes, string(f.Code))
			}
		}
		params := map[string]string{"name": dnsrec.TrimDot(name), "type": string(first.Type), "codes": strings.Join(codes, ", ")}
		w := wordsFor(i18n.English)
		fs = append(fs, Finding{Code: CodeWithheld, Severity: SeverityError, Name: name, Subject: string(first.Type), Stage: first.Stage,
			Params: params, Message: w.t("plan-withheld.message", params), Fix: w.t("plan-withheld.fix", params)})
		return nil, fs, nil
	}
	return c, fs, nil
}

// CodeWithheld is the finding that a change was not proposed because the
// record it would publish fails its own checks.
const CodeWithheld Code = "plan-withheld"

// Sort orders changes as a plan applies them: by stage (DKIM, SPF, DMARC),
// then removals before additions at the same name (a CNAME cannot be added
// beside other records), then by zone and name.
func (cs Changes) Sort() {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Stage.rank() != b.Stage.rank() {
			return a.Stage.rank() < b.Stage.rank()
		}
		if a.Name == b.Name && (a.Action == ActionRemove) != (b.Action == ActionRemove) {
			return a.Action == ActionRemove
		}
		if a.Zone != b.Zone {
			return a.Zone < b.Zone
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Type < b.Type
	})
}
