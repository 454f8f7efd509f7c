package plan

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
)

// Requirement is one thing a domain's DNS must satisfy for a sender, such as
// "the SPF record of example.ch authorizes include:spf.vendor.example" or
// "default._domainkey.example.ch publishes this key". The spf, dkim and
// dmarc packages provide them; a caller lists the ones it needs and checks
// them together with [CheckAll], so that this package depends on none of
// them.
type Requirement interface {
	// Require looks at the live zone through r and reports whether the
	// requirement holds, what is wrong, and the edits that would make it
	// hold. Only DNS failures (and invalid configuration) are errors.
	Require(ctx context.Context, r dnsrec.Resolver) (*Report, error)
}

// Report is the outcome of checking one [Requirement].
type Report struct {
	Requirement string    `json:"requirement"` // what was checked, in words
	Satisfied   bool      `json:"satisfied"`   // the requirement holds
	Findings    []Finding `json:"findings,omitempty"`
	Edits       []Edit    `json:"edits,omitempty"` // what to change so that it holds
}

// Plan is what [CheckAll] found for a list of requirements: a report each,
// and one ordered list of changes, one per record set, that a customer (and
// the vendor) can follow step by step, or stop after any step, without
// making mail fail that passed before.
type Plan struct {
	Reports []*Report `json:"reports"`
	// Errors holds, beside each nil report, why its requirement could not
	// be checked (a DNS failure, as a [*Error] naming the question).
	Errors []error `json:"-"`
	// Findings are what the planner found on top of the reports: a record
	// set whose combined edits would publish a broken record, for which no
	// change is proposed.
	Findings []Finding `json:"findings,omitempty"`
	// Changes are the pending changes, in the order to make them: DKIM,
	// then SPF, then DMARC; within a stage by name.
	Changes Changes `json:"changes"`
}

// Satisfied reports whether every requirement holds and nothing is left to
// change.
func (p *Plan) Satisfied() bool {
	for _, r := range p.Reports {
		if r == nil || !r.Satisfied {
			return false
		}
	}
	return len(p.Changes) == 0
}

// AllFindings returns the findings of every report and of the planner.
func (p *Plan) AllFindings() []Finding {
	var out []Finding
	for _, r := range p.Reports {
		if r != nil {
			out = append(out, r.Findings...)
		}
	}
	return append(out, p.Findings...)
}

// ErrNilRequirement is returned by [CheckAll] for a nil requirement.
var ErrNilRequirement = errors.New("dnsrec: nil requirement")

// CheckAll checks every requirement through one cache (so that no question
// is asked twice) and combines their edits into one plan: each record set
// is read once, every edit for it is applied in the order the requirements
// are given, the result is verified, and the difference becomes one
// [Change]. A requirement whose check fails (a DNS failure, typically) gets
// a nil report and contributes no edit; the errors are joined and returned
// with the plan of the rest.
func Check(ctx context.Context, r dnsrec.Resolver, reqs ...Requirement) (*Plan, error) {
	if r == nil {
		return nil, errors.New("dnsrec: CheckAll: nil resolver")
	}
	if _, ok := r.(*dnsrec.Cache); !ok {
		r = &dnsrec.Cache{Resolver: r}
	}
	p := &Plan{Reports: make([]*Report, len(reqs)), Errors: make([]error, len(reqs)), Changes: Changes{}}
	var errs []error
	var order []setKey
	edits := map[setKey][]Edit{}
	for i, req := range reqs {
		if req == nil {
			p.Errors[i] = fmt.Errorf("%w (requirement %d)", ErrNilRequirement, i+1)
			errs = append(errs, p.Errors[i])
			continue
		}
		rep, err := req.Require(ctx, r)
		if err != nil {
			p.Errors[i] = err
			errs = append(errs, err)
			continue
		}
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
		c, fs, err := planSet(ctx, r, edits[k])
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
	return p, errors.Join(errs...)
}

// ReadSet returns the records of type t owned by name itself (not those
// reached through a CNAME), as r answers.
func ReadSet(ctx context.Context, r dnsrec.Resolver, name string, t dnsrec.Type) ([]dnsrec.Record, error) {
	a, err := r.Lookup(ctx, name, t)
	if err != nil {
		return nil, err
	}
	var out []dnsrec.Record
	for _, rec := range a.Records {
		if strings.EqualFold(rec.Name, a.Name) && strings.EqualFold(string(rec.Type), string(t)) {
			out = append(out, rec)
		}
	}
	return out, nil
}

// planSet applies the edits of one record set and verifies the result.
func planSet(ctx context.Context, r dnsrec.Resolver, es []Edit) (*Change, []Finding, error) {
	first := es[0]
	name, err := dnsrec.CanonicalName(first.Name)
	if err != nil {
		return nil, nil, err
	}
	current, err := ReadSet(ctx, r, name, first.Type)
	if err != nil {
		return nil, nil, err
	}
	proposed := append([]dnsrec.Record(nil), current...)
	var reasons []Reason
	for _, e := range es {
		next, err := e.Apply(append([]dnsrec.Record(nil), proposed...))
		if err != nil {
			return nil, nil, err
		}
		if !SameSet(next, proposed) {
			reasons = append(reasons, e.Reason)
		}
		proposed = next
	}
	cc := NewChange(name, first.Type, current, proposed, first.Party, first.Stage, reasons...)
	c := &cc
	if c.Action == ActionNone {
		return c, nil, nil
	}
	var fs []Finding
	for _, e := range es {
		if e.Verify == nil {
			continue
		}
		got, err := e.Verify(ctx, r, proposed)
		if err != nil {
			return nil, nil, err
		}
		fs = appendNew(fs, got...)
	}
	if Worst(fs) == SeverityError {
		// Withheld: say so, and propose nothing for this set.
		var codes []string
		for _, f := range fs {
			if f.Severity == SeverityError {
				codes = append(codes, string(f.Code))
			}
		}
		fs = append(fs, Finding{Code: CodeWithheld, Severity: SeverityError, Name: name, Subject: string(first.Type),
			Message: fmt.Sprintf("no change is proposed for the %s records at %s: the record it would publish fails its own checks (%s), and publishing it would make things worse", first.Type, dnsrec.TrimDot(name), strings.Join(codes, ", ")),
			Fix:     "follow the fix of the findings above, then check again"})
		return nil, fs, nil
	}
	return c, fs, nil
}

// CodeWithheld is the finding that a change was not proposed because the
// record it would publish fails its own checks.
const CodeWithheld Code = "plan-withheld"

func appendNew(fs []Finding, add ...Finding) []Finding {
	for _, a := range add {
		dup := false
		for _, f := range fs {
			dup = dup || (f.Code == a.Code && f.Subject == a.Subject && f.Message == a.Message)
		}
		if !dup {
			fs = append(fs, a)
		}
	}
	return fs
}

// SameSet reports whether two record sets hold the same records, in any
// order (TTLs ignored).
func SameSet(a, b []dnsrec.Record) bool {
	if len(a) != len(b) {
		return false
	}
	return len(Minus(a, b)) == 0 && len(Minus(b, a)) == 0
}

// Minus returns the records of a that are not in b (see [Record.Equal]).
func Minus(a, b []dnsrec.Record) []dnsrec.Record {
	var out []dnsrec.Record
	for _, x := range a {
		found := false
		for _, y := range b {
			found = found || x.Equal(y)
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}

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
