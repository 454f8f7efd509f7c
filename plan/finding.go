package plan

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
)

// Severity says how much a [Finding] matters.
type Severity string

// Severities, from most to least serious.
const (
	SeverityError   Severity = "error"   // mail will fail authentication, or the record is ignored
	SeverityWarning Severity = "warning" // works today but is fragile, weak or against advice
	SeverityInfo    Severity = "info"    // worth knowing; nothing to fix
)

// Code is a stable identifier of a finding or of the reason for a change,
// such as "spf-no-all" or "spf-authorize". A program can key its own wording
// (in its own language) on it; the English text beside it may change.
type Code string

// Finding is one thing a check or lint has to say about a record, written so
// that a support engineer can paste it into a ticket.
//
// Message and Fix are English. A program that speaks to its users in
// another language words the finding from Code and Params instead: Params
// holds every value the sentences are made of (the domain, the term, the
// number of lookups), under names documented with each code.
type Finding struct {
	Code     Code     `json:"code"`              // stable identifier, such as "spf-no-all"
	Severity Severity `json:"severity"`          // how much it matters
	Name     string   `json:"name,omitempty"`    // the record's owner name, when known
	Subject  string   `json:"subject,omitempty"` // the term, tag or value concerned
	// Offset is the byte offset of Subject in the record text, nil when
	// the finding is not about one place in a text (see [At]).
	Offset *int `json:"offset,omitempty"`
	// Stage is the stage of the change the finding concerns, set on the
	// findings the planner itself adds (see [Plan.Findings]); a report's
	// findings share the report's stage.
	Stage   Stage             `json:"stage,omitempty"`
	Params  map[string]string `json:"params,omitempty"` // the values Message and Fix are made of
	Message string            `json:"message"`          // what is wrong and why it matters
	Fix     string            `json:"fix,omitempty"`    // what to do about it
}

// At returns offset for [Finding.Offset]: a pointer to it, or nil when it
// is negative (the place was not found, as strings.Index says).
func At(offset int) *int {
	if offset < 0 {
		return nil
	}
	return &offset
}

// String renders the finding on one or two lines:
//
//	error spf-no-all at example.com. ("v=spf1 mx", offset 0): message
//	  fix: ...
func (f Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", f.Severity, f.Code)
	var where []string
	if f.Name != "" {
		where = append(where, dnsrec.TrimDot(f.Name))
	}
	if f.Subject != "" {
		s := fmt.Sprintf("%q", f.Subject)
		if f.Offset != nil {
			s += fmt.Sprintf(" at offset %d", *f.Offset)
		}
		where = append(where, s)
	}
	if len(where) > 0 {
		b.WriteString(" (" + strings.Join(where, ", ") + ")")
	}
	b.WriteString(": " + f.Message)
	if f.Fix != "" {
		b.WriteString("\n  fix: " + f.Fix)
	}
	return b.String()
}

// Worst returns the most serious severity among findings, or "" when there
// are none.
func Worst(findings []Finding) Severity {
	var worst Severity
	rank := map[Severity]int{"": 0, SeverityInfo: 1, SeverityWarning: 2, SeverityError: 3}
	for _, f := range findings {
		if rank[f.Severity] > rank[worst] {
			worst = f.Severity
		}
	}
	return worst
}
