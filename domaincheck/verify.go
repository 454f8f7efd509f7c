package domaincheck

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/sender"
	"github.com/domainauth/domainauth/spf"
)

// Verifier allows a sender address on a domain that is not on the policy's
// list because the domain's DNS really authorizes the vendor: the same
// verdict as [Checker.Check]'s MaySend, for the same profile: no server
// gets SPF fail with the customer's domain in MAIL FROM, and DMARC passes
// for the mail of every one of the vendor's servers, through SPF (evaluated
// for the envelope domain the profile says the vendor uses, and not
// counted when the record passes anyone) or through the vendor's DKIM keys
// published at the domain. A Verifier is safe for concurrent use and must
// not be copied after first use.
type Verifier struct {
	// Checker holds the vendor's profile and the resolver. With no Checker
	// (or no Profile) no domain is verified, and each Verification's Err
	// says why.
	Checker *Checker
	// MaxEntries bounds the DNS answers the Verifier keeps when the
	// Checker's resolver is not already a dnsrec.Cache; 0 means 10,000.
	// Answers are kept for their TTL (at most an hour), so that a form
	// anyone can type domains into cannot grow memory without limit and a
	// customer's change is seen within the hour.
	MaxEntries int
	// Now is the cache's clock; nil means time.Now.
	Now func() time.Time

	once  sync.Once
	cache *dnsrec.Cache
}

func (v *Verifier) resolver() dnsrec.Resolver {
	if c, ok := v.Checker.Resolver.(*dnsrec.Cache); ok && c != nil {
		return c
	}
	v.once.Do(func() {
		v.cache = &dnsrec.Cache{Resolver: v.Checker.Resolver, MaxEntries: v.MaxEntries, Now: v.Now}
	})
	return v.cache
}

// Verify checks a domain.
func (v *Verifier) Verify(ctx context.Context, domain string) *sender.Verification {
	a := &sender.Verification{Domain: domain}
	if v.Checker == nil {
		a.Err = ErrNoProfile
		return a
	}
	if err := v.Checker.validate(); err != nil {
		a.Err = err
		return a
	}
	name, err := dnsrec.ParseDomain("domain", domain)
	if err != nil {
		a.Err, a.SPFDetail = err, "invalid domain"
		return a
	}
	a.Domain = dnsrec.TrimDot(name)
	r := v.resolver()
	vd := v.Checker.Profile.decide(ctx, r, name, v.Checker.Profile.keyReports(ctx, r, name))
	a.Err = vd.Err
	a.DKIM, a.DKIMDetail = vd.DKIM, vd.DKIMDetail
	a.SPF = len(vd.Servers) > 0 && !vd.Everyone.IsValid()
	var notes []string
	for _, sv := range vd.Servers {
		if sv.SPF.Status != spf.StatusPass {
			a.SPF = false
			notes = append(notes, sv.SPF.Summary())
		}
	}
	switch {
	case vd.Everyone.IsValid():
		a.SPFDetail = fmt.Sprintf("the SPF record of %s passes every host on the internet (%s passes through %q), which authorizes no one in particular", dnsrec.TrimDot(vd.Envelope), vd.Everyone, vd.EveryoneTerm)
	case a.SPF:
		a.SPFDetail = "the SPF record passes every sending address"
	default:
		a.SPFDetail = strings.Join(notes, " ")
	}
	a.DMARC = vd.Pass && vd.Err == nil
	a.DMARCDetail = "DMARC fails for the vendor's mail"
	if len(vd.Servers) > 0 && vd.Servers[0].DMARC != nil {
		a.DMARCDetail = vd.Servers[0].DMARC.Reason
	}
	a.Authorized = vd.accepted()
	if len(vd.HardFail) > 0 && vd.Err == nil {
		a.DMARCDetail += "; but " + hardFail(vd).Message
	}
	return a
}
