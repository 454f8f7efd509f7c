package dkim

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/resolve"
	"github.com/domainauth/domainauth/plan"
)

// KeyCheck is the requirement "the selector's key is published as the
// vendor expects": either Target, a CNAME delegation to the vendor's own
// record, or Key, a TXT record holding that public key. With
// neither, the check only lints what is published. KeyCheck implements
// [plan.Requirement].
type KeyCheck struct {
	Domain   string
	Selector string
	// Key is the public key the TXT record must hold.
	Key crypto.PublicKey
	// Target is the name the selector must be a CNAME to, such as
	// "default._domainkey.vendor.example". It takes precedence over Key.
	Target string
	// JustChanged says the customer has just edited DNS, so that a missing
	// record is reported as "not visible yet" rather than "missing".
	JustChanged bool
}

// Diagnosis is what [KeyCheck.Check] found. Satisfied (in the embedded
// report) says the key is published as expected, with no error finding.
type Diagnosis struct {
	plan.Report
	Name      string   // <selector>._domainkey.<domain>., canonical
	CNAMEs    []string // the CNAME chain at Name
	Published []string // the TXT values found (at the end of the chain), joined
	Record    *Record  // the parsed key record, when there is exactly one
}

// Reason codes of the edits KeyCheck proposes.
const (
	ReasonDelegate   plan.Code = "dkim-delegate"    // publish the CNAME to the vendor's key
	ReasonPublishKey plan.Code = "dkim-publish-key" // publish the key record
	ReasonClear      plan.Code = "dkim-clear"       // delete records in the way of the right one
)

// About implements [plan.Requirement]: "default._domainkey.example.ch
// publishes a CNAME to default._domainkey.vendor.example", in the DKIM
// stage, of the customer.
func (c KeyCheck) About() plan.About {
	name, err := Name(c.Selector, c.Domain)
	if err != nil {
		name = c.Selector + "._domainkey." + c.Domain
	}
	if c.Target != "" {
		return plan.WordedAbout(ReasonDelegate, 1, map[string]string{"name": dnsrec.TrimDot(name), "target": dnsrec.TrimDot(c.Target)}, plan.StageDKIM, plan.PartyCustomer)
	}
	return plan.WordedAbout(ReasonPublishKey, 1, map[string]string{"name": dnsrec.TrimDot(name)}, plan.StageDKIM, plan.PartyCustomer)
}

// Require implements [plan.Requirement].
func (c KeyCheck) Require(ctx context.Context, r dnsrec.Resolver) (*plan.Report, error) {
	d, err := c.Check(ctx, r)
	if err != nil {
		return nil, err
	}
	return &d.Report, nil
}

// Check looks the selector up through r and says exactly what is
// published, what is wrong with it, and what to change. Only DNS failures
// (and an invalid domain or selector) are errors.
func (c KeyCheck) Check(ctx context.Context, r dnsrec.Resolver) (*Diagnosis, error) {
	if _, err := dnsrec.ParseDomain("Domain", c.Domain); err != nil {
		return nil, fmt.Errorf("dkim: KeyCheck: %w", err)
	}
	name, err := Name(c.Selector, c.Domain)
	if err != nil {
		return nil, err
	}
	r = resolve.Ensure(r)
	a, err := r.Lookup(ctx, name, dnsrec.TypeTXT)
	if err != nil {
		return nil, fmt.Errorf("dkim: %w", err)
	}
	d := &Diagnosis{Name: name, CNAMEs: a.CNAMEs}
	d.About = c.About()
	var txts []dnsrec.Record
	for _, rec := range a.Records {
		if rec.IsText() {
			txts = append(txts, rec)
			d.Published = append(d.Published, rec.Value())
		}
	}
	dg := &diagnoser{d: d, c: c, name: name, txts: txts}
	if c.Target != "" {
		err = dg.delegation(ctx, r)
	} else {
		err = dg.key()
	}
	if err != nil {
		return nil, err
	}
	selector, domain, _ := strings.Cut(dnsrec.TrimDot(name), "._domainkey.")
	for i, f := range d.Findings {
		if f.Name == "" {
			d.Findings[i].Name = name
		}
		params := maps.Clone(f.Params)
		if params == nil {
			params = map[string]string{}
		}
		params["name"], params["selector"], params["domain"] = dnsrec.TrimDot(name), selector, domain
		d.Findings[i].Params = params
	}
	for _, p := range dg.pending {
		d.Findings[p.i] = plan.Worded(d.Findings[p.i], p.msg, p.fix)
	}
	d.Satisfied = plan.Worst(d.Findings) != plan.SeverityError && (len(txts) > 0)
	return d, nil
}

// setTo is the edit "the records of type t at name are exactly want" (none,
// when want is nil).
func setTo(name string, t dnsrec.Type, party plan.Party, want []dnsrec.Record, code plan.Code, variant int) plan.Edit {
	want = append([]dnsrec.Record(nil), want...)
	params := map[string]string{"name": dnsrec.TrimDot(name)}
	return plan.Edit{Name: name, Type: t, Party: party, Stage: plan.StageDKIM,
		Reason: plan.Reason{Code: code, Params: params, Text: plan.SentenceOf(string(code), "reason", variant, params)},
		Apply: func(current []dnsrec.Record) ([]dnsrec.Record, error) {
			if dnsrec.SameSet(current, want) {
				return current, nil
			}
			return append([]dnsrec.Record(nil), want...), nil
		}}
}

type diagnoser struct {
	d       *Diagnosis
	c       KeyCheck
	name    string
	txts    []dnsrec.Record
	pending []pending
}

// add records a finding; Check adds name, selector and domain to params,
// then words it with variants msg and fix of its code's sentences in the
// catalogue.
func (g *diagnoser) add(code plan.Code, sev plan.Severity, params map[string]string, msg, fix int) {
	g.pending = append(g.pending, pending{len(g.d.Findings), msg, fix})
	g.d.Findings = append(g.d.Findings, plan.Finding{Code: code, Severity: sev, Params: params})
}

// pending is a finding of add's, to be worded once its params are whole.
type pending struct{ i, msg, fix int }

func (g *diagnoser) notPublished(what string) {
	msg := 1
	if g.c.JustChanged {
		msg = 3
	}
	g.add(CodeNotPublished, plan.SeverityError, map[string]string{"kind": what}, msg, 1)
}

// delegation checks for the CNAME to c.Target.
func (g *diagnoser) delegation(ctx context.Context, r dnsrec.Resolver) error {
	target, err := dnsrec.CanonicalName(g.c.Target)
	if err != nil {
		return err
	}
	want, err := dnsrec.NewCNAME(g.name, target)
	if err != nil {
		return err
	}
	delegate := setTo(g.name, dnsrec.TypeCNAME, plan.PartyCustomer, []dnsrec.Record{want}, ReasonDelegate, 1)
	switch {
	case len(g.d.CNAMEs) == 0 && len(g.txts) == 0:
		g.notPublished("CNAME record")
		g.d.Edits = []plan.Edit{delegate}
	case len(g.d.CNAMEs) == 0:
		// A TXT record where the CNAME belongs: does it hold the vendor's current key?
		shown := map[string]string{"target": dnsrec.TrimDot(target)}
		sev, msg := plan.SeverityError, 2 // a TXT record that is not the vendor's key
		va, err := r.Lookup(ctx, target, dnsrec.TypeTXT)
		if err != nil && errors.Is(err, dnsrec.ErrTemporary) {
			return err // never "not the vendor's key" when the vendor's key could not be read
		}
		if err == nil && len(va.Records) == 1 && len(g.txts) == 1 {
			if same, _ := sameKey(va.Records[0].Value(), g.txts[0].Value()); same {
				sev, msg = plan.SeverityWarning, 1 // a copy of the vendor's key
			}
		}
		g.add(CodeCNAMEExpected, sev, shown, msg, 1)
		g.d.Edits = []plan.Edit{
			setTo(g.name, dnsrec.TypeTXT, plan.PartyCustomer, nil, ReasonClear, 1),
			delegate,
		}
	case g.d.CNAMEs[0] != target && DelegatedService(g.d.CNAMEs[0]) != "":
		g.selectorTaken(target)
	case g.d.CNAMEs[0] != target:
		g.add(CodeWrongTarget, plan.SeverityError, map[string]string{"current": dnsrec.TrimDot(g.d.CNAMEs[0]), "target": dnsrec.TrimDot(target)}, 1, 1)
		delegate.Reason.Text = plan.SentenceOf(string(ReasonDelegate), "reason", 2, delegate.Reason.Params)
		g.d.Edits = []plan.Edit{delegate}
	case len(g.txts) == 0:
		g.add(CodeTargetMissing, plan.SeverityError, map[string]string{"target": dnsrec.TrimDot(target)}, 1, 1)
		if g.c.Key != nil {
			rec, err := NewRecord(g.c.Key)
			if err != nil {
				return err
			}
			key, err := dnsrec.NewTXT(target, rec.String())
			if err != nil {
				return err
			}
			g.d.Edits = []plan.Edit{setTo(target, dnsrec.TypeTXT, plan.PartyVendor, []dnsrec.Record{key}, ReasonPublishKey, 5)}
		}
	default:
		g.lintPublished()
	}
	return nil
}

// key checks for a TXT record with c.Key (or, without one, lints what is
// published).
func (g *diagnoser) key() error {
	var want dnsrec.Record
	var wantB64 string
	if g.c.Key != nil {
		rec, err := NewRecord(g.c.Key)
		if err != nil {
			return err
		}
		if want, err = dnsrec.NewTXT(g.name, rec.String()); err != nil {
			return err
		}
		wantB64 = rec.KeyBase64()
	}
	expect := func() bool { return g.c.Key != nil }
	if len(g.d.CNAMEs) > 0 && expect() && DelegatedService(g.d.CNAMEs[0]) != "" {
		g.selectorTaken("")
		return nil
	}
	if len(g.d.CNAMEs) > 0 && expect() {
		msg, sev := 1, plan.SeverityError
		if len(g.txts) == 1 {
			if ok, _ := matchesKey(g.txts[0].Value(), wantB64); ok {
				msg, sev = 2, plan.SeverityInfo // it leads to the right key
			}
		}
		g.add(CodeTXTExpected, sev, map[string]string{"current": dnsrec.TrimDot(g.d.CNAMEs[0])}, msg, 1)
		if sev == plan.SeverityError {
			g.d.Edits = []plan.Edit{
				setTo(g.name, dnsrec.TypeCNAME, plan.PartyCustomer, nil, ReasonClear, 1),
				setTo(g.name, dnsrec.TypeTXT, plan.PartyCustomer, []dnsrec.Record{want}, ReasonPublishKey, 4),
			}
			return nil
		}
	}
	switch {
	case len(g.txts) == 0:
		if len(g.d.CNAMEs) == 0 {
			g.notPublished("key record")
		} else {
			end := dnsrec.TrimDot(g.d.CNAMEs[len(g.d.CNAMEs)-1])
			g.add(CodeNotPublished, plan.SeverityError, map[string]string{"current": end}, 2, 2)
		}
		if expect() && len(g.d.CNAMEs) == 0 {
			g.d.Edits = []plan.Edit{setTo(g.name, dnsrec.TypeTXT, plan.PartyCustomer, []dnsrec.Record{want}, ReasonPublishKey, 1)}
		}
		return nil
	case len(g.txts) > 1:
		g.several(want, wantB64)
		return nil
	}
	value := g.txts[0].Value()
	if !expect() {
		g.lintPublished()
		return nil
	}
	g.compare(value, wantB64)
	if plan.Worst(g.d.Findings) == plan.SeverityError || hasCode(g.d.Findings, CodeWhitespace) {
		if len(g.d.CNAMEs) == 0 {
			want.TTL = g.txts[0].TTL
			g.d.Edits = []plan.Edit{setTo(g.name, dnsrec.TypeTXT, plan.PartyCustomer, []dnsrec.Record{want}, ReasonPublishKey, 2)}
		}
	}
	return nil
}

// lintPublished lints the single published record, or says there are several.
func (g *diagnoser) lintPublished() {
	if len(g.txts) != 1 {
		g.several(dnsrec.Record{}, "")
		return
	}
	v := g.txts[0].Value()
	g.d.Findings = append(g.d.Findings, Lint(v)...)
	if inner, _ := unquote(v); inner != "" {
		g.d.Record, _ = Parse(inner)
	}
}

func hasCode(fs []plan.Finding, code plan.Code) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

// selectorTaken reports a selector delegated to another mail service (its
// own keys, which it rotates): the vendor's key cannot go there without
// breaking that service's signatures, so no change is proposed.
func (g *diagnoser) selectorTaken(target string) {
	current := dnsrec.TrimDot(g.d.CNAMEs[0])
	service := DelegatedService(current)
	params := map[string]string{"selector": g.c.Selector, "current": current, "service": service}
	if target != "" {
		params["target"] = dnsrec.TrimDot(target)
	}
	g.add(CodeSelectorTaken, plan.SeverityError, params, 1, 1)
}
