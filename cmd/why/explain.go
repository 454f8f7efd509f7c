package main

import (
	"bytes"
	"context"
	"errors"
	"net/mail"
	"net/netip"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/feedback"
	"github.com/domainauth/domainauth/mailbox"
	"github.com/domainauth/domainauth/plan"
)

type explainer struct {
	r       dnsrec.Resolver
	profile *domaincheck.Profile
	trusted []string
}

// result is what why found in one input, rendered as text or JSON.
type result struct {
	Name    string            `json:"input"`
	Kind    string            `json:"kind"` // bounce, headers or report
	Bounce  *feedback.Bounce  `json:"bounce,omitempty"`
	Headers *feedback.Headers `json:"headers,omitempty"`
	// Message is the mailbox providers' message-side rules, for a message
	// (not a bounce or a report).
	Message *mailbox.MessageReport `json:"message,omitempty"`
	Report  *reportResult          `json:"report,omitempty"`
	Fixes   []fixResult            `json:"fixes"`
	Failed  bool                   `json:"failed"`
	// sample is the embedded sample's file name when the input is one:
	// Name words it in English.
	sample string
}

type reportResult struct {
	Org      string                  `json:"org"`
	ReportID string                  `json:"report_id"`
	Begin    string                  `json:"begin"`
	End      string                  `json:"end"`
	Summary  *feedback.ReportSummary `json:"summary"`
}

type fixResult struct {
	Recipient string             `json:"recipient,omitempty"`
	Mechanism feedback.Mechanism `json:"mechanism"`
	Domain    string             `json:"domain"`
	IP        string             `json:"ip,omitempty"`
	SPF       string             `json:"spf,omitempty"` // check_host() now
	Text      string             `json:"text"`
	Changes   plan.Changes       `json:"changes"` // the customer's, in order
}

// Errors of reading an input, each a sentence that never quotes the input.
var (
	errEmpty  = errors.New("the input is empty")
	errBinary = errors.New("the input is binary data, not a message, nor a DMARC report (XML, gzip or zip)")
)

// explain tells a report from a bounce from a message and explains it.
func (e *explainer) explain(in input) (*result, error) {
	data := in.data
	res := &result{Name: in.name, Fixes: []fixResult{}, sample: in.sample}
	trimmed := bytes.TrimSpace(data)
	isGzip, isZip := bytes.HasPrefix(data, []byte{0x1f, 0x8b}), bytes.HasPrefix(data, []byte("PK\x03\x04"))
	switch {
	case len(trimmed) == 0:
		return nil, errEmpty
	case isGzip || isZip || bytes.HasPrefix(trimmed, []byte("<")):
		rep, err := feedback.ParseAggregateReport(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return res, e.report(res, rep)
	case mailbox.IsBinary(data):
		return nil, errBinary
	}
	b, err := feedback.ParseBounce(bytes.NewReader(data))
	if err == nil {
		return res, e.bounce(res, b)
	}
	if !errors.Is(err, feedback.ErrNotBounce) {
		return nil, err
	}
	h, err := feedback.HeaderParser{TrustedIDs: e.trusted}.Parse(bytes.NewReader(data))
	switch {
	case errors.Is(err, mailbox.ErrBinary):
		return nil, errBinary
	case errors.Is(err, mailbox.ErrNoHeader):
		return nil, errors.New("the input has no header fields, and no bounce is found in its text: give the whole message, header fields first")
	case err != nil:
		return nil, err
	}
	if err := e.headers(res, h); err != nil {
		return nil, err
	}
	return res, e.message(res, data)
}

// message checks the providers' message-side rules (a DKIM signature
// aligned with From, one-click unsubscribe signed, the RFC 5322 fields, TLS
// for a delivered copy), as domaincheck -message does.
func (e *explainer) message(res *result, data []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	mc := &mailbox.MessageChecker{Resolver: e.r, Providers: e.profile.Providers, Bulk: e.profile.BulkSender}
	rep, err := mc.Check(ctx, bytes.NewReader(data))
	if err != nil {
		return nil // not a message the rules apply to: the header fields above say what there is
	}
	res.Message = rep
	return nil
}

func (e *explainer) bounce(res *result, b *feedback.Bounce) error {
	res.Kind, res.Bounce = "bounce", b
	for _, r := range b.Recipients {
		if r.Class != feedback.ClassAuthentication {
			continue
		}
		res.Failed = true
		domain := domainOf(b.OriginalFrom)
		// The reporting server is the vendor's own: its address is the one
		// the receiver judged.
		var ip netip.Addr
		if b.ReportingMTA != "" {
			if a, err := e.r.Lookup(context.Background(), b.ReportingMTA, dnsrec.TypeA); err == nil && len(a.Addrs()) > 0 {
				ip = a.Addrs()[0]
			}
		}
		fix, err := e.fix(r.Mechanism, domain, ip)
		if err != nil {
			return err
		}
		if fix != nil {
			fix.Recipient = r.Address
			res.Fixes = append(res.Fixes, *fix)
		}
	}
	return nil
}

func (e *explainer) headers(res *result, h *feedback.Headers) error {
	res.Kind, res.Headers = "headers", h
	fails := h.Failures()
	if len(fails) == 0 {
		return nil
	}
	res.Failed = true
	fix, err := e.fix(fails[0].Mechanism, h.From, h.IP)
	if err != nil {
		return err
	}
	if fix != nil {
		res.Fixes = append(res.Fixes, *fix)
	}
	return nil
}

func (e *explainer) fix(mech feedback.Mechanism, domain string, ip netip.Addr) (*fixResult, error) {
	if domain == "" {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fix, err := feedback.Diagnose(ctx, e.r, mech, domain, ip, e.profile.Requirements(domain, domaincheck.Evidence{})...)
	if err != nil {
		return nil, err
	}
	out := &fixResult{Mechanism: mech, Domain: fix.Domain, Text: fix.Text, Changes: fix.Plan.Changes.For(plan.PartyCustomer)}
	if out.Changes == nil {
		out.Changes = plan.Changes{}
	}
	if ip.IsValid() {
		out.IP = ip.String()
	}
	if fix.SPF != nil {
		out.SPF = string(fix.SPF.Status)
	}
	return out, nil
}

func (e *explainer) report(res *result, rep *feedback.AggregateReport) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sum, err := feedback.Summarize(ctx, e.r, rep.Domain, e.profile.SPF, rep)
	if err != nil {
		return err
	}
	res.Kind = "report"
	res.Report = &reportResult{Org: rep.Org, ReportID: rep.ReportID, Begin: rep.Begin.Format("2006-01-02"), End: rep.End.Format("2006-01-02"), Summary: sum}
	res.Failed = !sum.SafeToTighten
	return nil
}

func domainOf(from string) string {
	a, err := mail.ParseAddress(from)
	if err != nil {
		return ""
	}
	return strings.ToLower(a.Address[strings.LastIndexByte(a.Address, '@')+1:])
}
