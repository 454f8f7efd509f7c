package spf

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/resolve"
)

// Limits of RFC 7208, Section 4.6.4.
const (
	DefaultMaxLookups     = 10 // terms that query DNS, per check
	DefaultMaxVoidLookups = 2  // lookups that return nothing, per check
	maxMXHosts            = 10 // MX records per mx mechanism
	maxPTRNames           = 10 // PTR names considered per ptr mechanism or %{p}
	maxDepth              = 32 // include/redirect nesting, whatever MaxLookups says
	maxDomainLen          = 253
)

// Checker evaluates check_host() (RFC 7208, Sections 4 to 8). The zero
// value needs only a Resolver; the other fields default to the RFC's values.
// A Checker is safe for concurrent use.
type Checker struct {
	// Resolver answers the DNS questions. Put a dnsrec.Cache in front of a
	// dnsrec.Client to share answers between checks; within one check no
	// question is asked twice regardless. With none, every check gives
	// temperror with dnsrec.ErrNoResolver.
	Resolver dnsrec.Resolver
	// MaxLookups limits the terms that query DNS (include, a, mx, ptr,
	// exists, redirect); 0 means 10.
	MaxLookups int
	// MaxVoidLookups limits the lookups that return NXDOMAIN or no
	// records; 0 means 2.
	MaxVoidLookups int
	// Receiver is the checking host's domain, the %{r} macro in
	// explanations; "" means "unknown".
	Receiver string
	// Now gives the %{t} macro; nil means time.Now.
	Now func() time.Time
	// Sequential turns off fetching ahead. By default, once answers take
	// as long as a round trip to a DNS server (20 µs or more: the first
	// answer, or two later ones), the questions the terms of each record
	// that arrives will need are asked at once, in the background, so
	// that a cold check waits about as many round trips as its includes
	// nest deep rather than one per term. Answers at hand are not worth
	// it: a check whose resolver answers from memory ([dnsrec.InMemory]:
	// a dnsrec.Cache holding the answers, the dnstest zone) or answers as
	// fast runs as a sequential one, on the caller's goroutine. The
	// result, explanation, trace and lookup counts are the same either
	// way; only the order and timing of questions differ, and
	// [Result.Queries] counts those fetched ahead.
	Sequential bool
	// NoTrace leaves [Result.Trace] empty (and [Result.Explain] short): a
	// receiver that checks every message and keeps only the result saves
	// the trace's events, an eighth to a sixth of a check's memory when
	// every answer is new (the words of a trace are made only when it is
	// read).
	// Nothing else changes.
	NoTrace bool
}

// CheckMailFrom checks the envelope sender (MAIL FROM) of a message from
// ip that greeted with helo (RFC 7208, Section 2.4). An empty mailFrom (a
// bounce) checks "postmaster@" + helo instead; a sender without "@" or with
// an empty local part is completed with "postmaster", as Section 4.3 says.
func (c *Checker) CheckMailFrom(ctx context.Context, ip netip.Addr, mailFrom, helo string) *Result {
	sender := mailFrom
	if sender == "" {
		sender = "postmaster@" + helo
	}
	local, domain, ok := cutLast(sender, "@")
	if !ok {
		local, domain = "postmaster", sender
	}
	if local == "" {
		local = "postmaster"
	}
	return c.CheckHost(ctx, ip, domain, local+"@"+domain, helo)
}

// CheckHELO checks the HELO/EHLO identity (RFC 7208, Section 2.3).
func (c *Checker) CheckHELO(ctx context.Context, ip netip.Addr, helo string) *Result {
	r := c.CheckHost(ctx, ip, helo, "postmaster@"+helo, helo)
	r.Identity = IdentityHELO
	return r
}

// CheckHost is the check_host() function of RFC 7208, Section 4: may ip
// send mail for domain, given the sender address (for macros) and the HELO
// name (for %{h})?
func (c *Checker) CheckHost(ctx context.Context, ip netip.Addr, domain, sender, helo string) *Result {
	e := &evaluation{
		c:     c,
		ctx:   ctx,
		ip:    ip.Unmap(),
		res:   &Result{Identity: IdentityMailFrom, Domain: domain, IP: ip, Sender: sender, HELO: helo},
		limit: c.MaxLookups,
		voids: c.MaxVoidLookups,
	}
	if e.limit <= 0 {
		e.limit = DefaultMaxLookups
	}
	if e.voids <= 0 {
		e.voids = DefaultMaxVoidLookups
	}
	e.env.sender = sender
	e.env.local, e.env.sdomain, _ = cutLast(sender, "@")
	e.env.helo = helo
	e.env.ip = e.ip
	e.env.receiver = c.Receiver
	e.env.now = c.Now
	e.r = resolve.Ensure(c.Resolver)
	e.mem, _ = e.r.(dnsrec.InMemory)
	defer e.queries() // stops the prefetcher on every path

	r := e.res
	// Initial processing (Section 4.3): a malformed or single-label domain
	// gives none.
	name, err := dnsrec.CanonicalName(domain)
	if err == nil && strings.Count(name, ".") < 2 {
		err = fmt.Errorf("%q is not a fully qualified domain name", domain)
	}
	// A sender longer than SMTP allows (RFC 5321, Section 4.5.3.1: 64
	// octets of local part, 255 of domain) is malformed; refusing it here
	// also bounds every macro expansion.
	if local, dom, _ := cutLast(sender, "@"); err == nil && (len(local) > maxLocalPart || len(dom) > maxSenderDomain) {
		err = fmt.Errorf("the sender %.40q... is longer than SMTP allows (%d octets of local part, %d of domain; RFC 5321, Section 4.5.3.1)", sender, maxLocalPart, maxSenderDomain)
	}
	if err != nil {
		r.Status = StatusNone
		r.Err = &domainSpecError{err}
		e.record(evInvalid, 0, domain, nil, -1, "")
		r.Trace = e.traceOf()
		return r
	}
	o := e.checkHost(name, 0)
	r.Status, r.Err = o.status, o.err
	r.Term, r.TermDomain, r.Via = o.term, o.termDomain, o.via
	if o.status == StatusFail {
		r.Explanation = o.explanation
		if r.Explanation == "" {
			r.Explanation = DefaultExplanation(dnsrec.TrimDot(name), e.ip)
		}
	}
	r.Lookups, r.VoidLookups = e.lookups, e.voidCount
	r.Queries, r.QueriesNeeded = e.queries(), e.memo.len()
	r.Trace = e.traceOf()
	return r
}

// Limits of a sender address (RFC 5321, Section 4.5.3.1).
const (
	maxLocalPart    = 64
	maxSenderDomain = 255
)

// DefaultExplanation is the explanation of a fail when the domain publishes
// none with exp=.
func DefaultExplanation(domain string, ip netip.Addr) string {
	return fmt.Sprintf("%s has not authorized %s to send mail for it", domain, ip)
}
