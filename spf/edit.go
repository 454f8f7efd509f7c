package spf

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/domainauth/domainauth/plan"
)

// ErrMergeConflict: records cannot be merged without guessing (two
// different redirect= or exp= values, or a redirect= that an all from
// another record would cancel).
var ErrMergeConflict = errors.New("spf: records conflict")

// termText returns term i of r as written in the parsed text.
func termText(r *Record, i int) string {
	off := r.Offset(i)
	if off < 0 {
		return r.Terms[i].String()
	}
	t := r.Text()[off:]
	if end := strings.IndexByte(t, ' '); end >= 0 {
		t = t[:end]
	}
	return t
}

// sameTerm compares terms as receivers do: names without regard to case,
// "+" the same as no qualifier.
func termKey(t Term) string {
	if t.Qualifier == QualifierPass {
		t.Qualifier = QualifierNone
	}
	return strings.ToLower(t.String())
}

// Edited is the outcome of editing the text of an SPF record.
type Edited struct {
	Proposed string // the record after the edit
	Changed  bool   // Proposed differs from the input
	// Findings say what the edit decided and why (which all a merge kept),
	// or, with [ErrMergeConflict], what it could not decide.
	Findings []plan.Finding
}

// Codes of the findings of [Merge].
const (
	CodeMergeConflict plan.Code = "spf-merge-conflict" // the records cannot be merged without guessing: modifier, values; or all, term, target (a redirect= the all would cancel)
	CodeMergeAll      plan.Code = "spf-merge-all"      // the records end in different all terms, and the merge keeps the strictest: all, dropped
)

// Insert adds term (such as "include:spf.vendor.example" or
// "ip4:192.0.2.25") to the SPF record text: before the all term, or before
// redirect= when there is no all, or at the end. Everything else stays
// exactly as written. When the record already has the same term (compared
// as receivers do) the result is the text unchanged.
func Insert(text, term string) (*Edited, error) {
	s, changed, err := insert(text, term)
	if err != nil {
		return nil, err
	}
	return &Edited{Proposed: s, Changed: changed}, nil
}

func insert(text, term string) (string, bool, error) {
	r, err := Parse(text)
	if err != nil {
		return "", false, err
	}
	t, pe := parseTerm(term)
	if pe != nil || strings.ContainsRune(term, ' ') {
		if pe == nil {
			pe = problemAt(0, ProblemTermSpaces)
		}
		return "", false, newParseError(term, pe.offset, term, pe, ErrSyntax)
	}
	if t.Mechanism == MechAll || t.IsModifier() {
		return "", false, fmt.Errorf("%w: %q: only mechanisms that authorize hosts can be inserted", ErrSyntax, term)
	}
	key := termKey(t)
	for _, have := range r.Terms {
		if termKey(have) == key {
			return text, false, nil
		}
	}
	at := r.All()
	if at < 0 {
		_, at = r.Modifier(ModRedirect)
	}
	if at < 0 || r.Offset(at) < 0 {
		return strings.TrimRight(text, " ") + " " + term, true, nil
	}
	off := r.Offset(at)
	return text[:off] + term + " " + text[off:], true, nil
}

// Merge combines several SPF records published at one name into one: the
// mechanisms of all of them, each once, as written; the strictest all (a
// finding says which was kept and which dropped); the modifiers. The
// records are taken in sorted order, so the result does not depend on the
// order DNS returned them in. It reports, and does not guess, what cannot
// be merged: two different redirect= or exp= values, or a redirect= that
// another record's all would cancel ([ErrMergeConflict], with findings
// saying which).
func Merge(texts ...string) (*Edited, error) {
	s, fs, err := merge(texts)
	if err != nil {
		return &Edited{Findings: fs}, err
	}
	return &Edited{Proposed: s, Changed: len(texts) != 1 || s != texts[0], Findings: fs}, nil
}

func merge(texts []string) (string, []plan.Finding, error) {
	if len(texts) == 0 {
		return "", nil, fmt.Errorf("%w: nothing to merge", ErrNoRecord)
	}
	texts = append([]string(nil), texts...)
	sort.SliceStable(texts, func(i, j int) bool {
		a, b := strings.ToLower(texts[i]), strings.ToLower(texts[j])
		if a != b {
			return a < b
		}
		return texts[i] < texts[j]
	})
	var recs []*Record
	for _, s := range texts {
		r, err := Parse(s)
		if err != nil {
			return "", nil, err
		}
		recs = append(recs, r)
	}
	var alls []string // every all term, as written, with its record
	var terms []string
	seen := map[string]bool{}
	var all *Term
	var allText string
	mods := map[string][]string{} // modifier name -> distinct values as written
	var modOrder []string
	var findings []plan.Finding
	for _, r := range recs {
		for i, t := range r.Terms {
			switch {
			case t.Mechanism == MechAll:
				alls = append(alls, termText(r, i)+"\x00"+r.Text())
				if all == nil || strictness(t.Qualifier) > strictness(all.Qualifier) {
					all, allText = &r.Terms[i], termText(r, i)
				}
			case t.IsModifier():
				name := strings.ToLower(t.Modifier)
				if name == ModRedirect && r.All() >= 0 {
					continue // already ignored in its own record
				}
				v := termText(r, i)
				if _, ok := mods[name]; !ok {
					modOrder = append(modOrder, name)
				}
				dup := false
				for _, have := range mods[name] {
					dup = dup || strings.EqualFold(have, v)
				}
				if !dup {
					mods[name] = append(mods[name], v)
				}
			default:
				if k := termKey(t); !seen[k] {
					seen[k] = true
					terms = append(terms, termText(r, i))
				}
			}
		}
	}
	conflict := false
	for _, name := range []string{ModRedirect, ModExp} {
		if vs := mods[name]; len(vs) > 1 {
			conflict = true
			findings = append(findings, plan.Worded(plan.Finding{Code: CodeMergeConflict, Severity: plan.SeverityError,
				Subject: strings.Join(vs, " "),
				Params:  map[string]string{"modifier": name, "values": strings.Join(vs, ", ")}}, 1, 1))
		}
	}
	if vs := mods[ModRedirect]; len(vs) == 1 && all != nil {
		conflict = true
		target := strings.TrimPrefix(strings.ToLower(vs[0]), "redirect=")
		findings = append(findings, plan.Worded(plan.Finding{Code: CodeMergeConflict, Severity: plan.SeverityError, Subject: vs[0],
			Params: map[string]string{"all": allText, "term": vs[0], "target": target}}, 2, 2))
	}
	if conflict {
		return "", findings, ErrMergeConflict
	}
	var dropped []string
	for _, a := range alls {
		term, rec, _ := strings.Cut(a, "\x00")
		if !strings.EqualFold(term, allText) {
			dropped = append(dropped, fmt.Sprintf("%s (from %q)", term, rec))
		}
	}
	if len(dropped) > 0 {
		findings = append(findings, plan.Worded(plan.Finding{Code: CodeMergeAll, Severity: plan.SeverityInfo, Subject: allText,
			Params: map[string]string{"all": allText, "dropped": strings.Join(dropped, ", ")}}, 1, 1))
	}
	out := append([]string{"v=spf1"}, terms...)
	if all != nil {
		out = append(out, allText)
	}
	for _, name := range modOrder {
		out = append(out, mods[name]...)
	}
	return strings.Join(out, " "), findings, nil
}

// strictness orders all qualifiers: - over ~ over ? over +.
func strictness(q Qualifier) int {
	switch q {
	case QualifierFail:
		return 3
	case QualifierSoftFail:
		return 2
	case QualifierNeutral:
		return 1
	}
	return 0
}
