package domainconnect

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// ErrApply is wrapped by the errors of [Template.Apply]: a variable
// without a value, a name that is not a DNS name.
var ErrApply = errors.New("domainconnect: cannot apply the template")

// Instance is one application of a template: the apply link's domain,
// host, variables and groups.
type Instance struct {
	Domain string            // the zone, as the link's domain=
	Host   string            // the name under it, "" for the zone's apex
	Vars   map[string]string // the link's variables, by name
	Groups []string          // the groups to apply; none applies all
}

// fqdn returns [host.]domain, without the trailing dot.
func (in Instance) fqdn() string {
	d := dnsrec.TrimDot(strings.ToLower(in.Domain))
	if in.Host == "" {
		return d
	}
	return strings.ToLower(in.Host) + "." + d
}

// expand replaces the variables in s: %domain%, %host%, %fqdn% and the
// instance's own (names compared exactly, as the spec's Section "Case
// Sensitivity" says).
func (in Instance) expand(s string) (string, error) {
	var err error
	out := variable.ReplaceAllStringFunc(s, func(m string) string {
		name := strings.Trim(m, "%")
		switch name {
		case "domain":
			return dnsrec.TrimDot(in.Domain)
		case "host":
			return in.Host
		case "fqdn":
			return in.fqdn()
		}
		v, ok := in.Vars[name]
		if !ok {
			err = errors.Join(err, fmt.Errorf("%w: no value for %s", ErrApply, m))
		}
		return v
	})
	return out, err
}

// owner returns the absolute owner name of a record's host: "@" or ""
// is the applied name, a name ending in "." is absolute, anything else
// is relative to the applied name (spec, Section "Host/Name in
// Template").
func (in Instance) owner(host string) (string, error) {
	var n string
	switch {
	case host == "" || host == "@":
		n = in.fqdn()
	case strings.HasSuffix(host, "."):
		n = host
	default:
		n = host + "." + in.fqdn()
	}
	c, err := dnsrec.CanonicalName(n)
	if err != nil {
		return "", fmt.Errorf("%w: host %q: %w", ErrApply, host, err)
	}
	return c, nil
}

// target returns the absolute name a pointsTo holds: "@" or "" is the
// applied name; any other name is fully qualified (Section "PointsTo in
// Template").
func (in Instance) target(p string) (string, error) {
	if p == "" || p == "@" {
		p = in.fqdn()
	}
	c, err := dnsrec.CanonicalName(p)
	if err != nil {
		return "", fmt.Errorf("%w: pointsTo %q: %w", ErrApply, p, err)
	}
	return c, nil
}

func (in Instance) selected(group string) bool {
	if len(in.Groups) == 0 || group == "" {
		return true
	}
	for _, g := range in.Groups {
		if g == group {
			return true
		}
	}
	return false
}

// conflictTypes are the record types a name's sets are read for, the ones
// the spec's conflict rules touch.
var conflictTypes = []dnsrec.Type{dnsrec.TypeCNAME, dnsrec.TypeTXT, dnsrec.TypeA, dnsrec.TypeAAAA, dnsrec.TypeMX}

// owned is the record sets at one name as the application goes.
type owned struct {
	before, after map[dnsrec.Type][]dnsrec.Record
}

// Apply works out what applying the template to the zone as r reads it
// does, as a careful DNS host following the spec would (Section "Record
// Types and Conflicts" and "SPF Record Merging"), and returns one change
// per record set it alters (Current as read, Proposed after), for the
// customer, without changing anything:
//
//   - a CNAME replaces every CNAME, TXT, A, AAAA and MX record at its
//     name, and any of these replaces a CNAME there;
//   - a TXT record replaces the TXT records its conflict mode matches
//     (None: none; All: all; Prefix: those starting with the prefix,
//     compared exactly) and is added beside the others;
//   - an SPFM record's rules are merged into the one SPF record at its
//     name: each rule not already there is inserted before the final
//     "all" (whose qualifier is kept; "~all" when there was none, or no
//     record); where no merge is possible (two SPF records, one that
//     does not parse, one that ends in redirect=) the host replaces them
//     with "v=spf1 <rules> ~all", as the spec lets it (the conflict the
//     owner resolves by removing the existing record);
//   - A and AAAA replace the A and AAAA records at the name; MX replaces
//     the MX records.
//
// The changes are sorted by name and type.
func (t *Template) Apply(ctx context.Context, r dnsrec.Resolver, in Instance) ([]plan.Change, error) {
	if r == nil {
		return nil, dnsrec.ErrNoResolver
	}
	zone, err := dnsrec.CanonicalName(in.Domain)
	if err != nil {
		return nil, fmt.Errorf("%w: domain %q: %w", ErrApply, in.Domain, err)
	}
	names := map[string]*owned{}
	get := func(name string) (*owned, error) {
		if o := names[name]; o != nil {
			return o, nil
		}
		o := &owned{before: map[dnsrec.Type][]dnsrec.Record{}, after: map[dnsrec.Type][]dnsrec.Record{}}
		for _, typ := range conflictTypes {
			set, err := readExact(ctx, r, name, typ)
			if err != nil {
				return nil, err
			}
			o.before[typ] = set
			o.after[typ] = append([]dnsrec.Record(nil), set...)
		}
		names[name] = o
		return o, nil
	}
	for i, rec := range t.Records {
		if !in.selected(rec.GroupID) {
			continue
		}
		host, err := in.expand(rec.Host)
		if err != nil {
			return nil, err
		}
		name, err := in.owner(host)
		if err != nil {
			return nil, err
		}
		o, err := get(name)
		if err != nil {
			return nil, err
		}
		ttl := uint32(rec.TTL)
		if ttl == 0 {
			ttl = dnsrec.DefaultTTL
		}
		switch rec.Type {
		case TypeCNAME, TypeA, TypeAAAA, TypeMX:
			p, err := in.expand(rec.PointsTo)
			if err != nil {
				return nil, err
			}
			data := p
			if rec.Type == TypeCNAME || rec.Type == TypeMX {
				if data, err = in.target(p); err != nil {
					return nil, err
				}
			}
			if rec.Type == TypeMX {
				data = "10 " + data
			}
			nr := dnsrec.Record{Name: name, Type: dnsrec.Type(rec.Type), TTL: ttl, Data: data}
			switch rec.Type {
			case TypeCNAME:
				for _, typ := range conflictTypes {
					o.after[typ] = nil
				}
			case TypeA, TypeAAAA:
				o.after[dnsrec.TypeA], o.after[dnsrec.TypeAAAA], o.after[dnsrec.TypeCNAME] = nil, nil, nil
			case TypeMX:
				o.after[dnsrec.TypeMX], o.after[dnsrec.TypeCNAME] = nil, nil
			}
			o.after[nr.Type] = append(o.after[nr.Type], nr)
		case TypeTXT:
			data, err := in.expand(rec.Data)
			if err != nil {
				return nil, err
			}
			o.after[dnsrec.TypeCNAME] = nil
			var keep []dnsrec.Record
			for _, ex := range o.after[dnsrec.TypeTXT] {
				v := ex.Value()
				switch {
				case rec.ConflictMode == ConflictAll,
					rec.ConflictMode == ConflictPrefix && strings.HasPrefix(v, rec.ConflictPrefix),
					v == data:
					continue
				}
				keep = append(keep, ex)
			}
			nr := dnsrec.Record{Name: name, Type: dnsrec.TypeTXT, TTL: ttl, Txt: dnsrec.SplitTXT(data)}
			o.after[dnsrec.TypeTXT] = append(keep, nr)
		case TypeSPFM:
			rules, err := in.expand(rec.SPFRules)
			if err != nil {
				return nil, err
			}
			o.after[dnsrec.TypeCNAME] = nil
			o.after[dnsrec.TypeTXT] = mergeSPF(name, o.after[dnsrec.TypeTXT], rules)
		default:
			return nil, fmt.Errorf("%w: records[%d]: type %s is not applied here", ErrApply, i, rec.Type)
		}
	}
	var out []plan.Change
	for name, o := range names {
		for _, typ := range conflictTypes {
			if dnsrec.SameSet(o.before[typ], o.after[typ]) {
				continue
			}
			c := plan.NewChange(name, typ, o.before[typ], o.after[typ], plan.PartyCustomer, stageOf(name, typ))
			c.Zone = zone
			c.Relative = dnsrec.RelativeName(name, zone)
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Type < out[j].Type
	})
	return out, nil
}

// stageOf names the stage a set belongs to, as the plan would.
func stageOf(name string, t dnsrec.Type) plan.Stage {
	switch {
	case strings.Contains(name, "._domainkey."):
		return plan.StageDKIM
	case strings.HasPrefix(name, "_dmarc."):
		return plan.StageDMARC
	case t == dnsrec.TypeTXT:
		return plan.StageSPF
	}
	return plan.StageOther
}

// readExact returns the records of type t owned by name itself: none when
// name is an alias (a CNAME) and t is not CNAME.
func readExact(ctx context.Context, r dnsrec.Resolver, name string, t dnsrec.Type) ([]dnsrec.Record, error) {
	a, err := r.Lookup(ctx, name, t)
	if err != nil {
		return nil, err
	}
	if t != dnsrec.TypeCNAME && len(a.CNAMEs) > 0 {
		return nil, nil
	}
	var out []dnsrec.Record
	for _, rec := range a.Records {
		if strings.EqualFold(rec.Name, name) && rec.Type == t {
			out = append(out, rec)
		}
	}
	return out, nil
}

// mergeSPF merges rules into the SPF record among txt (see
// [Template.Apply]) and returns the new TXT set.
func mergeSPF(name string, txt []dnsrec.Record, rules string) []dnsrec.Record {
	var others, spfs []dnsrec.Record
	for _, r := range txt {
		if spf.IsSPF(r.Value()) {
			spfs = append(spfs, r)
		} else {
			others = append(others, r)
		}
	}
	add := strings.Fields(rules)
	fresh := func() []dnsrec.Record {
		rec := dnsrec.Record{Name: name, Type: dnsrec.TypeTXT, TTL: dnsrec.DefaultTTL,
			Txt: dnsrec.SplitTXT("v=spf1 " + strings.Join(add, " ") + " ~all")}
		return append(others, rec)
	}
	if len(spfs) != 1 {
		return fresh()
	}
	old := spfs[0]
	rec, err := spf.Parse(old.Value())
	if err != nil {
		return fresh()
	}
	if _, i := rec.Modifier(spf.ModRedirect); i >= 0 {
		return fresh()
	}
	terms := strings.Fields(strings.TrimSpace(old.Value()[len("v=spf1"):]))
	have := map[string]bool{}
	for _, t := range terms {
		have[strings.ToLower(strings.TrimPrefix(t, "+"))] = true
	}
	allAt := -1
	for i, t := range terms {
		if strings.EqualFold(strings.TrimLeft(t, "+-~?"), "all") {
			allAt = i
			break
		}
	}
	var ins []string
	for _, a := range add {
		if !have[strings.ToLower(strings.TrimPrefix(a, "+"))] {
			ins = append(ins, a)
			have[strings.ToLower(strings.TrimPrefix(a, "+"))] = true
		}
	}
	if len(ins) == 0 {
		return txt
	}
	var merged []string
	if allAt < 0 {
		merged = append(append(terms, ins...), "~all")
	} else {
		merged = append(append(append(merged, terms[:allAt]...), ins...), terms[allAt:]...)
	}
	out := old
	out.Txt = dnsrec.SplitTXT("v=spf1 " + strings.Join(merged, " "))
	return append(others, out)
}
