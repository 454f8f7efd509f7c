package feedback

import (
	"bufio"
	"fmt"
	"io"
	"net/mail"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/emersion/go-msgauth/authres"
)

// Reason is one thing a receiver's header fields say about a message.
type Reason struct {
	Source    string    // the header field it comes from
	Mechanism Mechanism // spf, dkim or dmarc; "" for spam-filter tests
	Result    string    // pass, fail, softfail, none, ... or a test's name
	Domain    string    // the domain the result is for, when given
	Score     float64   // a spam-filter test's points
	Failed    bool      // the result counts against the message
	Text      string    // in words
}

// Headers is what the header fields of a delivered or flagged message say.
type Headers struct {
	From    string     // the From domain
	IP      netip.Addr // the address that delivered the message, when a field names it
	Reasons []Reason
	// Spam: a filter marked the message as spam; Score and Threshold are
	// SpamAssassin's or rspamd's, when given.
	Spam             bool
	Score, Threshold float64
}

// Failures returns the authentication results that failed.
func (h *Headers) Failures() []Reason {
	var out []Reason
	for _, r := range h.Reasons {
		if r.Failed && r.Mechanism != "" {
			out = append(out, r)
		}
	}
	return out
}

// ParseHeaders reads the header fields of a message (the body is not
// read): Authentication-Results (RFC 8601) and ARC-Authentication-Results,
// Received-SPF (RFC 7208, Section 9.1), SpamAssassin's X-Spam-Status and
// X-Spam-Report, rspamd's X-Spamd-Result, and Microsoft's
// X-Forefront-Antispam-Report.
func ParseHeaders(r io.Reader) (*Headers, error) {
	msg, err := mail.ReadMessage(bufio.NewReader(io.LimitReader(r, MaxMessageSize)))
	if err != nil {
		return nil, fmt.Errorf("feedback: reading the header fields: %w", err)
	}
	h := &Headers{}
	if a, err := mail.ParseAddress(msg.Header.Get("From")); err == nil {
		if at := strings.LastIndexByte(a.Address, '@'); at >= 0 {
			h.From = strings.ToLower(a.Address[at+1:])
		}
	}
	for _, v := range msg.Header["Authentication-Results"] {
		h.authResults("Authentication-Results", v)
	}
	for _, v := range msg.Header["Arc-Authentication-Results"] {
		// "i=1; mx.example; spf=pass ...": the instance tag comes first.
		if i := strings.IndexByte(v, ';'); i >= 0 && strings.HasPrefix(strings.TrimSpace(v), "i=") {
			v = v[i+1:]
		}
		h.authResults("ARC-Authentication-Results", v)
	}
	for _, v := range msg.Header["Received-Spf"] {
		h.receivedSPF(v)
	}
	h.spamAssassin(msg.Header.Get("X-Spam-Status"), msg.Header.Get("X-Spam-Report"))
	h.rspamd(msg.Header.Get("X-Spamd-Result"))
	h.forefront(msg.Header.Get("X-Forefront-Antispam-Report"))
	sortReasons(h.Reasons)
	return h, nil
}

var envelopeRe = regexp.MustCompile(`(?i)envelope-from=<?"?[^@;"\s]*@([^>;"\s]+)`)

var designatesRe = regexp.MustCompile(`(?i)(?:designates?|sender ip is|client-ip=)\s*\[?([0-9a-f.:]+)\]?`)

func (h *Headers) setIP(s string) {
	if m := designatesRe.FindStringSubmatch(s); m != nil && !h.IP.IsValid() {
		if ip, err := netip.ParseAddr(strings.TrimRight(m[1], ".")); err == nil {
			h.IP = ip
		}
	}
}

func failed(v string) bool {
	switch strings.ToLower(v) {
	case "fail", "softfail", "permerror", "temperror", "neutral":
		return true
	}
	return false
}

func (h *Headers) authResults(source, v string) {
	// Microsoft writes no authserv-id: the field starts with a result.
	if first, _, _ := strings.Cut(strings.TrimSpace(v), ";"); strings.Contains(first, "=") {
		v = "unknown; " + v
	}
	_, results, err := authres.Parse(v)
	if err != nil {
		return
	}
	for _, res := range results {
		var r Reason
		switch x := res.(type) {
		case *authres.SPFResult:
			r = Reason{Mechanism: MechSPF, Result: string(x.Value), Domain: x.From}
			h.setIP(x.Reason)
		case *authres.DKIMResult:
			r = Reason{Mechanism: MechDKIM, Result: string(x.Value), Domain: x.Domain}
		case *authres.DMARCResult:
			r = Reason{Mechanism: MechDMARC, Result: string(x.Value), Domain: x.From}
		default:
			continue
		}
		r.Source, r.Failed = source, failed(r.Result) || r.Mechanism == MechDKIM && r.Result == "none" || r.Mechanism == MechDMARC && r.Result == "none"
		r.Text = authText(r)
		h.Reasons = append(h.Reasons, r)
	}
	h.setIP(v)
}

// authText words an authentication result.
func authText(r Reason) string {
	what := map[Mechanism]string{MechSPF: "SPF", MechDKIM: "DKIM", MechDMARC: "DMARC"}[r.Mechanism]
	dom := ""
	if r.Domain != "" {
		dom = " for " + r.Domain
	}
	switch r.Result {
	case "pass":
		return what + " passed" + dom
	case "none":
		if r.Mechanism == MechDKIM {
			return "the message carries no DKIM signature"
		}
		return "no " + what + " record was found" + dom
	}
	return fmt.Sprintf("%s gave %s%s", what, r.Result, dom)
}

func (h *Headers) receivedSPF(v string) {
	f := strings.Fields(v)
	if len(f) == 0 {
		return
	}
	r := Reason{Source: "Received-SPF", Mechanism: MechSPF, Result: strings.ToLower(f[0])}
	if m := envelopeRe.FindStringSubmatch(v); m != nil {
		r.Domain = strings.ToLower(m[1])
	}
	r.Failed, r.Text = failed(r.Result), authText(r)
	h.Reasons = append(h.Reasons, r)
	h.setIP(v)
}

// spamTests words the SpamAssassin tests a vendor can act on.
var spamTests = map[string]string{
	"SPF_FAIL":               "SPF failed for the sender's domain",
	"SPF_SOFTFAIL":           "SPF gave softfail for the sender's domain",
	"SPF_HELO_FAIL":          "SPF failed for the HELO name",
	"DKIM_INVALID":           "the DKIM signature does not verify",
	"DKIM_ADSP_NXDOMAIN":     "the sender's domain does not exist",
	"DMARC_REJECT":           "DMARC failed and the domain asks for reject",
	"DMARC_QUAR":             "DMARC failed and the domain asks for quarantine",
	"DMARC_NONE":             "DMARC failed (the domain asks for nothing)",
	"RDNS_NONE":              "the sending address has no reverse DNS",
	"RDNS_DYNAMIC":           "the sending address's reverse DNS looks dynamic",
	"HELO_DYNAMIC_IPADDR":    "the HELO name looks like a dynamic address",
	"RCVD_IN_SBL":            "the sending address is on Spamhaus SBL",
	"RCVD_IN_XBL":            "the sending address is on Spamhaus XBL",
	"RCVD_IN_BL_SPAMCOP_NET": "the sending address is on SpamCop",
	"URIBL_BLOCKED":          "a link's domain could not be checked against URIBL",
	"MISSING_MID":            "the message has no Message-ID",
	"MISSING_DATE":           "the message has no Date",
	"BAYES_99":               "the text looks like spam to the filter's learned statistics (99%)",
	"HTML_MESSAGE":           "the message is HTML",
	"MIME_HTML_ONLY":         "the message is HTML without a plain-text part",
}

var (
	scoreRe     = regexp.MustCompile(`score=(-?[0-9.]+)`)
	requiredRe  = regexp.MustCompile(`required=(-?[0-9.]+)`)
	testsRe     = regexp.MustCompile(`tests=((?:[A-Za-z0-9_]+,\s*)*[A-Za-z0-9_]+)`)
	reportRe    = regexp.MustCompile(`\*\s*(-?[0-9.]+)\s+([A-Z][A-Z0-9_]+)\s`)
	rspamdRe    = regexp.MustCompile(`([A-Z][A-Z0-9_]+)\((-?[0-9.]+)\)(?:\[([^\]]*)\])?`)
	rspamdTotal = regexp.MustCompile(`\[\s*(-?[0-9.]+)\s*/\s*(-?[0-9.]+)\s*\]`)
)

func (h *Headers) spamAssassin(status, report string) {
	if status == "" {
		return
	}
	h.Spam = h.Spam || strings.HasPrefix(strings.ToLower(strings.TrimSpace(status)), "yes")
	if m := scoreRe.FindStringSubmatch(status); m != nil {
		h.Score, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := requiredRe.FindStringSubmatch(status); m != nil {
		h.Threshold, _ = strconv.ParseFloat(m[1], 64)
	}
	scores := map[string]float64{}
	for _, m := range reportRe.FindAllStringSubmatch(report, -1) {
		scores[m[2]], _ = strconv.ParseFloat(m[1], 64)
	}
	m := testsRe.FindStringSubmatch(status)
	if m == nil {
		return
	}
	for _, t := range strings.Split(strings.Join(strings.Fields(m[1]), ""), ",") {
		if t == "" {
			continue
		}
		h.Reasons = append(h.Reasons, testReason("X-Spam-Status", t, scores[t]))
	}
}

func (h *Headers) rspamd(v string) {
	if v == "" {
		return
	}
	if m := rspamdTotal.FindStringSubmatch(v); m != nil {
		h.Score, _ = strconv.ParseFloat(m[1], 64)
		h.Threshold, _ = strconv.ParseFloat(m[2], 64)
	}
	h.Spam = h.Spam || strings.Contains(strings.ToLower(v), "default: true")
	for _, m := range rspamdRe.FindAllStringSubmatch(v, -1) {
		score, _ := strconv.ParseFloat(m[2], 64)
		r := testReason("X-Spamd-Result", m[1], score)
		// rspamd's own authentication symbols.
		switch {
		case strings.HasPrefix(m[1], "R_SPF_FAIL") || m[1] == "R_SPF_SOFTFAIL":
			r.Mechanism, r.Failed, r.Text = MechSPF, true, "SPF did not pass ("+m[1]+")"
		case m[1] == "R_DKIM_REJECT":
			r.Mechanism, r.Failed, r.Text = MechDKIM, true, "the DKIM signature does not verify"
		case strings.HasPrefix(m[1], "DMARC_POLICY_") && m[1] != "DMARC_POLICY_ALLOW":
			r.Mechanism, r.Failed, r.Text = MechDMARC, true, "DMARC failed: "+strings.TrimSpace(m[3])
		}
		h.Reasons = append(h.Reasons, r)
	}
}

// forefront reads Microsoft's anti-spam report: CIP (the connecting
// address), SCL (spam confidence level, 5 and up is junk), SFV (the
// verdict: SPM is spam) and CAT (the category: SPOOF, PHSH, SPM, ...).
func (h *Headers) forefront(v string) {
	if v == "" {
		return
	}
	fields := map[string]string{}
	for _, part := range strings.Split(v, ";") {
		if k, val, ok := strings.Cut(part, ":"); ok {
			fields[strings.ToUpper(strings.TrimSpace(k))] = strings.TrimSpace(val)
		}
	}
	if ip, err := netip.ParseAddr(fields["CIP"]); err == nil && !h.IP.IsValid() {
		h.IP = ip
	}
	scl, _ := strconv.Atoi(fields["SCL"])
	if scl >= 5 || fields["SFV"] == "SPM" {
		h.Spam = true
	}
	cats := map[string]string{"SPOOF": "Microsoft judged the sender spoofed (the From domain's authentication failed)", "PHSH": "Microsoft judged the message phishing",
		"SPM": "Microsoft judged the message spam", "BULK": "Microsoft judged the message bulk mail", "HSPM": "Microsoft judged the message high-confidence spam"}
	if t, ok := cats[fields["CAT"]]; ok {
		h.Reasons = append(h.Reasons, Reason{Source: "X-Forefront-Antispam-Report", Result: "CAT:" + fields["CAT"], Failed: true, Text: fmt.Sprintf("%s (spam confidence level %d)", t, scl)})
	}
}

func testReason(source, test string, score float64) Reason {
	r := Reason{Source: source, Result: test, Score: score, Failed: score > 0}
	r.Text = spamTests[test]
	if r.Text == "" {
		r.Text = "the filter's test " + test
	}
	switch test {
	case "SPF_FAIL", "SPF_SOFTFAIL":
		r.Mechanism, r.Failed = MechSPF, true
	case "DKIM_INVALID":
		r.Mechanism, r.Failed = MechDKIM, true
	case "DMARC_REJECT", "DMARC_QUAR", "DMARC_NONE":
		r.Mechanism, r.Failed = MechDMARC, true
	}
	return r
}

// sortReasons puts failures first, then by points.
func sortReasons(rs []Reason) {
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Failed != rs[j].Failed {
			return rs[i].Failed
		}
		return rs[i].Score > rs[j].Score
	})
}
