// Package apitest holds tests of the module's public API as a whole:
// promises that cross packages, such as "zero values never panic".
package apitest

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/sender"
	"github.com/domainauth/domainauth/spf"
)

// noPanic runs f and fails the test if it panics.
func noPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s panics: %v", name, r)
		}
	}()
	f()
}

// TestZeroValues: a zero-valued configuration or a nil resolver reports
// dnsrec.ErrNoResolver (or the package's configuration error); nothing
// panics on first use.
func TestZeroValues(t *testing.T) {
	ctx := context.Background()
	ip := netip.MustParseAddr("192.0.2.1")
	noResolver := func(name string, err error) {
		t.Helper()
		if !errors.Is(err, dnsrec.ErrNoResolver) {
			t.Errorf("%s: err = %v, want ErrNoResolver", name, err)
		}
		if errors.Is(err, dnsrec.ErrTemporary) {
			t.Errorf("%s: a missing resolver looks temporary", name)
		}
	}
	noPanic(t, "Cache{}", func() {
		_, err := (&dnsrec.Cache{}).Lookup(ctx, "example.com", dnsrec.TypeTXT)
		noResolver("Cache{}", err)
	})
	noPanic(t, "Checker{}", func() {
		res := (&spf.Checker{}).CheckHost(ctx, ip, "example.com", "a@example.com", "x")
		noResolver("Checker{}", res.Err)
	})
	noPanic(t, "Analyze", func() {
		_, err := spf.Analyze(ctx, nil, "example.com")
		noResolver("Analyze", err)
	})
	noPanic(t, "Authorize", func() {
		_, err := spf.Authorize{Domain: "example.com", Term: "mx"}.Check(ctx, nil)
		noResolver("Authorize", err)
	})
	noPanic(t, "KeyCheck", func() {
		_, err := dkim.KeyCheck{Domain: "example.com", Selector: "s"}.Check(ctx, nil)
		noResolver("KeyCheck", err)
	})
	noPanic(t, "Recommend", func() {
		_, err := dmarc.Recommend{Domain: "example.com"}.Check(ctx, nil)
		noResolver("Recommend", err)
	})
	noPanic(t, "Inspect", func() {
		_, err := dmarc.Inspect{Domain: "example.com"}.Check(ctx, nil)
		noResolver("Inspect", err)
	})
	noPanic(t, "Discover", func() {
		_, err := dmarc.Discover(ctx, nil, "example.com")
		noResolver("Discover", err)
	})
	noPanic(t, "Verifier{}", func() {
		a := (&domaincheck.Verifier{}).Verify(ctx, "example.com")
		if a == nil || a.Authorized {
			t.Errorf("Verifier{} verified a domain: %+v", a)
		}
	})
	noPanic(t, "Policy{}", func() {
		var p sender.Policy
		s := p.Select(ctx, sender.Request{From: "a@example.com"})
		if s.From != "" || !errors.Is(s.Problem, sender.ErrConfig) {
			t.Errorf("zero Policy selected %+v", s)
		}
	})
	noPanic(t, "plan.Check", func() {
		if _, err := plan.Check(ctx, nil, nil); err == nil {
			t.Error("plan.Check with a nil resolver and a nil requirement: no error")
		}
	})
	noPanic(t, "zero Change", func() {
		var c plan.Change
		_ = c.String()
		_ = plan.Changes{c}.NSUpdate() + plan.Changes{c}.Zone() + plan.Changes{c}.JSON()
	})
	noPanic(t, "zero Plan", func() {
		var p plan.Plan
		if !p.Satisfied() {
			t.Error("a plan with nothing in it is not satisfied")
		}
	})
}
