package domainconnect_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/domainconnect"
)

// schema is a JSON Schema (draft-07) validator for the keywords the
// Domain Connect template schema uses: $ref (local), type, properties,
// required, const, enum, anyOf, allOf, oneOf, not, contains, items and
// pattern. Others ("qt-uri-protocols", titles) are annotations.
type schema struct {
	root map[string]any
}

func loadSchema(t testing.TB, path string) *schema {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(b, &root); err != nil {
		t.Fatal(err)
	}
	return &schema{root: root}
}

// validate returns the first violation of s by v, or nil.
func (s *schema) validate(v any) error { return s.check(s.root, v, "$", 0) }

func (s *schema) resolve(ref string) (map[string]any, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("unsupported $ref %q", ref)
	}
	var cur any = s.root
	for _, p := range strings.Split(ref[2:], "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("bad $ref %q", ref)
		}
		cur = m[p]
	}
	m, ok := cur.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("bad $ref %q", ref)
	}
	return m, nil
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

func (s *schema) check(sch map[string]any, v any, at string, depth int) error {
	if depth > 64 {
		return fmt.Errorf("%s: schema too deep", at)
	}
	if ref, ok := sch["$ref"].(string); ok {
		target, err := s.resolve(ref)
		if err != nil {
			return err
		}
		if err := s.check(target, v, at, depth+1); err != nil {
			return err
		}
	}
	if typ, ok := sch["type"].(string); ok {
		got := jsonType(v)
		if got != typ && !(typ == "number" && got == "integer") {
			return fmt.Errorf("%s: %s, want %s", at, got, typ)
		}
	}
	if c, ok := sch["const"]; ok && fmt.Sprint(c) != fmt.Sprint(v) {
		return fmt.Errorf("%s: %v, want %v", at, v, c)
	}
	if enum, ok := sch["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			found = found || fmt.Sprint(e) == fmt.Sprint(v)
		}
		if !found {
			return fmt.Errorf("%s: %v not in %v", at, v, enum)
		}
	}
	if pat, ok := sch["pattern"].(string); ok {
		if str, isStr := v.(string); isStr && !regexp.MustCompile(pat).MatchString(str) {
			return fmt.Errorf("%s: %q does not match %s", at, str, pat)
		}
	}
	if obj, ok := v.(map[string]any); ok {
		if req, ok := sch["required"].([]any); ok {
			for _, r := range req {
				if _, has := obj[r.(string)]; !has {
					return fmt.Errorf("%s: %s is required", at, r)
				}
			}
		}
		if props, ok := sch["properties"].(map[string]any); ok {
			for k, ps := range props {
				if pv, has := obj[k]; has {
					if err := s.check(ps.(map[string]any), pv, at+"."+k, depth+1); err != nil {
						return err
					}
				}
			}
		}
	}
	if arr, ok := v.([]any); ok {
		if items, ok := sch["items"].(map[string]any); ok {
			for i, it := range arr {
				if err := s.check(items, it, fmt.Sprintf("%s[%d]", at, i), depth+1); err != nil {
					return err
				}
			}
		}
		if c, ok := sch["contains"].(map[string]any); ok {
			found := false
			for _, it := range arr {
				found = found || s.check(c, it, at, depth+1) == nil
			}
			if !found {
				return fmt.Errorf("%s: no item matches contains", at)
			}
		}
	}
	if all, ok := sch["allOf"].([]any); ok {
		for _, sub := range all {
			if err := s.check(sub.(map[string]any), v, at, depth+1); err != nil {
				return err
			}
		}
	}
	if anyOf, ok := sch["anyOf"].([]any); ok {
		var errs []string
		for _, sub := range anyOf {
			err := s.check(sub.(map[string]any), v, at, depth+1)
			if err == nil {
				errs = nil
				break
			}
			errs = append(errs, err.Error())
		}
		if errs != nil {
			return fmt.Errorf("%s: matches none of anyOf: %s", at, strings.Join(errs, "; "))
		}
	}
	if oneOf, ok := sch["oneOf"].([]any); ok {
		n := 0
		for _, sub := range oneOf {
			if s.check(sub.(map[string]any), v, at, depth+1) == nil {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("%s: matches %d of oneOf, want 1", at, n)
		}
	}
	if not, ok := sch["not"].(map[string]any); ok {
		if s.check(not, v, at, depth+1) == nil {
			return fmt.Errorf("%s: matches a schema it must not", at)
		}
	}
	return nil
}

// TestTemplateSchema: the template generated from each kind of profile
// validates against the published template schema, and the validator
// itself rejects what the schema forbids.
func TestTemplateSchema(t *testing.T) {
	sch := loadSchema(t, "testdata/template.schema")
	for name, tpl := range profileTemplates(t) {
		t.Run(name, func(t *testing.T) {
			var v any
			if err := json.Unmarshal(tpl.JSON(), &v); err != nil {
				t.Fatal(err)
			}
			if err := sch.validate(v); err != nil {
				t.Errorf("schema: %v\n%s", err, tpl.JSON())
			}
		})
	}
	bad := map[string]string{
		"no records":             `{"providerId":"a","providerName":"b","serviceId":"c","serviceName":"d"}`,
		"version as text":        `{"providerId":"a","providerName":"b","serviceId":"c","serviceName":"d","version":"1","records":[]}`,
		"SPFM without rules":     `{"providerId":"a","providerName":"b","serviceId":"c","serviceName":"d","records":[{"type":"SPFM","host":"@"}]}`,
		"TXT without ttl":        `{"providerId":"a","providerName":"b","serviceId":"c","serviceName":"d","records":[{"type":"TXT","host":"@","data":"x"}]}`,
		"CNAME at @ needs host":  `{"providerId":"a","providerName":"b","serviceId":"c","serviceName":"d","records":[{"type":"CNAME","host":"@","pointsTo":"x.example","ttl":60}]}`,
		"ttl that is not number": `{"providerId":"a","providerName":"b","serviceId":"c","serviceName":"d","records":[{"type":"CNAME","host":"x","pointsTo":"x.example","ttl":"soon"}]}`,
	}
	for name, doc := range bad {
		var v any
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			t.Fatal(err)
		}
		if sch.validate(v) == nil {
			t.Errorf("%s: the validator accepts what the schema forbids", name)
		}
		if _, err := domainconnect.ParseTemplate([]byte(doc)); err == nil {
			t.Errorf("%s: ParseTemplate accepts what the schema forbids", name)
		}
	}
}
