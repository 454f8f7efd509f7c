package feedback

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/internal/resolve"
	"github.com/domainauth/domainauth/spf"
)

// maxNamedSources bounds the reverse DNS look-ups of a summary: the
// sources sending the most mail are named, the rest are counted.
// maxCheckedSources bounds the SPF evaluations (the vendor's term, the
// domain's record) in the same way: a source past it is judged by what
// the reports say alone.
const (
	maxNamedSources   = 200
	maxCheckedSources = 1000
)

// SourceKind says what a sending address is to the domain whose reports
// name it.
type SourceKind string

// Kinds of source.
const (
	// SourceAligned: some of its mail passed DMARC (SPF or DKIM aligned
	// with the From domain): the domain's own mail.
	SourceAligned SourceKind = "aligned"
	// SourceVendor: the vendor's SPF term authorizes the address.
	SourceVendor SourceKind = "vendor"
	// SourceService: the domain's own SPF record authorizes the address:
	// a service the domain declared, sending with a return address or
	// DKIM key of its own.
	SourceService SourceKind = "service"
	// SourceUnaligned: SPF or DKIM passed, but only for an unrelated
	// domain of the source's own, and neither the domain nor the vendor
	// authorizes it: a spoofer with a domain of its own, a forwarder, or a
	// service the domain has not declared. DMARC exists to stop such mail.
	SourceUnaligned SourceKind = "unaligned"
	// SourceUnauthenticated: nothing passed.
	SourceUnauthenticated SourceKind = "unauthenticated"
)

// SourceSummary is what the reports say about one sending address.
type SourceSummary struct {
	IP       netip.Addr `json:"ip"`
	Messages int        `json:"messages"`
	Passed   int        `json:"passed"` // messages that passed DMARC (DKIM or SPF aligned)
	// Host is the address's reverse DNS name, when it has one (the most
	// active sources only).
	Host string `json:"host,omitempty"`
	// Kind is what the source is to the domain.
	Kind SourceKind `json:"kind"`
	// Vendor: the address is authorized by the vendor's SPF term.
	Vendor bool `json:"vendor"`
	// Legitimate: some of its mail failed DMARC, and it is a real sender
	// of the domain's mail: aligned for the rest of its mail, the
	// vendor's, a service the domain's SPF record authorizes, or a
	// forwarder or list whose failing mail a receiver delivered only by
	// overriding the policy (Overridden).
	Legitimate bool `json:"legitimate"`
	// Why says why it is legitimate, or for an unaligned source what
	// passed for which domain.
	Why string `json:"why,omitempty"`
	// Overridden: messages that failed DMARC and were delivered only
	// because the receiver overrode the policy (forwarded, mailing_list,
	// trusted_forwarder, local_policy, an ARC chain that passed), for the
	// reason Override gives.
	Overridden int    `json:"overridden,omitempty"`
	Override   string `json:"override,omitempty"`
	// why is Why's sentences (package i18n), with the separator before
	// each: what [SourceSummary.WhyIn] renders.
	why []whyPart
}

// whyPart is one sentence of a source's Why, with what joins it to the
// sentence before it ("; " or ": ").
type whyPart struct {
	sep string
	s   sentence
}

// WhyIn is Why in the catalogue language tag matches (package i18n);
// Why itself for a summary read back from JSON.
func (s SourceSummary) WhyIn(tag language.Tag) string {
	if len(s.why) == 0 {
		return s.Why
	}
	var b strings.Builder
	for i, p := range s.why {
		if i > 0 {
			b.WriteString(p.sep)
		}
		b.WriteString(p.s.In(tag))
	}
	return b.String()
}

// setWhy sets the sentences of Why, and Why in English ("" for none).
func (s *SourceSummary) setWhy(parts ...whyPart) {
	s.why, s.Why = parts, ""
	s.Why = s.WhyIn(i18n.English)
}

// ReportSummary sums reports up for one domain.
type ReportSummary struct {
	Domain   string          `json:"domain"`
	Reports  int             `json:"reports"`
	Messages int             `json:"messages"`
	Passed   int             `json:"passed"`
	Sources  []SourceSummary `json:"sources"` // by messages, most first
	// Hurt are the legitimate sources whose mail fails DMARC: a stricter
	// policy would quarantine or reject it.
	Hurt []SourceSummary `json:"hurt"`
	// Unaligned are the sources that pass SPF or DKIM only for an
	// unrelated domain of their own ([SourceUnaligned]): reported, as one
	// may be a service the domain forgot to declare, but they do not make
	// tightening unsafe by themselves. One whose mail a receiver delivered
	// by overriding the policy is in Hurt instead.
	Unaligned []SourceSummary `json:"unaligned"`
	// SafeToTighten: there is mail to judge by, and no legitimate source
	// fails; NotSafeBecause says why not.
	SafeToTighten  bool   `json:"safe_to_tighten"`
	NotSafeBecause string `json:"not_safe_because,omitempty"`
	// Unread counts the records the reports summed but did not keep, past
	// [MaxReportRows] rows each (in Messages and Passed, but in no
	// source): their failing mail cannot be judged, so it makes
	// tightening unsafe.
	Unread ReportOverflow `json:"unread,omitzero"`
}

// Summarize sums up the aggregate reports of domain (reports for other
// domains are skipped): per sending address, its reverse DNS name (for the
// 200 most active), whether vendorTerm (such as
// "include:spf.vendor.example" or "ip4:192.0.2.0/24") authorizes it,
// whether it passes, and what it is to the domain ([SourceKind]); and
// whether it is safe to move the domain to a stricter DMARC policy,
// naming the legitimate sources that would be hurt. A source is the
// domain's legitimate mail only when some of its mail is aligned, the
// vendor's term authorizes it, or the domain's own SPF record does (a
// declared service, checked with check_host(), RFC 7208): a source that
// passes SPF or DKIM only for an unrelated domain of its own is reported
// apart (possible spoofing or forwarding) and does not make tightening
// unsafe, unless a receiver delivered its failing mail only by overriding
// the policy (policy_evaluated/reason forwarded, mailing_list,
// trusted_forwarder, local_policy, or an "arc=pass" comment): that is
// mail passed on that a stricter policy loses, and its source is hurt.
// Failing mail in records a report counted past [MaxReportRows] makes
// tightening unsafe too, as its sources are not known. The SPF evaluations are made for the 1,000 most active sources;
// the others are judged by what the reports say. DNS failures are errors.
func Summarize(ctx context.Context, r dnsrec.Resolver, domain, vendorTerm string, reports ...*AggregateReport) (*ReportSummary, error) {
	name, err := dnsrec.ParseDomain("domain", domain)
	if err != nil {
		return nil, fmt.Errorf("feedback: Summarize: %w", err)
	}
	r = resolve.Cached(r)
	sum := &ReportSummary{Domain: dnsrec.TrimDot(name)}
	by := map[netip.Addr]*SourceSummary{}
	for _, rep := range reports {
		if rep == nil || strings.TrimSuffix(rep.Domain, ".") != sum.Domain {
			continue
		}
		sum.Reports++
		o := rep.Overflow
		sum.Unread.Records = addCount(sum.Unread.Records, o.Records)
		sum.Unread.Messages = addCount(sum.Unread.Messages, o.Messages)
		sum.Unread.Failed = addCount(sum.Unread.Failed, o.Failed)
		sum.Messages = addCount(sum.Messages, o.Messages)
		sum.Passed = addCount(sum.Passed, max(o.Messages-o.Failed, 0))
		for _, row := range rep.Rows {
			s := by[row.SourceIP]
			if s == nil {
				s = &SourceSummary{IP: row.SourceIP}
				by[row.SourceIP] = s
			}
			s.Messages += row.Count
			sum.Messages += row.Count
			if row.Passed() {
				s.Passed += row.Count
				sum.Passed += row.Count
				continue
			}
			if o, ok := deliveredByOverride(row); ok {
				s.Overridden = addCount(s.Overridden, row.Count)
				if s.Override == "" {
					s.Override = o.String()
				}
			}
			if len(s.why) == 0 {
				if own, ok := ownAuthentication(row); ok {
					s.setWhy(whyPart{s: own})
				}
			}
		}
	}
	for _, s := range by {
		sum.Sources = append(sum.Sources, *s)
	}
	sort.Slice(sum.Sources, func(i, j int) bool {
		a, b := sum.Sources[i], sum.Sources[j]
		if a.Messages != b.Messages {
			return a.Messages > b.Messages
		}
		return a.IP.Less(b.IP)
	})
	for i := range sum.Sources {
		s := &sum.Sources[i]
		if i < maxNamedSources {
			a, err := r.Lookup(ctx, dnsrec.ReverseName(s.IP), dnsrec.TypePTR)
			if err != nil && errors.Is(err, dnsrec.ErrTemporary) {
				return nil, fmt.Errorf("feedback: %w", err)
			}
			if err == nil && len(a.Targets()) > 0 {
				s.Host = dnsrec.TrimDot(a.Targets()[0])
			}
		}
		checked := i < maxCheckedSources
		if checked {
			vendor, err := authorizedBy(ctx, r, vendorTerm, s.IP)
			if err != nil {
				return nil, err
			}
			s.Vendor = vendor
		}
		if s.Passed >= s.Messages {
			s.Kind = SourceAligned
			s.setWhy()
			if s.Vendor {
				s.Kind = SourceVendor
			}
			continue
		}
		own := s.why // what passed for the source's own domain, if anything
		switch {
		case s.Vendor:
			s.Kind, s.Legitimate = SourceVendor, true
			s.setWhy(whyPart{s: sentence{Code: "feedback-why-vendor"}})
		case s.Passed > 0:
			s.Kind, s.Legitimate = SourceAligned, true
			s.setWhy(whyPart{s: sentence{"feedback-why-aligned", map[string]string{"passed": strconv.Itoa(s.Passed)}}})
		default:
			declared := false
			if checked {
				var err error
				if declared, err = authorizedBy(ctx, r, "include:"+sum.Domain, s.IP); err != nil {
					return nil, err
				}
			}
			switch {
			case declared:
				s.Kind, s.Legitimate = SourceService, true
				parts := []whyPart{{s: sentence{"feedback-why-service", map[string]string{"domain": sum.Domain}}}}
				if len(own) > 0 {
					parts = append(parts, whyPart{": ", own[0].s})
				}
				s.setWhy(parts...)
			case len(own) > 0:
				s.Kind = SourceUnaligned
			default:
				s.Kind = SourceUnauthenticated
				s.setWhy()
			}
		}
		overrideHurt(s)
		if s.Legitimate {
			sum.Hurt = append(sum.Hurt, *s)
		}
		if s.Kind == SourceUnaligned && !s.Legitimate {
			sum.Unaligned = append(sum.Unaligned, *s)
		}
	}
	sum.SafeToTighten = sum.Messages > 0 && len(sum.Hurt) == 0 && sum.Unread.Failed == 0
	sum.NotSafeBecause = sum.NotSafeBecauseIn(i18n.English)
	return sum, nil
}

// NotSafeBecauseIn is NotSafeBecause in the catalogue language tag
// matches (package i18n): "" when it is safe to tighten.
func (sum *ReportSummary) NotSafeBecauseIn(tag language.Tag) string {
	c := i18n.Default()
	switch {
	case sum.SafeToTighten:
		return ""
	case sum.Messages == 0:
		return c.Text(tag, "feedback-not-safe-empty.message", map[string]string{"domain": sum.Domain})
	case len(sum.Hurt) > 0:
		var names []string
		for _, h := range sum.Hurt {
			n := h.IP.String()
			if h.Host != "" {
				n += " (" + h.Host + ")"
			}
			names = append(names, c.Text(tag, "feedback-hurt-source.message", map[string]string{"source": n,
				"failed": strconv.Itoa(h.Messages - h.Passed), "messages": strconv.Itoa(h.Messages), "why": h.WhyIn(tag)}))
		}
		because := c.Text(tag, "feedback-not-safe-hurt.message", map[string]string{"sources": strings.Join(names, "; ")})
		if sum.Unread.Failed > 0 {
			because += "; " + unreadText(tag, sum.Unread)
		}
		return because
	case sum.Unread.Failed > 0:
		return unreadText(tag, sum.Unread)
	}
	return ""
}

// ownAuthentication says what passed for a failing row: SPF or DKIM for
// a domain of the sender's own, not aligned with From.
func ownAuthentication(row ReportRow) (sentence, bool) {
	for _, d := range row.DKIM {
		if d.Result == "pass" {
			return sentence{"feedback-why-own", map[string]string{"method": "DKIM", "domain": d.Domain, "from": row.HeaderFrom}}, true
		}
	}
	for _, s := range row.SPF {
		if s.Result == "pass" {
			return sentence{"feedback-why-own", map[string]string{"method": "SPF", "domain": s.Domain, "from": row.HeaderFrom}}, true
		}
	}
	return sentence{}, false
}

// authorizedBy reports whether an SPF term authorizes ip: an ip4:/ip6:
// network that holds it, or an include: whose record passes it.
func authorizedBy(ctx context.Context, r dnsrec.Resolver, term string, ip netip.Addr) (bool, error) {
	if term == "" {
		return false, nil
	}
	rec, err := spf.Parse("v=spf1 " + term)
	if err != nil || len(rec.Terms) != 1 {
		return false, fmt.Errorf("feedback: Summarize: vendor term %q: %w", term, err)
	}
	t := rec.Terms[0]
	switch t.Mechanism {
	case spf.MechIP4, spf.MechIP6:
		return t.Net.Contains(ip), nil
	case spf.MechInclude:
		res := (&spf.Checker{Resolver: r}).CheckHost(ctx, ip, t.Domain, "postmaster@"+t.Domain, t.Domain)
		if res.Status == spf.StatusTempError {
			return false, fmt.Errorf("feedback: %w", res.Err)
		}
		return res.Status == spf.StatusPass, nil
	}
	return false, fmt.Errorf("feedback: Summarize: vendor term %q: give an include:, ip4: or ip6: term", term)
}
