package feedback

import (
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/plan"
)

var (
	scoreRe     = regexp.MustCompile(`score=(-?[0-9.]+)`)
	requiredRe  = regexp.MustCompile(`(?:required|tag2)=(-?[0-9.]+)`)
	testsRe     = regexp.MustCompile(`tests=((?:[A-Za-z0-9_]+,\s*)*[A-Za-z0-9_]+)`)
	amavisRe    = regexp.MustCompile(`tests=\[([^\]]*)\]`)
	reportRe    = regexp.MustCompile(`\*\s*(-?[0-9.]+)\s+([A-Z][A-Z0-9_]+)\s`)
	rspamdRe    = regexp.MustCompile(`([A-Z][A-Z0-9_]+)\((-?[0-9.]+)\)(?:\[([^\]]*)\])?`)
	rspamdTotal = regexp.MustCompile(`\[\s*(-?[0-9.]+)\s*/\s*(-?[0-9.]+)\s*\]`)
)

// spamAssassin reads X-Spam-Status in SpamAssassin's form ("Yes,
// score=7.3 required=5.0 tests=BAYES_99,SPF_FAIL") and in amavis's
// ("Yes, score=7.3 tag=-999 tag2=5 kill=6.9 tests=[BAYES_99=3.5,
// SPF_FAIL=2.9]"), with the points of X-Spam-Report when given.
func (h *Headers) spamAssassin(status, report string, trust Trust) {
	status, report = shorten(status, 16<<10), shorten(report, 64<<10)
	if status == "" {
		return
	}
	if trust == TrustReceiver {
		h.Spam = h.Spam || strings.HasPrefix(strings.ToLower(strings.TrimSpace(status)), "yes")
		if m := scoreRe.FindStringSubmatch(status); m != nil {
			h.Score, _ = strconv.ParseFloat(m[1], 64)
		}
		if m := requiredRe.FindStringSubmatch(status); m != nil {
			h.Threshold, _ = strconv.ParseFloat(m[1], 64)
		}
	}
	scores := map[string]float64{}
	for _, m := range reportRe.FindAllStringSubmatch(report, maxResults) {
		scores[m[2]], _ = strconv.ParseFloat(m[1], 64)
	}
	var tests []string
	if m := amavisRe.FindStringSubmatch(status); m != nil {
		for _, t := range strings.Split(m[1], ",") {
			name, score, ok := strings.Cut(strings.TrimSpace(t), "=")
			if name == "" {
				continue
			}
			if ok {
				scores[name], _ = strconv.ParseFloat(strings.TrimSpace(score), 64)
			}
			tests = append(tests, name)
		}
	} else if m := testsRe.FindStringSubmatch(status); m != nil {
		tests = strings.Split(strings.Join(strings.Fields(m[1]), ""), ",")
	}
	for i, t := range tests {
		if t == "" || i >= maxResults {
			continue
		}
		r := testReason("X-Spam-Status", t, scores[t])
		r.Trust = trust
		h.Reasons = append(h.Reasons, r)
	}
}

func (h *Headers) rspamd(v string, trust Trust) {
	v = shorten(v, 64<<10)
	if v == "" {
		return
	}
	if trust == TrustReceiver {
		if m := rspamdTotal.FindStringSubmatch(v); m != nil {
			h.Score, _ = strconv.ParseFloat(m[1], 64)
			h.Threshold, _ = strconv.ParseFloat(m[2], 64)
		}
		h.Spam = h.Spam || strings.Contains(strings.ToLower(v), "default: true")
	}
	for _, m := range rspamdRe.FindAllStringSubmatch(v, maxResults) {
		score, _ := strconv.ParseFloat(m[2], 64)
		r := testReason("X-Spamd-Result", m[1], score)
		r.Trust = trust
		// rspamd's own authentication symbols.
		switch {
		case strings.HasPrefix(m[1], "R_SPF_FAIL") || m[1] == "R_SPF_SOFTFAIL":
			r.Mechanism, r.Failed = MechSPF, true
			r.word("feedback-rspamd-spf", map[string]string{"symbol": m[1]})
		case m[1] == "R_DKIM_REJECT":
			r.Mechanism, r.Failed = MechDKIM, true
			r.word("feedback-rspamd-dkim", map[string]string{})
		case strings.HasPrefix(m[1], "DMARC_POLICY_") && m[1] != "DMARC_POLICY_ALLOW":
			r.Mechanism, r.Failed = MechDMARC, true
			r.word("feedback-rspamd-dmarc", map[string]string{"detail": strings.TrimSpace(m[3])})
		}
		h.Reasons = append(h.Reasons, r)
	}
}

// forefront reads Microsoft's anti-spam report: CIP (the connecting
// address), SCL (spam confidence level, 5 and up is junk), SFV (the
// filter's verdict: SPM spam, SKS marked as spam before filtering, BLK the
// recipient's blocked senders) and CAT (the category: SPOOF, PHSH, SPM,
// ...), as Microsoft Learn, "Anti-spam message headers in Microsoft 365"
// lists them.
func (h *Headers) forefront(v string, trust Trust) {
	v = shorten(v, 16<<10)
	if v == "" {
		return
	}
	fields := map[string]string{}
	for _, part := range strings.Split(v, ";") {
		if k, val, ok := strings.Cut(part, ":"); ok {
			fields[strings.ToUpper(strings.TrimSpace(k))] = strings.TrimSpace(val)
		}
	}
	if ip, err := netip.ParseAddr(fields["CIP"]); err == nil && !h.IP.IsValid() && trust == TrustReceiver {
		h.IP = ip
	}
	scl, _ := strconv.Atoi(fields["SCL"])
	sfv := strings.ToUpper(fields["SFV"])
	if trust == TrustReceiver && (scl >= 5 || sfv == "SPM" || sfv == "SKS") {
		h.Spam = true
	}
	if slices.Contains(microsoftVerdicts, sfv) {
		r := Reason{Source: "X-Forefront-Antispam-Report", Result: "SFV:" + sfv, Failed: true, Trust: trust}
		r.word(plan.Code("feedback-microsoft-sfv-"+strings.ToLower(sfv)), map[string]string{})
		h.Reasons = append(h.Reasons, r)
	}
	if cat := fields["CAT"]; slices.Contains(microsoftCategories, cat) {
		r := Reason{Source: "X-Forefront-Antispam-Report", Result: "CAT:" + cat, Failed: true, Trust: trust}
		r.word(plan.Code("feedback-microsoft-cat-"+strings.ToLower(cat)), map[string]string{"scl": strconv.Itoa(scl)})
		h.Reasons = append(h.Reasons, r)
	}
}

func testReason(source, test string, score float64) Reason {
	r := Reason{Source: source, Result: test, Score: score, Failed: score > 0}
	if slices.Contains(spamTestNames, test) {
		r.word(spamTestCode(test), map[string]string{})
	} else {
		r.word("feedback-spam-test", map[string]string{"test": test})
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

// exchangeSCL reads X-MS-Exchange-Organization-SCL, the spam confidence
// level Exchange gave the message: 5 and up is junk, -1 a bypass.
func (h *Headers) exchangeSCL(v string, trust Trust) {
	scl, err := strconv.Atoi(strings.TrimSpace(shorten(v, 64)))
	if err != nil || scl < 5 {
		return
	}
	if trust == TrustReceiver {
		h.Spam = true
	}
	r := Reason{Source: "X-MS-Exchange-Organization-SCL", Result: "SCL:" + strconv.Itoa(scl), Failed: true, Trust: trust}
	r.word("feedback-microsoft-scl", map[string]string{"scl": strconv.Itoa(scl)})
	h.Reasons = append(h.Reasons, r)
}
