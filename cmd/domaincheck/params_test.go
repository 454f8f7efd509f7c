package main

import (
	"context"
	"testing"

	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/internal/demo"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/plan/findingtest"
)

// TestFindingsCarryParams: every finding of every demo domain's report
// (and of the vendor's) carries the values its sentences are made of, so
// that a program can word it in its customers' language from the code and
// the parameters alone; and each value is one the English finding uses,
// in its sentences, its subject or its name.
func TestFindingsCarryParams(t *testing.T) {
	c := &domaincheck.Checker{Profile: demoProfile(t), Resolver: demo.Zone()}
	var all []plan.Finding
	for _, d := range demoDomains {
		rep := c.Check(context.Background(), d)
		for _, a := range rep.Areas {
			all = append(all, a.Findings...)
		}
		all = append(all, rep.Plan.Findings...)
		findingtest.CheckReasonsEnglish(t, rep.Plan.Changes)
	}
	all = append(all, c.CheckVendor(context.Background()).Findings...)
	codes := map[plan.Code]bool{}
	for _, f := range all {
		codes[f.Code] = true
	}
	findingtest.Check(t, all)
	if len(codes) < 15 {
		t.Errorf("only %d codes among the demo findings", len(codes))
	}
}
