package spf

import (
	"fmt"
	"strings"
)

// Summary says in one sentence what the result means for the sender, in
// the manner of the old openspf "Why?" page.
func (r *Result) Summary() string {
	d := strings.TrimSuffix(strings.ToLower(r.Domain), ".")
	ip := r.IP.String()
	via := ""
	if r.Term != "" {
		where := r.TermDomain
		if len(r.Via) > 0 {
			where = r.Via[len(r.Via)-1]
		}
		via = fmt.Sprintf("it matches %q in the record of %s", r.Term, where)
		if len(r.Via) > 0 {
			via += ", included by " + d
			if len(r.Via) > 1 {
				via += " through " + strings.Join(r.Via[:len(r.Via)-1], ", ")
			}
		}
	}
	switch r.Status {
	case StatusPass:
		return fmt.Sprintf("%s has authorized %s to send mail for it: %s.", d, ip, via)
	case StatusFail:
		if r.Term == "" || strings.HasSuffix(r.Term, "all") {
			return fmt.Sprintf("%s has declared that %s may not send mail for it: no term matched, and the record ends in %q. Receivers may reject the message.", d, ip, r.termOr("-all"))
		}
		return fmt.Sprintf("%s has declared that %s may not send mail for it: %s. Receivers may reject the message.", d, ip, via)
	case StatusSoftFail:
		return fmt.Sprintf("%s has said that %s is probably not allowed to send mail for it (%s): receivers usually accept the message but mark it as suspicious.", d, ip, r.termOr("~all"))
	case StatusNeutral:
		if r.Term != "" {
			return fmt.Sprintf("%s makes no statement about %s (%s): receivers treat the message as if there were no SPF record.", d, ip, r.Term)
		}
		return fmt.Sprintf("%s makes no statement about %s: no term matched and its record has no \"all\", so receivers treat the message as if there were no SPF record.", d, ip)
	case StatusNone:
		if r.Err != nil && strings.Contains(r.Err.Error(), "invalid domain") {
			return fmt.Sprintf("%q is not a domain that can have an SPF record, so SPF says nothing about %s.", r.Domain, ip)
		}
		return fmt.Sprintf("%s has not published an SPF policy, so SPF neither allows nor forbids %s.", d, ip)
	case StatusTempError:
		return fmt.Sprintf("The SPF check of %s could not be completed because of a DNS failure (%v); receivers will usually try again later.", d, r.Err)
	case StatusPermError:
		return fmt.Sprintf("The SPF records of %s are broken (%v), so receivers cannot check %s and may treat the message as failing.", d, r.Err, ip)
	}
	return string(r.Status)
}

func (r *Result) termOr(def string) string {
	if r.Term != "" {
		return r.Term
	}
	return def
}

// Explain renders the summary and then the trace, one line per step,
// indented by include depth:
//
//	example.com has declared that 192.0.2.1 may not send mail for it: ...
//	example.com: record "v=spf1 include:_spf.example.net -all"
//	  _spf.example.net: record "v=spf1 ip4:198.51.100.0/24 -all"
//	  _spf.example.net: ip4:198.51.100.0/24: does not contain 192.0.2.1
//	  ...
func (r *Result) Explain() string {
	var b strings.Builder
	b.WriteString(r.Summary())
	b.WriteByte('\n')
	for _, s := range r.Trace.Steps() {
		b.WriteString(strings.Repeat("  ", s.Depth))
		b.WriteString(s.Domain)
		b.WriteString(": ")
		if s.Term != "" {
			b.WriteString(s.Term)
			b.WriteString(": ")
		}
		b.WriteString(s.Note)
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "%d of %d DNS-querying terms used, %d void %s, %d DNS %s.\n",
		r.Lookups, DefaultMaxLookups, r.VoidLookups, plural(r.VoidLookups, "lookup", "lookups"), r.Queries, plural(r.Queries, "query", "queries"))
	return b.String()
}
