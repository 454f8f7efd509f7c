package feedback_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/feedback"
)

// The bounces of testdata/bounces/cases.tsv: generic and specific status
// codes together, size and content refusals, each named blocklist, and
// each mailbox provider's code, in the MTA styles of bounce_test.go.
func TestParseBounceCases(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "bounces", "cases.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 15 {
			t.Fatalf("%d fields in %q", len(f), line)
		}
		n++
		name, style, rcpt, status, diag := f[0], f[1], f[2], f[3], f[4]
		t.Run(name, func(t *testing.T) {
			var msg string
			switch style {
			case "dsn":
				msg = dsn("smtp1.vendor.example", [4]string{rcpt, "failed", status, diag})
			case "postfix":
				msg = postfixText(rcpt, "mx.recipient.example", diag)
			case "exim":
				msg = eximText(rcpt, diag)
			case "gmail":
				msg = gmailText(rcpt, diag)
			case "m365":
				msg = m365Text(rcpt, diag)
			case "yahoo":
				msg = yahooText(rcpt, diag)
			default:
				t.Fatalf("style %q", style)
			}
			b, err := feedback.ParseBounce(strings.NewReader(msg))
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Recipients) != 1 {
				t.Fatalf("%d recipients", len(b.Recipients))
			}
			r := b.Recipients[0]
			rule := ""
			if r.Rule != nil {
				rule = r.Rule.Code
				if r.Rule.Code == "" || r.Rule.Tag != "" && r.Rule.Tag[0] == '[' {
					rule = r.Rule.Tag
				}
				if r.Rule.Rule == "" || !strings.Contains(r.Advice, r.Rule.Fix) {
					t.Errorf("rule %+v, advice %q", r.Rule, r.Advice)
				}
			}
			var list, zone, addr, lookup string
			if r.List != nil {
				list, zone, lookup = r.List.Name, r.List.Zone, r.List.LookupURL
				if r.List.Address.IsValid() {
					addr = r.List.Address.String()
				}
				if r.List.Operator == "" || !strings.Contains(r.Advice, r.List.String()) {
					t.Errorf("listing %+v, advice %q", r.List, r.Advice)
				}
			}
			got := []string{r.Status, r.ReportedStatus, string(r.Class), string(r.Mechanism), r.Provider, rule, list, zone, addr, lookup}
			if strings.Join(got, "|") != strings.Join(f[5:], "|") {
				t.Errorf("got  %q\nwant %q", got, f[5:])
			}
			if r.StatusText == "" && r.Status != "" || r.Advice == "" {
				t.Errorf("no words: %+v", r)
			}
			checkRecipientWords(t, r)
		})
	}
	if n < 30 {
		t.Errorf("%d cases", n)
	}
}
