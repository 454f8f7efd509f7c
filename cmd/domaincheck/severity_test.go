package main

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/plan"
)

// customerAreas are the areas of a report that are about the customer's
// domain and can block it.
var customerAreas = []domaincheck.AreaName{domaincheck.AreaDKIM, domaincheck.AreaSPF, domaincheck.AreaDMARC, domaincheck.AreaDelivery}

// severityAgrees checks that a report's severities and what blocks agree,
// from the report's own data. An area blocks when its status is
// change-needed or broken (and then Blocking says so); the report is ready
// exactly when no area blocks and nothing is in Blockers. Then: every error
// in the customer's areas sits in an area that blocks (an error under
// advice would tell the customer something must be fixed that the verdict
// does not need); every area that blocks holds an error (what blocks is an
// error, never a warning alone); a ready report holds no error at all.
func severityAgrees(t *testing.T, rep *domaincheck.DomainReport) {
	t.Helper()
	if rep.Status == domaincheck.DomainNotChecked || rep.Status == domaincheck.DomainInvalid {
		return
	}
	anyBlocks := false
	for _, name := range customerAreas {
		a := rep.Area(name)
		if a == nil {
			continue
		}
		blocks := a.Status == domaincheck.StatusChange || a.Status == domaincheck.StatusBroken
		if blocks != a.Blocking {
			t.Errorf("%s: %s is %s but blocking %v", rep.Domain, a.Name, a.Status, a.Blocking)
		}
		anyBlocks = anyBlocks || blocks
		hasError := false
		for _, f := range a.Findings {
			if f.Severity != plan.SeverityError {
				continue
			}
			hasError = true
			if !blocks {
				t.Errorf("%s: an error in %s, which does not block (%s): %s", rep.Domain, a.Name, a.Status, f)
			}
		}
		if blocks && !hasError {
			t.Errorf("%s: %s blocks (%s) with no error among its findings: %v", rep.Domain, a.Name, a.Status, a.Findings)
		}
	}
	switch {
	case rep.Status == domaincheck.DomainNotFound || rep.Status == domaincheck.DomainNotDelegated:
		// Nothing to check: the delivery area holds why, and the domain
		// is not there to block.
	case rep.Ready && (anyBlocks || len(rep.Blockers) > 0):
		t.Errorf("%s: ready, yet blocked: %q", rep.Domain, rep.Blockers)
	case !rep.Ready && (!anyBlocks || len(rep.Blockers) == 0):
		t.Errorf("%s: not ready, but no area blocks (%v) or no blocker is said (%q)\n%s", rep.Domain, anyBlocks, rep.Blockers, rep.Text())
	}
}

// TestSeverityMeansBlocking checks the property on every demo domain and
// on the generated customer zones the consistency tests use.
func TestSeverityMeansBlocking(t *testing.T) {
	p := demoProfile(t)
	c := &domaincheck.Checker{Profile: p, Resolver: demo.Zone()}
	for _, d := range demoDomains {
		severityAgrees(t, c.Check(context.Background(), d))
	}
	text, domains := generatedZone(rand.New(rand.NewPCG(2026, 12)), 200)
	g := &domaincheck.Checker{Profile: p, Resolver: dnstest.MustZone(text)}
	for _, d := range domains {
		severityAgrees(t, g.Check(context.Background(), d))
	}
}
