package domaincheck

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dmarc"
)

// Stage is a step of a domain's DMARC policy on its way from monitoring to
// rejecting, each taken only when the domain's aggregate reports show it
// safe (see [Staging]).
type Stage string

// The stages, in order.
const (
	// StageNone: p=none, with aggregate reports: receivers change nothing.
	StageNone Stage = "none"
	// StageQuarantinePartial: p=quarantine; t=y (RFC 9989). Receivers
	// that implement RFC 9989 apply the policy one step more leniently
	// (none) and report what they would have quarantined; receivers that
	// know only RFC 7489 ignore t= and quarantine the failing mail in
	// full. RFC 7489's pct= is not written: RFC 9989 removed it, and its
	// receivers read any pct but 0 and 100 as if it were absent, so a
	// pct=5 quarantines everything there. The stage is entered only on
	// the same evidence as full quarantine, so that neither kind of
	// receiver hurts legitimate mail; it lets the reports of both confirm
	// it before the policy is in full force everywhere.
	StageQuarantinePartial Stage = "quarantine-partial"
	// StageQuarantine: p=quarantine.
	StageQuarantine Stage = "quarantine"
	// StageReject: p=reject.
	StageReject Stage = "reject"
)

// StageOf returns the stage a published policy is at.
func StageOf(p dmarc.Policy, testing bool) Stage {
	switch p {
	case dmarc.PolicyQuarantine:
		if testing {
			return StageQuarantinePartial
		}
		return StageQuarantine
	case dmarc.PolicyReject:
		if testing {
			return StageQuarantine // t=y: receivers quarantine
		}
		return StageReject
	}
	return StageNone
}

// Next returns the stage after s, "" after reject.
func (s Stage) Next() Stage {
	switch s {
	case StageNone, "":
		return StageQuarantinePartial
	case StageQuarantinePartial:
		return StageQuarantine
	case StageQuarantine:
		return StageReject
	}
	return ""
}

// Policy returns the stage's policy and whether it is written with t=y.
func (s Stage) Policy() (dmarc.Policy, bool) {
	switch s {
	case StageQuarantinePartial:
		return dmarc.PolicyQuarantine, true
	case StageQuarantine:
		return dmarc.PolicyQuarantine, false
	case StageReject:
		return dmarc.PolicyReject, false
	}
	return dmarc.PolicyNone, false
}

// Staging are the conditions for moving a domain's DMARC policy to the
// next stage; every field's zero value is its default. A condition is
// judged over the reports of the last Window days.
type Staging struct {
	// Window is the days of reports judged: 30.
	Window int `json:"window_days,omitempty"`
	// Days is the least number of days the reports cover: 14.
	Days int `json:"days,omitempty"`
	// Receivers is the least number of distinct receivers reporting: 2.
	Receivers int `json:"receivers,omitempty"`
	// Messages is the least number of messages reported: 100.
	Messages int `json:"messages,omitempty"`
	// PassRate is the least share of the legitimate sources' messages
	// that pass DMARC, in percent: 98.
	PassRate float64 `json:"pass_rate,omitempty"`
	// HurtShare is the share of a legitimate source's messages, in
	// percent, that failing DMARC makes it hurt: 1. No source may be
	// hurt.
	HurtShare float64 `json:"hurt_share,omitempty"`
	// Hold is the least number of days a stage past none is in force
	// (as the stored checks show) before the next one: 14.
	Hold int `json:"hold_days,omitempty"`
}

// Defaults returns the conditions with every zero field at its default.
func (s Staging) Defaults() Staging {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&s.Window, 30)
	def(&s.Days, 14)
	def(&s.Receivers, 2)
	def(&s.Messages, 100)
	def(&s.Hold, 14)
	if s.PassRate <= 0 {
		s.PassRate = 98
	}
	if s.HurtShare <= 0 {
		s.HurtShare = 1
	}
	return s
}

// check returns the field that is out of range, and why; "" when none.
func (s Staging) check() (field, reason string) {
	ints := []struct {
		name string
		v    int
	}{{"window_days", s.Window}, {"days", s.Days}, {"receivers", s.Receivers}, {"messages", s.Messages}, {"hold_days", s.Hold}}
	for _, f := range ints {
		if f.v < 0 {
			return f.name, fmt.Sprintf("%d: use 0 (the default) or more", f.v)
		}
	}
	if s.PassRate < 0 || s.PassRate > 100 {
		return "pass_rate", fmt.Sprintf("%v: a percentage, 0 (the default, 98) to 100", s.PassRate)
	}
	if s.HurtShare < 0 || s.HurtShare > 100 {
		return "hurt_share", fmt.Sprintf("%v: a percentage, 0 (the default, 1) to 100", s.HurtShare)
	}
	d := s.Defaults()
	if d.Days > d.Window {
		return "days", fmt.Sprintf("%d days of reports cannot be found in a window of %d days", d.Days, d.Window)
	}
	return "", ""
}

// Staged is what a store of reports says of a domain's DMARC stage: the
// stage in force, the next one when its condition holds ("" when it does
// not, or when the profile's goal is reached), and what the next stage
// still needs when it does not.
type Staged struct {
	Current Stage    `json:"current"`
	Next    Stage    `json:"next,omitempty"`
	Missing []string `json:"missing,omitempty"`
}

// apply makes the DMARC requirement propose the next stage when its
// condition holds, capped at the goal, and otherwise keep the policy in
// force, saying what is missing.
func (st *Staged) apply(rc *dmarc.Recommend, goal dmarc.Policy) {
	if st == nil {
		return
	}
	rc.ReportsPass = false
	if st.Next == "" {
		rc.ReportsMissing = strings.Join(st.Missing, "; ")
		return
	}
	p, testing := st.Next.Policy()
	if strictness(p) > strictness(goal) {
		p, testing = goal, false
	}
	rc.Settings.Policy, rc.Settings.Testing = p, testing
	rc.ReportsPass = true
}

func strictness(p dmarc.Policy) int {
	switch p {
	case dmarc.PolicyQuarantine:
		return 1
	case dmarc.PolicyReject:
		return 2
	}
	return 0
}
