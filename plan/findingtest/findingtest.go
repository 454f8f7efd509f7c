package findingtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/plan"
)

// Uses reports whether the finding's Message, Fix, Subject or Name holds
// v. A list value ("a, b": the items joined by a comma and a space, as
// parameters write lists) counts when each item is there, however the
// sentence joins them ("a and b").
func Uses(f plan.Finding, v string) bool {
	in := func(s string) bool {
		for _, text := range []string{f.Message, f.Fix, f.Subject, f.Name} {
			if strings.Contains(text, s) {
				return true
			}
		}
		return false
	}
	if in(v) {
		return true
	}
	items := strings.Split(v, ", ")
	if len(items) < 2 {
		return false
	}
	for _, item := range items {
		if !in(item) {
			return false
		}
	}
	return true
}

// Problems says what is wrong with the parameters of f: it has none, or a
// value its sentences, subject and name do not use. A parameter that
// chooses a clause of the catalogue (the kind of a parse error, passed to
// sub: see i18n.Catalog.Selectors) is used by choosing it.
func Problems(f plan.Finding) []string {
	if len(f.Params) == 0 {
		return []string{fmt.Sprintf("%s has no parameters: %s", f.Code, f.Message)}
	}
	selectors := map[string]bool{}
	c := i18n.Default()
	for _, part := range []struct{ key, text string }{{i18n.PartMessage, f.Message}, {i18n.PartFix, f.Fix}} {
		if part.text == "" {
			continue
		}
		for _, k := range c.Selectors(c.Choose(string(f.Code), part.key, f.Params, part.text)) {
			selectors[k] = true
		}
	}
	var out []string
	for _, k := range sortedKeys(f.Params) {
		if v := f.Params[k]; v != "" && !selectors[k] && !Uses(f, v) {
			out = append(out, fmt.Sprintf("%s: parameter %s=%q is in neither its sentences, its subject nor its name: %s / %s", f.Code, k, v, f.Message, f.Fix))
		}
	}
	return out
}

// Check reports the [Problems] of every finding. The codes in fixed may
// come without parameters: their sentences quote nothing variable, and the
// call that made them (a lint of a text alone) does not know the record's
// name.
func Check(t testing.TB, fs []plan.Finding, fixed ...plan.Code) {
	t.Helper()
	CheckEnglish(t, fs)
	for _, f := range fs {
		if len(f.Params) == 0 && slices.Contains(fixed, f.Code) {
			continue
		}
		for _, p := range Problems(f) {
			t.Error(p)
		}
	}
}

// Codes maps each finding code a package declares to the parameter names
// the comment beside it documents.
type Codes map[plan.Code][]string

// paramName is what a documented parameter name looks like.
var paramName = regexp.MustCompile(`^[a-z]+$`)

// Declared reads the finding codes declared in the Go files of dir (tests
// left out): the constants of type plan.Code whose names start with
// "Code". Their comment names the parameters after its last ": ", separated
// by commas, semicolons or " or "; words in parentheses explain them.
func Declared(t testing.TB, dir string) Codes {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	codes := Codes{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if len(vs.Names) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Code") || !isPlanCode(vs.Type) || len(vs.Values) != 1 {
					continue
				}
				lit, ok := vs.Values[0].(*ast.BasicLit)
				if !ok {
					continue
				}
				code, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				names, err := documented(vs.Comment.Text())
				if err != nil {
					t.Errorf("%s: %v", vs.Names[0].Name, err)
				}
				codes[plan.Code(code)] = names
			}
		}
	}
	if len(codes) == 0 {
		t.Fatalf("no finding codes declared in %s", dir)
	}
	return codes
}

func isPlanCode(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "plan" && sel.Sel.Name == "Code"
}

var parenthesized = regexp.MustCompile(`\([^)]*\)`)

// documented returns the parameter names of a code's comment.
func documented(comment string) ([]string, error) {
	comment = strings.TrimSpace(comment)
	i := strings.LastIndex(comment, ": ")
	if i < 0 {
		return nil, fmt.Errorf("the comment %q names no parameters after a colon", comment)
	}
	list := parenthesized.ReplaceAllString(comment[i+2:], "")
	var names []string
	for _, part := range strings.FieldsFunc(strings.ReplaceAll(list, " or ", ","), func(r rune) bool { return r == ',' || r == ';' }) {
		name := strings.TrimSpace(part)
		if !paramName.MatchString(name) {
			return nil, fmt.Errorf("the comment %q documents %q, which is not a parameter name", comment, name)
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names, nil
}

// CheckNames reports every parameter of the findings whose name the
// comment beside its code does not document, leaving out those in common:
// parameters the package adds to every finding of an entry point (the
// record's domain, say), which its const block documents once. Findings of
// codes that codes does not hold are left alone.
func (codes Codes) CheckNames(t testing.TB, fs []plan.Finding, common ...string) {
	t.Helper()
	for _, f := range fs {
		names, ok := codes[f.Code]
		if !ok {
			continue
		}
		for _, k := range sortedKeys(f.Params) {
			if !slices.Contains(names, k) && !slices.Contains(common, k) {
				t.Errorf("%s: parameter %s is not documented beside the code (%s)", f.Code, k, strings.Join(names, ", "))
			}
		}
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// CheckAll checks the findings of every situation (Check and CheckNames,
// with the parameter names common to all codes) and that together they
// produce every code declared: a code no situation shows is reported.
func (codes Codes) CheckAll(t testing.TB, situations [][]plan.Finding, common ...string) {
	t.Helper()
	reached := map[plan.Code]bool{}
	for _, fs := range situations {
		Check(t, fs)
		codes.CheckNames(t, fs, common...)
		for _, f := range fs {
			reached[f.Code] = true
		}
	}
	var missing []string
	for code := range codes {
		if !reached[code] {
			missing = append(missing, string(code))
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no situation produces %s", strings.Join(missing, ", "))
	}
}
