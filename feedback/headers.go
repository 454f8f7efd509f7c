package feedback

import (
	"io"
	"net/mail"
	"net/netip"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/plan"
)

// Trust says whose verdict a reason is (RFC 8601, Section 5): only the
// results the receiver's own administrative domain added are its verdict.
type Trust string

// Trust levels of a [Reason].
const (
	// TrustReceiver: added by the receiver (an authserv-id the caller
	// trusts, above the receiver's own Received field): the verdict.
	TrustReceiver Trust = "receiver"
	// TrustEarlierHop: an ARC-Authentication-Results set (RFC 8617,
	// Section 4.1.1): what a hop before the receiver saw, not today's verdict.
	TrustEarlierHop Trust = "earlier-hop"
	// TrustUntrusted: added by a host the receiver does not vouch for: a
	// relay before it, or forged by the sender.
	TrustUntrusted Trust = "untrusted"
)

// Reason is one thing a receiver's header fields say about a message.
type Reason struct {
	Source    string    `json:"source"`              // the header field it comes from
	Mechanism Mechanism `json:"mechanism,omitempty"` // spf, dkim, dmarc, arc; "" for spam-filter tests
	Result    string    `json:"result"`              // pass, fail, softfail, none, ... or a test's name
	Domain    string    `json:"domain,omitempty"`    // the domain the result is for, when given
	Score     float64   `json:"score"`               // a spam-filter test's points
	Failed    bool      `json:"failed"`              // the result counts against the message
	Text      string    `json:"text"`                // in words
	// Trust says whose verdict it is; AuthServID is the host that added an
	// Authentication-Results field ("" when the field names none), and
	// Instance the ARC set's i= (RFC 8617), 0 otherwise.
	Trust      Trust  `json:"trust"`
	AuthServID string `json:"authserv_id"`
	Instance   int    `json:"instance,omitempty"`
	// Code and Params are Text's sentence in the message catalogue
	// (package i18n; the codes are [Codes]'), which [Reason.TextIn]
	// renders in another language; Params["said"] is the reason= the
	// receiver wrote, which follows the sentence in parentheses, as
	// written. The JSON carries them beside Text, so that a reader who
	// stored it can word it in another language.
	Code   plan.Code         `json:"code,omitempty"`
	Params map[string]string `json:"params,omitempty"`
}

// TextIn is Text in the catalogue language tag matches: Text itself
// when the reason carries no code.
func (r Reason) TextIn(tag language.Tag) string {
	if r.Code == "" {
		return r.Text
	}
	s := sentence{r.Code, r.Params}.In(tag)
	if said := r.Params["said"]; said != "" {
		s += " (" + said + ")"
	}
	return s
}

// word sets the reason's Code, Params and English Text.
func (r *Reason) word(code plan.Code, params map[string]string) {
	r.Code, r.Params = code, params
	r.Text = r.TextIn(i18n.English)
}

// Headers is what the header fields of a delivered or flagged message say.
type Headers struct {
	From string     `json:"from"` // the From domain, "" when the message has no readable From
	IP   netip.Addr `json:"ip"`   // the address that delivered the message, when a trusted field names it
	// TrustedIDs are the authserv-ids whose results were taken as the
	// receiver's verdict: the caller's, or with a zero [HeaderParser] the
	// one found above the receiver's Received field (none when none is).
	TrustedIDs []string `json:"trusted_ids"`
	Reasons    []Reason `json:"reasons"`
	// Spam: a filter marked the message as spam; Score and Threshold are
	// SpamAssassin's or rspamd's, when given.
	Spam      bool    `json:"spam"`
	Score     float64 `json:"score"`
	Threshold float64 `json:"threshold"`
}

// Failures returns the receiver's SPF, DKIM and DMARC results that
// failed: its verdict, without the results of earlier hops or untrusted
// hosts, and without ARC (a broken chain is about the hops, not the From
// domain's DNS).
func (h *Headers) Failures() []Reason {
	var out []Reason
	for _, r := range h.Reasons {
		if r.Failed && r.Mechanism != "" && r.Mechanism != MechARC && r.Trust == TrustReceiver {
			out = append(out, r)
		}
	}
	return out
}

// HeaderParser reads header fields. Its zero value trusts the receiver
// that added the topmost Authentication-Results field.
type HeaderParser struct {
	// TrustedIDs are the authserv-ids of the caller's own receiving hosts
	// (RFC 8601, Section 5), compared without case. Empty: the authserv-id
	// of the topmost Authentication-Results field, whose results count
	// only above the receiver's own Received field (see [HeaderParser.Parse]).
	TrustedIDs []string
}

// ParseHeaders reads the header fields of a message with a zero
// [HeaderParser].
func ParseHeaders(r io.Reader) (*Headers, error) { return HeaderParser{}.Parse(r) }

// Parse reads the header fields of a message (the body is not read):
// Authentication-Results (RFC 8601) and ARC-Authentication-Results (RFC
// 8617), Received-SPF (RFC 7208, Section 9.1), SpamAssassin's and amavis's
// X-Spam-Status and X-Spam-Report, rspamd's X-Spamd-Result, and Microsoft's
// X-Forefront-Antispam-Report and X-MS-Exchange-Organization-SCL.
//
// Whose verdict each result is (RFC 8601, Section 5): a receiving host
// adds its result above the Received field it writes when the message
// arrives, so the receiver's are the fields of a trusted authserv-id above
// the lowest Received field of the run, from the top, that a trusted host
// added ("by" one of its names, or of its domain). When no Received field
// names one, the line is the topmost Received field. Fields below the line were in the message when the
// receiver got it: a relay's, or forged by the sender. The other fields
// (Received-SPF, the spam filters') carry no authserv-id and follow the
// same line, except Microsoft's X-Forefront-Antispam-Report and
// X-MS-Exchange-Organization-SCL, which Exchange Online writes below the
// Received fields: they are the receiver's when Microsoft's hosts received
// the message and Microsoft's result is trusted. An Authentication-Results
// field that cannot be read is reported as a reason of its own, never
// dropped.
func (p HeaderParser) Parse(r io.Reader) (*Headers, error) {
	fields, err := readHeader(r)
	if err != nil {
		return nil, err
	}
	h := &Headers{}
	type arField struct {
		at   int
		ar   *authResults
		err  error
		arc  int // ARC instance, 0 for Authentication-Results
		name string
	}
	var ars []arField
	for i, f := range fields {
		switch f.name {
		case "from":
			if h.From == "" {
				h.From = fromDomain(f.value)
			}
		case "authentication-results":
			ar, err := parseAuthResults(f.value)
			if err != nil {
				ar = &authResults{ID: roughID(f.value)}
			}
			ars = append(ars, arField{at: i, ar: ar, err: err, name: "Authentication-Results"})
		case "arc-authentication-results":
			inst, rest := arcInstance(f.value)
			ar, err := parseAuthResults(rest)
			if err != nil {
				ar = &authResults{ID: roughID(rest)}
			}
			ars = append(ars, arField{at: i, ar: ar, err: err, arc: inst, name: "ARC-Authentication-Results"})
		}
	}
	// The trusted ids, and the line below which nothing is the receiver's.
	trusted := map[string]bool{}
	for _, id := range p.TrustedIDs {
		trusted[strings.ToLower(strings.TrimSuffix(strings.TrimSpace(id), "."))] = true
	}
	if len(trusted) == 0 {
		// The receiver's: the topmost result whose authserv-id the
		// receiver's arrival Received field names, else the topmost.
		var ids []string
		for _, a := range ars {
			if a.arc == 0 {
				ids = append(ids, a.ar.ID)
			}
		}
		if id, ok := receiverID(fields, ids); ok {
			trusted[id] = true
		}
	}
	firstTrusted := -1
	for _, a := range ars {
		if a.arc == 0 && trusted[a.ar.ID] {
			firstTrusted = a.at
			break
		}
	}
	line := findReceiverLine(fields, trusted, len(p.TrustedIDs) > 0, firstTrusted)
	boundary := line.at
	for id := range trusted {
		// A zero parser names the receiver only when its result stands
		// above the line: a result the sender wrote below it names no one.
		if len(p.TrustedIDs) == 0 && (firstTrusted < 0 || firstTrusted >= boundary) {
			continue
		}
		h.TrustedIDs = append(h.TrustedIDs, id)
	}
	sort.Strings(h.TrustedIDs)
	for _, a := range ars {
		trust := TrustUntrusted
		switch {
		case a.arc > 0:
			trust = TrustEarlierHop
		case trusted[a.ar.ID] && a.at < boundary:
			trust = TrustReceiver
		}
		if a.err != nil {
			r := Reason{Source: a.name, Result: "unreadable", Trust: trust, Instance: a.arc, AuthServID: a.ar.ID}
			r.word("feedback-result-unreadable", map[string]string{"problem": a.err.Error()})
			h.Reasons = append(h.Reasons, r)
			continue
		}
		h.authResults(a.name, a.ar, trust, a.arc)
	}
	for i, f := range fields {
		trust := TrustUntrusted
		if i < boundary || line.microsoft && microsoftField(f.name) {
			trust = TrustReceiver
		}
		switch f.name {
		case "received-spf":
			h.receivedSPF(f.value, trust)
		case "x-spam-status":
			h.spamAssassin(f.value, headerValue(fields, "x-spam-report"), trust)
		case "x-spamd-result":
			h.rspamd(f.value, trust)
		case "x-forefront-antispam-report":
			h.forefront(f.value, trust)
		case "x-ms-exchange-organization-scl":
			h.exchangeSCL(f.value, trust)
		}
	}
	sortReasons(h.Reasons)
	return h, nil
}

func headerValue(fields []field, name string) string {
	for _, f := range fields {
		if f.name == name {
			return f.value
		}
	}
	return ""
}

func fromDomain(v string) string {
	a, err := mail.ParseAddress(v)
	if err != nil {
		return ""
	}
	if at := strings.LastIndexByte(a.Address, '@'); at >= 0 {
		return strings.ToLower(a.Address[at+1:])
	}
	return ""
}

var envelopeRe = regexp.MustCompile(`(?i)envelope-from=<?"?[^@;"\s]*@([^>;"\s]+)`)

var designatesRe = regexp.MustCompile(`(?i)(?:designates?|sender ip is|client-ip=)\s*\[?([0-9a-f.:]+)\]?`)

func (h *Headers) setIP(s string, trust Trust) {
	if trust != TrustReceiver || h.IP.IsValid() {
		return
	}
	if len(s) > 4096 {
		s = s[:4096]
	}
	if m := designatesRe.FindStringSubmatch(s); m != nil {
		if ip, err := netip.ParseAddr(strings.TrimRight(m[1], ".")); err == nil {
			h.IP = ip
		}
	}
}

func failed(v string) bool {
	switch strings.ToLower(v) {
	case "fail", "softfail", "permerror", "temperror", "neutral", "hardfail":
		return true
	}
	return false
}

func (h *Headers) authResults(source string, ar *authResults, trust Trust, inst int) {
	for _, res := range ar.Results {
		var r Reason
		switch res.Method {
		case "spf":
			r = Reason{Mechanism: MechSPF, Domain: domainPart(res.Props["smtp.mailfrom"])}
			if r.Domain == "" {
				r.Domain = domainPart(res.Props["smtp.helo"])
			}
			h.setIP(res.Comment, trust)
		case "dkim":
			r = Reason{Mechanism: MechDKIM, Domain: res.Props["header.d"]}
			if r.Domain == "" {
				r.Domain = domainPart(res.Props["header.i"])
			}
		case "dmarc":
			r = Reason{Mechanism: MechDMARC, Domain: res.Props["header.from"]}
		case "arc":
			r = Reason{Mechanism: MechARC}
		default:
			continue
		}
		if ip, err := netip.ParseAddr(res.Props["smtp.remote-ip"]); err == nil && trust == TrustReceiver && !h.IP.IsValid() {
			h.IP = ip
		}
		r.Result, r.Source, r.Trust, r.AuthServID, r.Instance = res.Result, source, trust, ar.ID, inst
		r.Domain = strings.ToLower(r.Domain)
		r.Failed = failed(r.Result) || r.Mechanism == MechDKIM && r.Result == "none" || r.Mechanism == MechDMARC && r.Result == "none"
		code, params := authSentence(r)
		if res.Reason != "" {
			params["said"] = shorten(res.Reason, 200)
		}
		r.word(code, params)
		h.Reasons = append(h.Reasons, r)
	}
}

// domainPart returns the domain of an address, or the name itself.
func domainPart(s string) string {
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		return s[at+1:]
	}
	return s
}

func shorten(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// authSentence words an authentication result: its code and parameters.
func authSentence(r Reason) (plan.Code, map[string]string) {
	p := map[string]string{"method": map[Mechanism]string{MechSPF: "SPF", MechDKIM: "DKIM", MechDMARC: "DMARC", MechARC: "ARC"}[r.Mechanism]}
	if r.Domain != "" {
		p["domain"] = r.Domain
	}
	switch {
	case r.Mechanism == MechARC && r.Result == "fail":
		return "feedback-result-arc-broken", map[string]string{}
	case r.Result == "pass":
		return "feedback-result-pass", p
	case r.Result == "none" && r.Mechanism == MechDKIM:
		return "feedback-result-no-dkim", map[string]string{}
	case r.Result == "none" && r.Mechanism == MechARC:
		return "feedback-result-no-arc", map[string]string{}
	case r.Result == "none":
		return "feedback-result-none", p
	}
	p["result"] = r.Result
	return "feedback-result", p
}

func (h *Headers) receivedSPF(v string, trust Trust) {
	f := strings.Fields(shorten(v, 4096))
	if len(f) == 0 {
		return
	}
	r := Reason{Source: "Received-SPF", Mechanism: MechSPF, Result: strings.ToLower(f[0]), Trust: trust}
	if m := envelopeRe.FindStringSubmatch(shorten(v, 4096)); m != nil {
		r.Domain = strings.ToLower(m[1])
	}
	r.Failed = failed(r.Result)
	r.word(authSentence(r))
	h.Reasons = append(h.Reasons, r)
	h.setIP(v, trust)
}
