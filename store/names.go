package store

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/internal/resolve"
)

// NameResult is the outcome of looking up a source address's reverse
// name, as RFC 8601, Section 2.7.3 names the results of its "iprev"
// method; "" is an address not looked up yet.
type NameResult string

// Results of a reverse name's look-up.
const (
	// NamePass: a PTR name of the address resolves back to it (A for an
	// IPv4 address, AAAA for IPv6): the forward-confirmed name is kept.
	NamePass NameResult = "pass"
	// NameFail: the address has PTR names, but none resolves back to it;
	// receivers treat such a name as none, and so does the store.
	NameFail NameResult = "fail"
	// NamePermError: no PTR record (NXDOMAIN, or the name holds none).
	NamePermError NameResult = "permerror"
	// NameTempError: DNS failed for now (SERVFAIL, a timeout); looked up
	// again after [NameOptions.RetryAfter].
	NameTempError NameResult = "temperror"
)

// maxPTRNames bounds the PTR names of one address whose forward records
// are asked for: ten, the bound RFC 7208, Section 4.6.4 sets on the SPF
// "ptr" mechanism's names for the same check.
const maxPTRNames = 10

// SourceName is what the store knows of a source address's reverse name.
type SourceName struct {
	IP     netip.Addr
	Result NameResult // "" when not looked up yet
	// Name is the forward-confirmed name, without the trailing dot: with
	// NamePass, and, as the store keeps it, with NameTempError when an
	// earlier look-up confirmed one (a failure for now takes no name
	// away).
	Name string
	// Reason says what DNS answered when no name was kept: the PTR
	// names that do not resolve back, NXDOMAIN, the failure.
	Reason string
	// At is when the address was looked up; zero when not yet.
	At time.Time

	err error // the DNS failure of a NameTempError, as LookupName met it
}

// NameOptions says which sources' names [ResolveNames] looks up, and how.
// The zero value is the documented defaults.
type NameOptions struct {
	// Now is the time of the look-ups; the zero value is the present.
	Now time.Time
	// MaxAge is how long a name, or its absence, holds: a source a report
	// showed within MaxAge is looked up again once its last look-up is
	// older. 0 means 30 days.
	MaxAge time.Duration
	// RetryAfter is how long after a temporary failure a source is looked
	// up again. 0 means one hour; it is at most MaxAge.
	RetryAfter time.Duration
	// Max bounds the sources looked up in one call: the newest first, the
	// rest at the next call. 0 means 1,000.
	Max int
	// Concurrency bounds the look-ups at once. 0 means 8.
	Concurrency int
	// Timeout bounds the look-up of one source (its PTR record and the
	// addresses of its names): one that runs out is a temporary failure.
	// 0 means 10 seconds.
	Timeout time.Duration
}

// defaults returns o with its zero values filled in.
func (o NameOptions) defaults() NameOptions {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.MaxAge <= 0 {
		o.MaxAge = 30 * 24 * time.Hour
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = time.Hour
	}
	o.RetryAfter = min(o.RetryAfter, o.MaxAge)
	if o.Max <= 0 {
		o.Max = 1000
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	return o
}

// lease is how long a call holds the sources it claimed: longer than the
// call can take (Max sources, Concurrency at a time, each within Timeout),
// so that two processes never look one source up at once, and the sources
// of a process that dies are looked up by another when it ends.
func (o NameOptions) lease() time.Duration {
	rounds := (o.Max + o.Concurrency - 1) / o.Concurrency
	return time.Duration(rounds+1)*o.Timeout + time.Minute
}

// NamesResult counts what [ResolveNames] did, per result.
type NamesResult struct {
	Looked    int // sources looked up
	Pass      int // a forward-confirmed name kept
	Fail      int // PTR names that do not resolve back
	PermError int // no PTR record
	TempError int // DNS failed for now: looked up again later
}

// ResolveNames looks up the reverse names of the store's sources that
// have none yet: those new in the reports since the last call, those
// whose look-up failed temporarily RetryAfter ago, and those whose
// look-up is older than MaxAge; at most o.Max of them, o.Concurrency at a
// time, each within o.Timeout, through r (in front of which it puts a
// cache for the call, unless r is a dnsrec.Cache already, whose answers
// are then shared). It keeps, as receivers do, only the forward-confirmed
// name (RFC 8601, Section 3): a PTR name whose A or AAAA records hold the
// address. A failure of one source never fails the others: it is recorded
// (NameTempError, to retry) and counted. The error is the store's, or
// ctx's when it ends, in which case nothing is recorded and the sources
// claimed are looked up again when their lease ends.
//
// It never holds up ingestion: the reports are read for new sources in
// short transactions, and DNS is asked outside of any.
func ResolveNames(ctx context.Context, s Store, r dnsrec.Resolver, o NameOptions) (NamesResult, error) {
	var res NamesResult
	if r == nil {
		return res, fmt.Errorf("store: reverse names: %w", dnsrec.ErrNoResolver)
	}
	o = o.defaults()
	ips, err := s.ClaimNames(ctx, o)
	if err != nil || len(ips) == 0 {
		return res, err
	}
	c := resolve.Cached(r)
	out := make([]SourceName, len(ips))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(o.Concurrency, len(ips)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				lctx, cancel := context.WithTimeout(ctx, o.Timeout)
				out[i] = LookupName(lctx, c, ips[i])
				cancel()
				// As the store has it (an IPv4-mapped address stays one).
				out[i].IP, out[i].At = ips[i], o.Now
			}
		}()
	}
feed:
	for i := range ips {
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		// Failures that are ctx's, not DNS's: nothing is recorded.
		return res, err
	}
	for _, n := range out {
		res.Looked++
		switch n.Result {
		case NamePass:
			res.Pass++
		case NameFail:
			res.Fail++
		case NamePermError:
			res.PermError++
		default:
			res.TempError++
		}
	}
	if err := s.SetNames(ctx, out); err != nil {
		return NamesResult{}, err
	}
	return res, nil
}

// LookupName looks up ip's forward-confirmed reverse name through r, as
// RFC 8601, Section 3 describes it: the PTR names of ip (at most ten, in
// order), each kept only when its A records (AAAA for an IPv6 address)
// hold ip. The first name that does is the result's Name; with none, the
// result says why (NameFail, NamePermError), or that DNS failed for now
// (NameTempError: any error but a negative answer, so that it is asked
// again). It never panics on what DNS answers.
func LookupName(ctx context.Context, r dnsrec.Resolver, ip netip.Addr) SourceName {
	ip = ip.Unmap()
	n := SourceName{IP: ip}
	if !ip.IsValid() {
		n.Result, n.Reason = NamePermError, "no address"
		return n
	}
	rev := dnsrec.ReverseName(ip)
	ans, err := resolve.Ensure(r).Lookup(ctx, rev, dnsrec.TypePTR)
	switch {
	case err != nil:
		n.Result, n.Reason, n.err = NameTempError, err.Error(), err
		return n
	case ans.NXDomain:
		n.Result, n.Reason = NamePermError, rev+" does not exist (NXDOMAIN)"
		return n
	}
	var names []string
	seen := map[string]bool{}
	for _, t := range ans.Targets() {
		if t = strings.ToLower(dnsrec.TrimDot(t)); t != "" && !seen[t] && len(names) < maxPTRNames {
			seen[t] = true
			names = append(names, t)
		}
	}
	if len(names) == 0 {
		n.Result, n.Reason = NamePermError, rev+" has no PTR record"
		return n
	}
	fwd := dnsrec.TypeA
	if ip.Is6() {
		fwd = dnsrec.TypeAAAA
	}
	var temp error
	for _, name := range names {
		a, err := r.Lookup(ctx, name+".", fwd)
		if err != nil {
			if temp == nil {
				temp = err
			}
			continue
		}
		for _, back := range a.Addrs() {
			if back == ip {
				n.Result, n.Name = NamePass, name
				return n
			}
		}
	}
	if temp != nil {
		n.Result, n.Reason, n.err = NameTempError, temp.Error(), temp
		return n
	}
	n.Result = NameFail
	n.Reason = fmt.Sprintf("the PTR record names %s, which does not resolve back to %s", strings.Join(names, ", "), ip)
	return n
}

// sortNames orders names by address.
func sortNames(ns []SourceName) {
	sort.Slice(ns, func(i, j int) bool { return ns[i].IP.Less(ns[j].IP) })
}
