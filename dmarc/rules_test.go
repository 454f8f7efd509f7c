package dmarc_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// A misspelled rule set is refused by name everywhere, instead of silently
// meaning RFC 9989.
func TestUnknownRules(t *testing.T) {
	for in, want := range map[string]dmarc.Rules{"": dmarc.RFC9989, "rfc9989": dmarc.RFC9989, "RFC 7489": dmarc.RFC7489, "7489": dmarc.RFC7489} {
		if got, err := dmarc.ParseRules(in); err != nil || got != want {
			t.Errorf("ParseRules(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := dmarc.ParseRules("rfc7849"); !errors.Is(err, dmarc.ErrRules) || !strings.Contains(err.Error(), `"rfc7849"`) {
		t.Errorf("ParseRules(rfc7849): %v", err)
	}
	bad := dmarc.Rules("rfc7849")
	z := dnstest.MustZone(`_dmarc.example.com. IN TXT "v=DMARC1; p=none"`)
	ctx := context.Background()
	checks := map[string]error{}
	_, checks["Parse"] = bad.Parse("v=DMARC1; p=none")
	_, checks["Discover"] = bad.Discover(ctx, z, "example.com")
	_, checks["Evaluate"] = bad.Evaluate(ctx, z, dmarc.Input{From: "example.com"})
	_, checks["OrgDomain"] = bad.OrgDomain(ctx, z, "example.com")
	_, checks["Aligned"] = bad.Aligned(ctx, z, "example.com", "example.com", dmarc.AlignRelaxed)
	_, checks["Inspect"] = dmarc.Inspect{Domain: "example.com", Rules: bad}.Check(ctx, z)
	_, checks["Recommend"] = dmarc.Recommend{Domain: "example.com", Rules: bad, Settings: dmarc.Settings{Policy: dmarc.PolicyNone}}.Check(ctx, z)
	for name, err := range checks {
		if !errors.Is(err, dmarc.ErrRules) || !strings.Contains(err.Error(), "rfc7849") {
			t.Errorf("%s with %q: err = %v", name, bad, err)
		}
	}
	if fs := bad.Lint("v=DMARC1; p=none"); len(fs) != 1 || fs[0].Code != dmarc.CodeRules {
		t.Errorf("Lint with %q: %v", bad, fs)
	}
}
