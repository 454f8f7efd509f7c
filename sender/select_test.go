package sender_test

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/sender"
)

const policyJSON = `{
  "domains": [
    {"domain": "customer.ch"},
    {"domain": "Group.Example.", "subdomains": true},
    {"domain": "bücher.ch"},
    {"domain": "crm.example"}
  ],
  "business_units": {
    "Sales": "Sales Team <sales@crm.example>",
    "Support": "support@crm.example"
  },
  "default": "Example CRM <noreply@crm.example>",
  "via": "Example CRM"
}`

func testPolicy(t testing.TB) *sender.Policy {
	t.Helper()
	p, err := sender.ParsePolicy([]byte(policyJSON))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSelect(t *testing.T) {
	tests := []struct {
		name    string
		from    string
		unit    string
		want    string // the From header value
		rule    sender.Rule
		replyTo string
		problem error
		reason  string
	}{
		// seed 000: an address on an allowed domain is used as typed
		{"allowed", "Jane Doe <jane@customer.ch>", "", `"Jane Doe" <jane@customer.ch>`, sender.RuleAllowedDomain, "", nil,
			"jane@customer.ch is on the allowed domain customer.ch, so it is used as typed."},
		{"allowed, case and trailing dot", "JANE@Customer.CH.", "", "<JANE@customer.ch>", sender.RuleAllowedDomain, "", nil, "on the allowed domain customer.ch"},
		{"allowed subdomain", "news@mail.group.example", "", "<news@mail.group.example>", sender.RuleAllowedDomain, "", nil,
			"mail.group.example, a subdomain of the allowed domain Group.Example, so it is used as typed."},
		{"subdomain not allowed for an exact entry", "x@news.customer.ch", "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "<x@news.customer.ch>", sender.ErrNotAllowed, "x@news.customer.ch is not on an allowed domain"},
		{"IDN typed in Unicode", "info@BÜCHER.ch", "", "<info@xn--bcher-kva.ch>", sender.RuleAllowedDomain, "", nil, "allowed domain bücher.ch"},
		{"IDN typed in punycode", "info@xn--bcher-kva.ch", "", "<info@xn--bcher-kva.ch>", sender.RuleAllowedDomain, "", nil, "allowed domain bücher.ch"},
		{"comment", "jane@customer.ch (Jane at home)", "", `"Jane at home" <jane@customer.ch>`, sender.RuleAllowedDomain, "", nil, "used as typed"},
		{"quoted local part", `"jane smith"@customer.ch`, "", `<"jane smith"@customer.ch>`, sender.RuleAllowedDomain, "", nil, `"jane smith"@customer.ch is on the allowed domain`},
		// seed 000: not allowed, with a business-unit default
		{"not allowed, business unit", "Jane Doe <info@customer.de>", "Sales", `"Jane Doe via Example CRM" <sales@crm.example>`, sender.RuleBusinessUnit, `"Jane Doe" <info@customer.de>`, sender.ErrNotAllowed,
			"info@customer.de is not on an allowed domain; the business unit's default sender sales@crm.example is used instead. Replies go to info@customer.de (Reply-To)."},
		// seed 000: not allowed, only the application default
		{"not allowed, unit without default", "info@customer.de", "Marketing", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "<info@customer.de>", sender.ErrNotAllowed,
			`info@customer.de is not on an allowed domain; the application-wide default sender noreply@crm.example is used instead (the business unit "Marketing" has no default sender).`},
		{"not allowed, no unit", "info@customer.de", "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "<info@customer.de>", sender.ErrNotAllowed, "application-wide default sender noreply@crm.example"},

		// hostile input: the fallback, a reason, never the hostile address
		{"look-alike suffix", "ceo@customer.ch.evil.example", "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "<ceo@customer.ch.evil.example>", sender.ErrNotAllowed, "not on an allowed domain"},
		{"look-alike prefix", "ceo@evilcustomer.ch", "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "<ceo@evilcustomer.ch>", sender.ErrNotAllowed, "not on an allowed domain"},
		{"address in the display name", `"ceo@customer.ch" <x@evil.example>`, "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "<x@evil.example>", sender.ErrNotAllowed, "x@evil.example is not on an allowed domain"},
		{"encoded address in the display name", "=?utf-8?q?ceo=40customer.ch?= <x@evil.example>", "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "<x@evil.example>", sender.ErrNotAllowed, "x@evil.example is not"},
		{"display name address on an allowed domain is dropped", `"ceo@customer.ch" <jane@customer.ch>`, "", "<jane@customer.ch>", sender.RuleAllowedDomain, "", nil, `display name "ceo@customer.ch" was left out: it looks like an address`},
		{"quoted local part with an allowed address", `"jane@customer.ch"@evil.example`, "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "", sender.ErrMalformed, "is not a valid address"},
		{"quoted local part with an address, on an allowed domain", `"ceo@evil.example"@customer.ch`, "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "", sender.ErrMalformed, "is not a valid address"},
		{"encoded-word local part", `=?utf-8?q?ceo?=@customer.ch`, "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "", sender.ErrMalformed, "is not a valid address"},
		{"fullwidth at in the display name", "\"ceo\uFF20customer.ch\" <jane@customer.ch>", "", "<jane@customer.ch>", sender.RuleAllowedDomain, "", nil, "was left out: it looks like an address"},
		{"bidi override in the display name", "\"Jane \u202Ehc.remotsuc@oec\" <jane@customer.ch>", "", "<jane@customer.ch>", sender.RuleAllowedDomain, "", nil, "reverses the direction of the text"},
		{"zero-width space in the display name", "\"Ja\u200Bne\" <jane@customer.ch>", "", "<jane@customer.ch>", sender.RuleAllowedDomain, "", nil, "an invisible character"},
		{"encoded-word hiding a NUL", "=?utf-8?q?Jane=00Doe?= <jane@customer.ch>", "", "<jane@customer.ch>", sender.RuleAllowedDomain, "", nil, "hides a control character"},
		{"two addresses", "jane@customer.ch, x@evil.example", "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "", sender.ErrMultiple, "holds more than one address"},
		{"two angle addresses", "jane@customer.ch <x@evil.example>", "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "", sender.ErrMultiple, "more than one address"},
		{"header injection CRLF", "jane@customer.ch\r\nBcc: all@evil.example", "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "", sender.ErrInjection, "could inject headers"},
		{"header injection LF", "jane@customer.ch\nSubject: hi", "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "", sender.ErrInjection, "line breaks"},
		{"NUL", "jane@customer.ch\x00", "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "", sender.ErrInjection, "control characters"},
		{"IP literal", "root@[192.0.2.1]", "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "", sender.ErrIPLiteral, "IP address instead of a domain"},
		{"over-long", strings.Repeat("a", 2000) + "@customer.ch", "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "", sender.ErrTooLong, "too long"},
		{"long local part", strings.Repeat("a", 250) + "@customer.ch", "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "", sender.ErrTooLong, "too long"},
		{"hyphen domain", "x@-customer.ch", "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "", sender.ErrMalformed, "not a valid address"},
		{"single label", "x@localhost", "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "", sender.ErrMalformed, "not a valid address"},
		{"empty", "  ", "Support", "<support@crm.example>", sender.RuleBusinessUnit, "", sender.ErrEmpty, "no sender address was given; the business unit's default sender support@crm.example"},
		{"garbage", "not an address", "", `"Example CRM" <noreply@crm.example>`, sender.RuleApplication, "", sender.ErrMalformed, `"not an address" is not a valid address`},
	}
	p := testPolicy(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := p.Select(context.Background(), sender.Request{From: tc.from, BusinessUnit: tc.unit})
			if s.From != tc.want || s.Rule != tc.rule {
				t.Errorf("From %s (%s), want %s (%s)", s.From, s.Rule, tc.want, tc.rule)
			}
			if s.ReplyTo != tc.replyTo {
				t.Errorf("ReplyTo %q, want %q", s.ReplyTo, tc.replyTo)
			}
			if (tc.problem == nil) != (s.Problem == nil) || (tc.problem != nil && !errors.Is(s.Problem, tc.problem)) {
				t.Errorf("Problem %v, want %v", s.Problem, tc.problem)
			}
			if s.Rewritten != (tc.problem != nil) {
				t.Errorf("Rewritten %v", s.Rewritten)
			}
			if !strings.Contains(s.Reason, tc.reason) {
				t.Errorf("Reason %q\nlacks  %q", s.Reason, tc.reason)
			}
			a, err := mail.ParseAddress(s.From)
			if err != nil || !strings.EqualFold(strings.Trim(a.String()[strings.LastIndexByte(a.String(), '<'):], "<>"), s.Address) {
				t.Errorf("From %q does not parse to Address %q: %v", s.From, s.Address, err)
			}
			if strings.ContainsAny(s.From, "\r\n") || strings.Contains(s.From, "evil") {
				t.Errorf("hostile From %q", s.From)
			}
		})
	}
}

func TestPolicyValidation(t *testing.T) {
	tests := []struct {
		json string
		err  error
		text string
	}{
		{`{"domains":[{"domain":"customer.ch"}]}`, sender.ErrConfig, "no application-wide default"},
		{`{"domains":[{"domain":"customer.ch"}],"default":"noreply@crm.example"}`, sender.ErrFallbackBlocked, "crm.example is not on an allowed domain"},
		{`{"domains":[{"domain":"crm.example"}],"default":"noreply@crm.example","business_units":{"Sales":"sales@other.example"}}`, sender.ErrFallbackBlocked, `business unit "Sales"`},
		{`{"domains":[{"domain":"crm.example"}],"default":"a@crm.example, b@crm.example"}`, sender.ErrConfig, "more than one address"},
		{`{"domains":[{"domain":"crm.example"},{"domain":"CRM.example."}],"default":"a@crm.example"}`, sender.ErrConfig, "listed twice"},
		{`{"domains":[{"domain":"crm..example"}],"default":"a@crm.example"}`, sender.ErrConfig, "domains[0]"},
		{`{"domains":[{"domain":"crm.example"},{"domain":"co.uk","subdomains":true}],"default":"a@crm.example"}`, sender.ErrConfig, "domains[1] \"co.uk\" is a public suffix"},
		{`{"domains":[{"domain":"crm.example"},{"domain":"github.io","subdomains":true}],"default":"a@crm.example"}`, sender.ErrConfig, "public suffix"},
		{`{"domains":[{"domain":"crm.example"},{"domain":"192.0.2.1"}],"default":"a@crm.example"}`, sender.ErrConfig, "IP address"},
		{`{"domains":[{"domain":"crm.example"},{"domain":"1.2"}],"default":"a@crm.example"}`, sender.ErrConfig, "all digits"},
		{`{"domains":[{"domain":"crm.example"},{"domain":"xn--zz.example"}],"default":"a@crm.example"}`, sender.ErrConfig, "punycode"},
		{`{"domains":[{"domain":"crm.example"}],"default":"a@crm.example","via":"x\ny"}`, sender.ErrConfig, "via"},
		{`{"domains":[{"domain":"crm.example"}],"default":"a@crm.example","unknown":1}`, sender.ErrConfig, "unknown field"},
		{`not json`, sender.ErrConfig, "invalid character"},
	}
	for _, tc := range tests {
		_, err := sender.ParsePolicy([]byte(tc.json))
		if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("ParsePolicy(%s) = %v; want %v mentioning %q", tc.json, err, tc.err, tc.text)
		}
	}
	p := testPolicy(t)
	out, err := p.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := sender.ParsePolicy(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, from := range []string{"jane@customer.ch", "x@a.group.example", "x@evil.example", "a@b.example\n"} {
		a := p.Select(context.Background(), sender.Request{From: from, BusinessUnit: "Sales"})
		b := back.Select(context.Background(), sender.Request{From: from, BusinessUnit: "Sales"})
		if a.From != b.From || a.Rule != b.Rule || a.Reason != b.Reason || a.ReplyTo != b.ReplyTo || errText(a.Problem) != errText(b.Problem) {
			t.Errorf("the JSON round trip changed the selection of %s: %+v vs %+v", from, a, b)
		}
	}
}

// FuzzSelect: for any input, the chosen From is a single valid address on
// an allowed domain or a configured fallback, and carries no line break.
func FuzzSelect(f *testing.F) {
	for _, s := range []string{"jane@customer.ch", `"ceo@customer.ch" <x@evil.example>`, "a@b.c, d@e.f", "x@[1.2.3.4]", "jane@customer.ch\r\nBcc: x", "\"a\"@customer.ch", "=?utf-8?b?Y2VvQGN1c3RvbWVyLmNo?= <x@y.example>", "x@bücher.ch"} {
		f.Add(s, "Sales")
	}
	p := testPolicy(f)
	fallbacks := map[string]bool{"noreply@crm.example": true, "sales@crm.example": true, "support@crm.example": true}
	f.Fuzz(func(t *testing.T, from, unit string) {
		s := p.Select(context.Background(), sender.Request{From: from, BusinessUnit: unit})
		if strings.ContainsAny(s.From, "\r\n\x00") || strings.ContainsAny(s.ReplyTo, "\r\n\x00") {
			t.Fatalf("line break in %q / %q", s.From, s.ReplyTo)
		}
		list, err := mail.ParseAddressList(s.From)
		if err != nil || len(list) != 1 {
			t.Fatalf("From %q is not one address: %v", s.From, err)
		}
		addr := list[0].Address
		if s.Rewritten {
			if !fallbacks[addr] {
				t.Fatalf("rewritten to %q, not a fallback", addr)
			}
			return
		}
		domain := strings.ToLower(addr[strings.LastIndexByte(addr, '@')+1:])
		ok := domain == "customer.ch" || domain == "xn--bcher-kva.ch" || domain == "crm.example" ||
			domain == "group.example" || strings.HasSuffix(domain, ".group.example")
		if !ok {
			t.Fatalf("%q allowed with domain %q", from, domain)
		}
	})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
