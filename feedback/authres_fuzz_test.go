package feedback

import (
	"maps"
	"sort"
	"strings"
	"testing"
)

// formatAuthResults writes a parsed field back in the canonical form of
// RFC 8601, Section 2.2: every value a quoted string, no comments.
func formatAuthResults(ar *authResults) string {
	quote := func(s string) string {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
	}
	var b strings.Builder
	if ar.ID != "" {
		b.WriteString(quote(ar.ID))
	}
	for i, r := range ar.Results {
		if ar.ID != "" || i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(r.Method + "=" + r.Result)
		if r.Reason != "" {
			b.WriteString(" reason=" + quote(r.Reason))
		}
		keys := make([]string, 0, len(r.Props))
		for k := range r.Props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b.WriteString(" " + k + "=" + quote(r.Props[k]))
		}
	}
	return b.String()
}

func sameResults(a, b *authResults) bool {
	if a.ID != b.ID || len(a.Results) != len(b.Results) {
		return false
	}
	for i := range a.Results {
		x, y := a.Results[i], b.Results[i]
		if x.Method != y.Method || x.Result != y.Result || x.Reason != y.Reason || !maps.Equal(x.Props, y.Props) {
			return false
		}
	}
	return true
}

// FuzzParseAuthResults: a field that parses, written back canonically,
// parses to the same results (the round trip), whatever comments and
// quoted strings it held; nothing panics.
func FuzzParseAuthResults(f *testing.F) {
	for _, s := range []string{
		`mx1.receiver.example; dkim=fail (2048-bit key; unprotected key) header.d=customer.example header.b=Qx7/kP2v; dmarc=fail (p=quarantine) header.from=customer.example`,
		`mail.receiver.example (amavisd-new); dkim=fail (1024-bit key) reason="signature verification failed" header.d=customer.example`,
		`spf=pass (sender IP is 5.255.64.53) smtp.mailfrom=customer.example;dmarc=pass action=none header.from=customer.example;compauth=pass reason=100`,
		`mx.example 1; spf=pass smtp.mailfrom="a b"@customer.example; auth=pass smtp.auth=jane`,
		`mx.example; none`,
		`mx.example; arc=fail (signature failed) smtp.remote-ip=198.51.100.40 header.oldest-pass=1`,
		`mx.example; dkim=pass ((nested) comment) header.i=@customer.example`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		ar, err := parseAuthResults(v)
		if err != nil {
			return
		}
		again, err := parseAuthResults(formatAuthResults(ar))
		if err != nil {
			t.Fatalf("the canonical form %q does not parse: %v", formatAuthResults(ar), err)
		}
		if !sameResults(ar, again) {
			t.Fatalf("round trip differs:\n%+v\n%+v\n(%q)", ar, again, formatAuthResults(ar))
		}
	})
}
