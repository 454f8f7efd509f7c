package domainconnect

import (
	"context"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/plan"
)

// maxOverlayChain bounds the CNAME chain the overlay follows itself.
const maxOverlayChain = 8

// Overlay answers as the zone would once changes are made: the record sets
// the changes touch are answered from their Proposed records, everything
// else by the Resolver underneath. It is how a template (or a plan) is
// tried on the zone as read, in memory, before anyone clicks.
//
// A name the changes turn into an alias (a CNAME) is followed, from the
// overlay and then through the Resolver; a name whose CNAME the changes
// remove answers the types they do not set with no records. Answers of
// the Resolver that reach a changed name through a CNAME of their own are
// not rewritten.
type Overlay struct {
	Resolver dnsrec.Resolver
	sets     map[overlayKey][]dnsrec.Record
	names    map[string]bool
}

type overlayKey struct {
	name string
	t    dnsrec.Type
}

// NewOverlay returns the overlay of changes on r.
func NewOverlay(r dnsrec.Resolver, changes []plan.Change) *Overlay {
	o := &Overlay{Resolver: r, sets: map[overlayKey][]dnsrec.Record{}, names: map[string]bool{}}
	for _, c := range changes {
		name := strings.ToLower(c.Name)
		o.sets[overlayKey{name, c.Type}] = append([]dnsrec.Record(nil), c.Proposed...)
		o.names[name] = true
	}
	return o
}

// Lookup answers a question. See [dnsrec.Resolver].
func (o *Overlay) Lookup(ctx context.Context, name string, t dnsrec.Type) (*dnsrec.Answer, error) {
	qname, err := dnsrec.CanonicalName(name)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, &dnsrec.Error{Name: qname, Type: t, Err: dnsrec.ErrTimeout}
	}
	ans := &dnsrec.Answer{Name: qname, Type: t, TTL: 60}
	cur := qname
	for hops := 0; hops <= maxOverlayChain; hops++ {
		if !o.names[cur] {
			if cur == qname {
				return o.Resolver.Lookup(ctx, name, t)
			}
			rest, err := o.Resolver.Lookup(ctx, cur, t)
			if err != nil {
				return nil, err
			}
			ans.CNAMEs = append(ans.CNAMEs, rest.CNAMEs...)
			ans.Records, ans.NXDomain = rest.Records, rest.NXDomain
			return ans, nil
		}
		cn, changed := o.sets[overlayKey{cur, dnsrec.TypeCNAME}]
		if t != dnsrec.TypeCNAME && changed && len(cn) > 0 {
			target := strings.ToLower(cn[0].Data)
			ans.CNAMEs = append(ans.CNAMEs, target)
			cur = target
			continue
		}
		if recs, ok := o.sets[overlayKey{cur, t}]; ok {
			ans.Records = append([]dnsrec.Record(nil), recs...)
			return ans, nil
		}
		if changed {
			// The changes removed the name's CNAME: what it held is gone,
			// and the name holds only the sets they set.
			return ans, nil
		}
		// The name has changed sets, but not of this type, nor its
		// alias: the real answer, with the name existing now.
		a, err := o.Resolver.Lookup(ctx, cur, t)
		if err != nil {
			return nil, err
		}
		ans.CNAMEs = append(ans.CNAMEs, a.CNAMEs...)
		ans.Records = a.Records
		return ans, nil
	}
	return nil, &dnsrec.Error{Name: qname, Type: t, Err: dnsrec.ErrServFail}
}
