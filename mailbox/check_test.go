package mailbox_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/mailbox"
)

// TestMessageRules checks each message-side rule on a message that meets
// it and on messages that break it, for every provider that has the rule:
// each case lists the outcome of each requirement it is about, and every
// provider's rule for that requirement must have it.
func TestMessageRules(t *testing.T) {
	k2048, k1024 := keys(t)
	base := newsletter()
	tlsReceived := "Received: from smtp1.crm.example (smtp1.crm.example [192.0.2.1]) by mx.gmail.example with ESMTPS id x1 (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384); Tue, 01 Dec 2026 00:00:01 -0800\r\n"
	plainReceived := "Received: from smtp1.crm.example (smtp1.crm.example [192.0.2.1]) by mx.gmail.example with ESMTP id x1; Tue, 01 Dec 2026 00:00:01 -0800\r\n"
	tamper := func(b []byte) []byte { return bytes.Replace(b, []byte("Hello."), []byte("Hello!"), 1) }
	type want map[mailbox.Requirement]mailbox.Outcome
	for _, tc := range []struct {
		name    string
		message func() []byte
		zone    func(*dnstest.Zone)
		want    want
		words   string // in the sentence of the first requirement that is not met
	}{
		{"compliant", func() []byte { return base.signed(t, k2048, "shop.example", "s2048", nil) }, nil,
			want{mailbox.ReqDMARCAlignment: mailbox.Met, mailbox.ReqDKIMKeySize: mailbox.Met, mailbox.ReqOneClick: mailbox.Met, mailbox.ReqFormat: mailbox.Met, mailbox.ReqNotProvider: mailbox.Met, mailbox.ReqTLS: mailbox.NotApplicable}, ""},
		{"delivered over TLS", func() []byte {
			return append([]byte(tlsReceived), base.signed(t, k2048, "shop.example", "s2048", nil)...)
		}, nil,
			want{mailbox.ReqTLS: mailbox.Met, mailbox.ReqDMARCAlignment: mailbox.Met}, ""},
		{"delivered without TLS", func() []byte {
			return append([]byte(plainReceived), base.signed(t, k2048, "shop.example", "s2048", nil)...)
		}, nil,
			want{mailbox.ReqTLS: mailbox.NotMet}, "shows no TLS"},
		{"d= of another organization", func() []byte { return base.signed(t, k2048, "other.example", "s2048", nil) }, nil,
			want{mailbox.ReqDMARCAlignment: mailbox.NotMet, mailbox.ReqDKIMKeySize: mailbox.Met}, "does not align"},
		{"d= a parent of a subdomain From", func() []byte {
			return base.without("From").with("From: news@mail.shop.example").signed(t, k2048, "shop.example", "s2048", nil)
		}, nil, want{mailbox.ReqDMARCAlignment: mailbox.Met}, ""},
		{"not signed", func() []byte { return base.bytes() }, nil,
			want{mailbox.ReqDMARCAlignment: mailbox.NotMet, mailbox.ReqDKIMKeySize: mailbox.NotApplicable, mailbox.ReqOneClick: mailbox.NotMet}, "no DKIM signature"},
		{"body changed after signing", func() []byte { return tamper(base.signed(t, k2048, "shop.example", "s2048", nil)) }, nil,
			want{mailbox.ReqDMARCAlignment: mailbox.NotMet, mailbox.ReqOneClick: mailbox.NotMet}, "does not verify"},
		{"1024-bit key", func() []byte { return base.signed(t, k1024, "shop.example", "s1024", nil) }, nil,
			want{mailbox.ReqDKIMKeySize: mailbox.Met, mailbox.ReqDMARCAlignment: mailbox.Met}, ""},
		{"512-bit key published", func() []byte { return base.signed(t, k2048, "shop.example", "weak", nil) }, nil,
			want{mailbox.ReqDKIMKeySize: mailbox.NotMet, mailbox.ReqDMARCAlignment: mailbox.NotMet}, "512-bit"},
		{"Ed25519 key", func() []byte { return base.signed(t, edKey(), "shop.example", "ed", nil) }, nil,
			want{mailbox.ReqDKIMKeySize: mailbox.Met, mailbox.ReqDMARCAlignment: mailbox.Met}, ""},
		{"no List-Unsubscribe-Post", func() []byte {
			return base.without("List-Unsubscribe-Post").signed(t, k2048, "shop.example", "s2048", nil)
		}, nil,
			want{mailbox.ReqOneClick: mailbox.NotMet}, "no List-Unsubscribe-Post"},
		{"no List-Unsubscribe", func() []byte { return base.without("List-Unsubscribe").signed(t, k2048, "shop.example", "s2048", nil) }, nil,
			want{mailbox.ReqOneClick: mailbox.NotMet}, "no List-Unsubscribe header"},
		{"mailto only", func() []byte {
			return base.without("List-Unsubscribe").with("List-Unsubscribe: <mailto:u@crm.example>").signed(t, k2048, "shop.example", "s2048", nil)
		}, nil, want{mailbox.ReqOneClick: mailbox.NotMet}, "no https URI"},
		{"wrong List-Unsubscribe-Post", func() []byte {
			return base.without("List-Unsubscribe-Post").with("List-Unsubscribe-Post: One-Click").signed(t, k2048, "shop.example", "s2048", nil)
		}, nil, want{mailbox.ReqOneClick: mailbox.NotMet}, "must be exactly"},
		{"unsubscribe fields not signed", func() []byte { return base.signed(t, k2048, "shop.example", "s2048", dkim.DefaultHeaderKeys()) }, nil,
			want{mailbox.ReqOneClick: mailbox.NotMet, mailbox.ReqDMARCAlignment: mailbox.Met}, "does not cover List-Unsubscribe and List-Unsubscribe-Post"},
		{"two From fields", func() []byte { return base.with("From: other@shop.example").bytes() }, nil,
			want{mailbox.ReqFormat: mailbox.NotMet, mailbox.ReqNotProvider: mailbox.NotApplicable}, "2 From fields"},
		{"no Message-ID", func() []byte { return base.without("Message-ID").signed(t, k2048, "shop.example", "s2048", nil) }, nil,
			want{mailbox.ReqFormat: mailbox.NotMet}, "no Message-ID"},
		{"no Date", func() []byte { return base.without("Date").signed(t, k2048, "shop.example", "s2048", nil) }, nil,
			want{mailbox.ReqFormat: mailbox.NotMet}, "no Date"},
		{"a Date that is not one", func() []byte { return base.without("Date").with("Date: tomorrow").bytes() }, nil,
			want{mailbox.ReqFormat: mailbox.NotMet}, "not a date"},
		{"From a Gmail address", func() []byte {
			return base.without("From").with("From: someone@gmail.com").signed(t, k2048, "gmail.com", "s2048", nil)
		}, nil, want{mailbox.ReqNotProvider: mailbox.NotMet, mailbox.ReqDMARCAlignment: mailbox.Met}, "Gmail's own domains"},
		{"key look-up fails", func() []byte { return base.signed(t, k2048, "shop.example", "s2048", nil) },
			func(z *dnstest.Zone) { z.Fail("s2048._domainkey.shop.example.", dnsrec.TypeTXT, dnsrec.ErrServFail) },
			want{mailbox.ReqDMARCAlignment: mailbox.NotChecked, mailbox.ReqDKIMKeySize: mailbox.NotChecked}, "could not be"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z := testZone(t)
			if tc.zone != nil {
				tc.zone(z)
			}
			c := &mailbox.MessageChecker{Resolver: z, Bulk: true}
			rep, err := c.Check(context.Background(), bytes.NewReader(tc.message()))
			if err != nil {
				t.Fatal(err)
			}
			checked := map[mailbox.Requirement]map[mailbox.Provider]bool{}
			for _, res := range rep.Results {
				rule, ok := mailbox.Lookup(res.Rule)
				if !ok || rule.Provider != res.Provider {
					t.Fatalf("result for unknown rule %s", res.Rule)
				}
				o, ok := tc.want[rule.Requirement]
				if !ok {
					continue
				}
				if checked[rule.Requirement] == nil {
					checked[rule.Requirement] = map[mailbox.Provider]bool{}
				}
				checked[rule.Requirement][res.Provider] = true
				if res.Outcome != o {
					t.Errorf("%s: %s, want %s: %s", res.Rule, res.Outcome, o, res.Sentence)
				}
				if o != mailbox.Met && o != mailbox.NotApplicable && tc.words != "" && !strings.Contains(rep.Text(), tc.words) {
					t.Errorf("%s: the report does not say %q:\n%s", res.Rule, tc.words, rep.Text())
				}
				if o == mailbox.NotMet && res.Fix == "" {
					t.Errorf("%s: not met without a fix", res.Rule)
				}
			}
			// Every provider with a message rule for the requirement was asked.
			for q := range tc.want {
				for _, p := range mailbox.Providers() {
					if r, ok := mailbox.For(p, q); ok && r.CheckedBy(mailbox.CheckMessage) && !checked[q][p] {
						t.Errorf("no result for %s", r.ID)
					}
				}
			}
		})
	}
}

// TestMessageRulesNotBulk: a sender that is not a bulk sender is asked
// only the rules for all senders; the bulk-sender rules do not apply, even
// when the message breaks them.
func TestMessageRulesNotBulk(t *testing.T) {
	z := testZone(t)
	c := &mailbox.MessageChecker{Resolver: z}
	rep, err := c.Check(context.Background(), bytes.NewReader(newsletter().without("List-Unsubscribe").bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range rep.Results {
		rule, _ := mailbox.Lookup(res.Rule)
		if rule.Scope == mailbox.BulkSenders && res.Outcome != mailbox.NotApplicable {
			t.Errorf("%s: %s for a sender that is not a bulk sender", res.Rule, res.Outcome)
		}
		if rule.Scope == mailbox.AllSenders && res.Outcome == mailbox.NotApplicable && rule.Requirement != mailbox.ReqTLS && rule.Requirement != mailbox.ReqDKIMKeySize {
			t.Errorf("%s: not applicable, though it applies to all senders", res.Rule)
		}
	}
}

// TestMessageProviders: only the providers asked for are reported, and an
// unknown one is an error.
func TestMessageProviders(t *testing.T) {
	z := testZone(t)
	c := &mailbox.MessageChecker{Resolver: z, Providers: []mailbox.Provider{mailbox.Microsoft}}
	rep, err := c.Check(context.Background(), bytes.NewReader(newsletter().bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range rep.Results {
		if res.Provider != mailbox.Microsoft {
			t.Errorf("result for %s", res.Provider)
		}
	}
	if len(rep.Results) == 0 {
		t.Error("no result for Outlook.com")
	}
	c.Providers = []mailbox.Provider{"hotmail"}
	if _, err := c.Check(context.Background(), bytes.NewReader(newsletter().bytes())); !errors.Is(err, mailbox.ErrUnknownProvider) {
		t.Errorf("unknown provider: %v", err)
	}
}

// TestMessageErrors: what is not a message gets an error that says so,
// through errors.Is.
func TestMessageErrors(t *testing.T) {
	many := strings.Repeat("X-A: b\r\n", mailbox.MaxHeaderFields+1) + "\r\nbody"
	for _, tc := range []struct {
		name  string
		input []byte
		want  error
	}{
		{"empty", nil, mailbox.ErrEmpty},
		{"blank lines", []byte("\r\n\n  \n"), mailbox.ErrEmpty},
		{"a PNG image", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), mailbox.ErrBinary},
		{"a NUL in the header", []byte("From: a@b.example\x00\r\n\r\n"), mailbox.ErrBinary},
		{"plain text", []byte("Hello Anna,\nhere is the offer.\n"), mailbox.ErrNoHeader},
		{"a continuation first", []byte(" folded: x\r\n\r\n"), mailbox.ErrNoHeader},
		{"a broken line in the header", []byte("From: a@b.example\r\nthis is no field\r\n\r\nbody"), mailbox.ErrMalformed},
		{"too many header fields", []byte(many), mailbox.ErrTooManyHeaders},
		{"too large", append([]byte("From: a@b.example\r\n\r\n"), bytes.Repeat([]byte("x"), mailbox.MaxMessageSize)...), mailbox.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := (&mailbox.MessageChecker{}).Check(context.Background(), bytes.NewReader(tc.input))
			if !errors.Is(err, tc.want) || rep != nil {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// At the limit is still a message.
	atLimit := strings.Repeat("X-A: b\r\n", mailbox.MaxHeaderFields) + "\r\nbody"
	if _, err := (&mailbox.MessageChecker{}).Check(context.Background(), strings.NewReader(atLimit)); err != nil {
		t.Errorf("%d header fields: %v", mailbox.MaxHeaderFields, err)
	}
}

// TestBareLF: a message saved with Unix line endings verifies as the CRLF
// message that was signed.
func TestBareLF(t *testing.T) {
	k2048, _ := keys(t)
	signed := newsletter().signed(t, k2048, "shop.example", "s2048", nil)
	lf := bytes.ReplaceAll(signed, []byte("\r\n"), []byte("\n"))
	rep, err := (&mailbox.MessageChecker{Resolver: testZone(t), Bulk: true}).Check(context.Background(), bytes.NewReader(lf))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Signatures) != 1 || !rep.Signatures[0].Verified {
		t.Errorf("signatures %+v", rep.Signatures)
	}
}
