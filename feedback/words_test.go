package feedback_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/feedback"
	"github.com/domainauth/domainauth/i18n"
)

// inEveryLanguage checks a sentence the package words: in renders the
// English the field holds, and in every other language of the catalogue
// words of its own (a rendering equal to the English is English left in
// a translation).
func inEveryLanguage(t *testing.T, what, english string, in func(language.Tag) string) {
	t.Helper()
	if got := in(i18n.English); got != english {
		t.Errorf("%s: in English %q, the field holds %q", what, got, english)
	}
	if english == "" {
		return
	}
	for _, lang := range i18n.Languages()[1:] {
		if got := in(lang); got == "" || got == english {
			t.Errorf("%s in %s: %q (English: %q)", what, lang, got, english)
		}
	}
}

// checkRecipientWords checks a bounce recipient's status words, advice and
// provider rule in every language, and the rule as read back from JSON.
func checkRecipientWords(t *testing.T, r feedback.Recipient) {
	t.Helper()
	inEveryLanguage(t, "status "+r.Status, r.StatusText, r.StatusTextIn)
	inEveryLanguage(t, "advice", r.Advice, r.AdviceIn)
	if r.Rule == nil {
		return
	}
	inEveryLanguage(t, "rule", r.Rule.Rule, r.Rule.RuleIn)
	inEveryLanguage(t, "fix", r.Rule.Fix, r.Rule.FixIn)
	b, err := json.Marshal(r.Rule)
	if err != nil {
		t.Fatal(err)
	}
	var back feedback.ProviderRule
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if de := language.German; back.RuleIn(de) != r.Rule.RuleIn(de) || back.FixIn(de) != r.Rule.FixIn(de) {
		t.Errorf("the rule read back from JSON words %q, %q in German; the parsed one %q, %q", back.RuleIn(de), back.FixIn(de), r.Rule.RuleIn(de), r.Rule.FixIn(de))
	}
}

// Status codes in words: known details, a subject's words for the others,
// the kind alone for an unknown subject.
func TestStatusTextIn(t *testing.T) {
	for _, code := range []string{"5.7.26", "4.7.1", "5.1.1", "2.0.0", "5.3.9", "5.9.9", "5.7.509"} {
		inEveryLanguage(t, code, feedback.StatusText(code), func(tag language.Tag) string { return feedback.StatusTextIn(tag, code) })
	}
	if got := feedback.StatusTextIn(language.German, "5.7.26"); !strings.HasPrefix(got, "dauerhafter Fehler: ") || !strings.Contains(got, "RFC 7372") {
		t.Errorf("5.7.26 in German: %q", got)
	}
	if got := feedback.StatusTextIn(language.French, "no code"); got != "" {
		t.Errorf("not a code: %q", got)
	}
}

// Every result the header readers word, in every language: the header
// fields of the tests, and one message with every spam test, rspamd
// symbol and Microsoft verdict the catalogue words, and a field that
// cannot be read.
func TestReasonsInEveryLanguage(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "headers", "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatal(files, err)
	}
	var inputs []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, string(b))
	}
	inputs = append(inputs, "From: a@customer.example\r\n"+
		"Authentication-Results: mx.example; spf=none smtp.mailfrom=customer.example; dkim=none; dmarc=none header.from=customer.example; arc=none; dkim=fail reason=\"bad signature\" header.d=customer.example\r\n"+
		"Authentication-Results: mx.example; spf=pass (a comment is not closed\r\n"+
		"X-Spam-Status: Yes, score=30 required=5.0 tests=SPF_FAIL,SPF_SOFTFAIL,SPF_HELO_FAIL,DKIM_INVALID,DKIM_ADSP_NXDOMAIN,DMARC_REJECT,DMARC_QUAR,DMARC_NONE,RDNS_NONE,RDNS_DYNAMIC,HELO_DYNAMIC_IPADDR,RCVD_IN_SBL,RCVD_IN_XBL,RCVD_IN_BL_SPAMCOP_NET,URIBL_BLOCKED,MISSING_MID,MISSING_DATE,BAYES_99,HTML_MESSAGE,MIME_HTML_ONLY,SOME_OTHER_TEST\r\n"+
		"X-Spamd-Result: default: True [12.0 / 6.0]; R_SPF_FAIL(1.0)[-all]; R_DKIM_REJECT(1.0)[customer.example:s=x]; DMARC_POLICY_REJECT(2.0)[customer.example : No valid SPF,reject]\r\n"+
		"X-MS-Exchange-Organization-SCL: 9\r\n"+
		"Received: from x by mx.example; Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n")
	for _, sfv := range []string{"SPM", "SKS", "BLK"} {
		for _, cat := range []string{"SPOOF", "PHSH", "SPM", "BULK", "HSPM"} {
			inputs = append(inputs, "From: a@customer.example\r\nX-Forefront-Antispam-Report: CIP:192.0.2.1;SCL:6;SFV:"+sfv+";CAT:"+cat+";\r\n\r\n")
		}
	}
	codes := map[string]bool{}
	for _, in := range inputs {
		h, err := feedback.ParseHeaders(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range h.Reasons {
			if r.Code == "" {
				t.Errorf("%s %s: no code for %q", r.Source, r.Result, r.Text)
			}
			codes[string(r.Code)] = true
			inEveryLanguage(t, string(r.Code), r.Text, r.TextIn)
		}
	}
	for code := range feedback.Codes() {
		if c := string(code); (strings.HasPrefix(c, "feedback-result") || strings.HasPrefix(c, "feedback-spam") || strings.HasPrefix(c, "feedback-rspamd") || strings.HasPrefix(c, "feedback-microsoft")) && !codes[c] {
			t.Errorf("%s: no input gives it", c)
		}
	}
}

// A report's why and why it is not yet safe to tighten, in every
// language, for every report of the tests.
func TestSummaryInEveryLanguage(t *testing.T) {
	zone := dnstest.MustZone(reportZone + `
customer.example.          IN TXT "v=spf1 ip4:198.51.100.7 include:spf.newsletter.example -all"
spf.newsletter.example.    IN TXT "v=spf1 ip4:192.0.2.128/25 -all"
`)
	files, err := filepath.Glob(filepath.Join("testdata", "aggregate", "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatal(files, err)
	}
	hurt := 0
	for _, f := range files {
		rep, err := feedback.ParseAggregateReport(bytes.NewReader(readReport(t, filepath.Base(f))))
		if err != nil {
			t.Fatal(err)
		}
		for _, domain := range []string{rep.Domain, "new.example"} {
			sum, err := feedback.Summarize(context.Background(), zone, domain, "include:spf.vendor.example", rep)
			if err != nil {
				t.Fatal(err)
			}
			inEveryLanguage(t, f+": not safe", sum.NotSafeBecause, sum.NotSafeBecauseIn)
			for _, l := range [][]feedback.SourceSummary{sum.Sources, sum.Hurt, sum.Unaligned} {
				for _, s := range l {
					inEveryLanguage(t, f+": "+s.IP.String(), s.Why, s.WhyIn)
				}
			}
			hurt += len(sum.Hurt)
		}
	}
	if hurt < 2 {
		t.Errorf("%d sources hurt in all: the reports no longer show why", hurt)
	}
}
