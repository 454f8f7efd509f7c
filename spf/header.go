package spf

import (
	"fmt"
	"strings"

	"github.com/emersion/go-msgauth/authres"
)

// AuthResult returns the result as an Authentication-Results entry
// (RFC 8601, Section 2.7.2), for go-msgauth's authres.Format: a receiver
// writing one header field for SPF, DKIM and DMARC together formats it
// with the others; [Result.AuthenticationResults] is the field for SPF
// alone.
func (r *Result) AuthResult() *authres.SPFResult {
	ar := &authres.SPFResult{Value: authres.ResultValue(r.Status)}
	if r.helo() {
		ar.Helo = r.HELO
	} else {
		ar.From = r.Sender
	}
	if r.Status == StatusPermError || r.Status == StatusTempError || r.Status == StatusNone {
		if r.Err != nil {
			ar.Reason = r.Err.Error()
		}
	}
	return ar
}

// AuthenticationResults returns an Authentication-Results header field
// value for the receiving host authservID, holding this result alone (see
// [Result.AuthResult] to combine it with other methods' results).
func (r *Result) AuthenticationResults(authservID string) string {
	return authres.Format(authservID, []authres.Result{r.AuthResult()})
}

// helo reports whether the check was of the HELO identity.
func (r *Result) helo() bool { return r.Identity == IdentityHELO }

// ReceivedSPF returns a Received-SPF header field value (RFC 7208,
// Section 9.1) as the host receiver would add it.
func (r *Result) ReceivedSPF(receiver string) string {
	identity, who := "mailfrom", "domain of "+r.Sender
	if r.helo() {
		identity, who = "helo", "domain of "+r.HELO
	}
	var comment string
	switch r.Status {
	case StatusPass:
		comment = fmt.Sprintf("%s designates %s as permitted sender", who, r.IP)
	case StatusFail:
		comment = fmt.Sprintf("%s does not designate %s as permitted sender", who, r.IP)
	case StatusSoftFail:
		comment = fmt.Sprintf("%s discourages use of %s as permitted sender", who, r.IP)
	case StatusNeutral:
		comment = fmt.Sprintf("%s is neither permitted nor denied by %s", r.IP, who)
	case StatusNone:
		comment = fmt.Sprintf("%s does not publish an SPF record", strings.TrimPrefix(who, "domain of "))
	default:
		comment = fmt.Sprintf("error in processing during lookup of %s", strings.TrimPrefix(who, "domain of "))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s: %s) client-ip=%s;", r.Status, receiver, escapeComment(comment), r.IP)
	fmt.Fprintf(&b, " envelope-from=%s;", quoteValue(r.Sender))
	if r.HELO != "" {
		fmt.Fprintf(&b, " helo=%s;", quoteValue(r.HELO))
	}
	if receiver != "" {
		fmt.Fprintf(&b, " receiver=%s;", quoteValue(receiver))
	}
	if r.Term != "" {
		fmt.Fprintf(&b, " mechanism=%s;", quoteValue(r.Term))
	}
	if (r.Status == StatusPermError || r.Status == StatusTempError) && r.Err != nil {
		fmt.Fprintf(&b, " problem=%s;", quoteValue(r.Err.Error()))
	}
	fmt.Fprintf(&b, " identity=%s", identity)
	return b.String()
}

func escapeComment(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`)
	return r.Replace(s)
}

// quoteValue returns s as an RFC 5322 dot-atom when it is one, else as a
// quoted-string.
func quoteValue(s string) string {
	atom := s != ""
	for i := 0; i < len(s) && atom; i++ {
		c := s[i]
		atom = c > ' ' && c < 0x7f && !strings.ContainsRune(`()<>[]:;@\,"`, rune(c)) || c == '.'
	}
	if atom && !strings.HasPrefix(s, ".") && !strings.HasSuffix(s, ".") && !strings.Contains(s, "..") {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
