package sender

import (
	"context"
	"crypto"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/resolve"
	"github.com/domainauth/domainauth/spf"
)

// Verifier allows a domain because its DNS really authorizes the vendor:
// its SPF record passes the vendor's sending addresses (so SPF aligns when
// the vendor uses the domain in MAIL FROM), and/or the vendor's DKIM
// selector is published or delegated correctly (so DKIM aligns), such that
// DMARC would pass with alignment. Results are cached for TTL; temporary
// DNS failures are not. A Verifier is safe for concurrent use and must not
// be copied after first use.
type Verifier struct {
	// Resolver answers the DNS questions; with none, no domain is
	// authorized and each Authorization's Err is dnsrec.ErrNoResolver.
	Resolver dnsrec.Resolver
	// SendingIPs are the vendor's outgoing addresses; SPF must pass for
	// every one of them.
	SendingIPs []netip.Addr
	// DKIMSelector is the vendor's selector; with DKIMTarget the customer
	// must delegate it by CNAME, with DKIMKey publish that key.
	DKIMSelector string
	DKIMTarget   string
	DKIMKey      crypto.PublicKey
	// TTL is how long a result is kept; 0 means one hour.
	TTL time.Duration
	// MaxEntries bounds the results kept; 0 means 10,000. When full,
	// expired results go first, then the oldest tenth, so that a form that
	// anyone can type domains into cannot grow memory without limit.
	MaxEntries int
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu    sync.Mutex
	cache map[string]*Authorization
}

// authorizesEveryone reports whether an SPF term passes every address:
// +all, all, or an ip4:/ip6: network of length 0.
func authorizesEveryone(term string) bool {
	rec, err := spf.Parse("v=spf1 " + term)
	if err != nil || len(rec.Terms) != 1 {
		return false
	}
	t := rec.Terms[0]
	switch t.Mechanism {
	case spf.MechAll:
		return t.Qualifier == spf.QualifierPass || t.Qualifier == spf.QualifierNone
	case spf.MechIP4, spf.MechIP6:
		return t.Net.Bits() == 0
	}
	return false
}

// Authorization is what the DNS of a domain says about the vendor.
type Authorization struct {
	Domain     string
	Authorized bool // DMARC would pass with alignment
	SPF        bool // every sending address passes SPF for the domain
	DKIM       bool // the vendor's DKIM key is published or delegated correctly
	DMARC      bool
	// Details say why each check passed or failed.
	SPFDetail, DKIMDetail, DMARCDetail string
	CheckedAt                          time.Time
	Cached                             bool  // the result came from the cache
	Err                                error // a temporary DNS failure (the result is then not cached)
}

// Summary says which checks passed, for the preview.
func (a *Authorization) Summary() string {
	mark := func(ok bool) string {
		if ok {
			return "passed"
		}
		return "failed"
	}
	s := fmt.Sprintf("SPF %s, DKIM %s, DMARC %s", mark(a.SPF), mark(a.DKIM), mark(a.DMARC))
	if a.Err != nil {
		s += fmt.Sprintf("; DNS failure: %v", a.Err)
	}
	return s
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// Verify checks a domain, from the cache when it can.
func (v *Verifier) Verify(ctx context.Context, domain string) *Authorization {
	name, err := dnsrec.CanonicalName(domain)
	if err != nil {
		return &Authorization{Domain: domain, Err: err, SPFDetail: "invalid domain"}
	}
	ttl := v.TTL
	if ttl <= 0 {
		ttl = time.Hour
	}
	v.mu.Lock()
	if a, ok := v.cache[name]; ok && v.now().Sub(a.CheckedAt) < ttl {
		v.mu.Unlock()
		c := *a
		c.Cached = true
		return &c
	}
	v.mu.Unlock()

	a := v.check(ctx, name)
	if a.Err == nil {
		v.mu.Lock()
		if v.cache == nil {
			v.cache = map[string]*Authorization{}
		}
		v.evictLocked(ttl)
		v.cache[name] = a
		v.mu.Unlock()
	}
	return a
}

// Len returns the number of results kept.
func (v *Verifier) Len() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.cache)
}

// evictLocked makes room for one result.
func (v *Verifier) evictLocked(ttl time.Duration) {
	limit := v.MaxEntries
	if limit <= 0 {
		limit = 10000
	}
	if len(v.cache) < limit {
		return
	}
	now := v.now()
	for k, a := range v.cache {
		if now.Sub(a.CheckedAt) >= ttl {
			delete(v.cache, k)
		}
	}
	if len(v.cache) < limit {
		return
	}
	keys := make([]string, 0, len(v.cache))
	for k := range v.cache {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return v.cache[keys[i]].CheckedAt.Before(v.cache[keys[j]].CheckedAt) })
	for _, k := range keys[:len(keys)-(limit-limit/10)+1] {
		delete(v.cache, k)
	}
}

func (v *Verifier) check(ctx context.Context, name string) *Authorization {
	a := &Authorization{Domain: dnsrec.TrimDot(name), CheckedAt: v.now()}
	// SPF for each address, DKIM and DMARC share one cache for the check,
	// so that no question is asked twice.
	res := &dnsrec.Cache{Resolver: resolve.Ensure(v.Resolver)}
	// SPF: every sending address must pass with the domain as MAIL FROM;
	// DKIM: the selector is published or delegated as expected. The same
	// evaluation as Checker's.
	if len(v.SendingIPs) == 0 {
		a.SPFDetail = "no sending addresses configured"
	} else {
		a.SPF = true
		var notes []string
		for _, r := range vendorSPF(ctx, res, name, v.SendingIPs, a.Domain) {
			if r.Status == spf.TempError {
				a.Err = r.Err
			}
			switch {
			case r.Status != spf.Pass:
				a.SPF = false
				notes = append(notes, r.Summary())
			case authorizesEveryone(r.Term):
				// +all (or a /0 network) passes every host on the
				// internet: that is no authorization of the vendor.
				a.SPF = false
				notes = append(notes, fmt.Sprintf("the SPF record of %s passes every host on the internet (%s), which authorizes no one in particular", a.Domain, r.Term))
			}
		}
		a.SPFDetail = "the SPF record passes every sending address"
		if !a.SPF {
			a.SPFDetail = strings.Join(notes, " ")
		}
	}
	if v.DKIMSelector == "" {
		a.DKIMDetail = "no DKIM selector configured"
	} else {
		var err error
		a.DKIM, a.DKIMDetail, err = keysPublished(ctx, res, []dkim.KeyCheck{{Domain: name, Selector: v.DKIMSelector, Target: v.DKIMTarget, Key: v.DKIMKey}})
		if err != nil {
			a.Err = err
		}
		if a.DKIM {
			a.DKIMDetail = "the DKIM selector " + v.DKIMSelector + " is set up"
		}
	}
	// DMARC: would a message pass, with the vendor using the domain in MAIL
	// FROM and signing with d=domain?
	verdict, err := dmarc.Evaluate(ctx, res, dmarc.Input{
		From: name,
		SPF:  dmarc.Identifier{Domain: name, Pass: a.SPF},
		DKIM: []dmarc.Identifier{{Domain: name, Pass: a.DKIM}},
	})
	if err != nil {
		a.Err, a.DMARCDetail = err, err.Error()
		return a
	}
	a.DMARC, a.DMARCDetail = verdict.Pass, verdict.Reason
	a.Authorized = a.DMARC && a.Err == nil
	return a
}
