package feedback

import (
	"regexp"
	"strings"
)

var (
	addrRe     = regexp.MustCompile(`<?([A-Za-z0-9._%+\-=]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})>?`)
	replyLine  = regexp.MustCompile(`^.*\b[45]\d\d[ \-][245]\.\d{1,3}\.\d{1,3}\b.*$|^.*\b[45]\d\d[ \-].{10,}$`)
	remoteHost = regexp.MustCompile(`\bhost ([A-Za-z0-9.\-]+)`)
	statusRe   = regexp.MustCompile(`\b([245])\.(\d{1,3})\.(\d{1,3})\b`)
	replyRe    = regexp.MustCompile(`\b([245]\d\d)[ -]`)
)

// fromText finds failed recipients in a bounce without a delivery-status
// part: each line holding an SMTP reply (with its continuation lines) is a
// diagnostic, and the address nearest before it the recipient. Postfix
// ("<a@b>: host mx[...] said: 550 5.7.26 ..."), Exim ("SMTP error from
// remote mail server after end of data: 550 ..."), Gmail ("The response
// from the remote server was: 550 5.7.26 ...") and Microsoft ("Remote
// server returned '550 5.7.509 ...'") all read this way. Each line is
// searched in its first [MaxLineLength] bytes, and a diagnostic keeps
// [MaxDiagnosticLength] bytes, so the work is linear in the text.
func fromText(text string) []Recipient {
	var out []Recipient
	seen := map[string]bool{}
	lines := strings.Split(text, "\n")
	lastAddr, lastHost := "", ""
	for i := 0; i < len(lines) && len(out) < MaxRecipients; i++ {
		line := strings.TrimSpace(capText(lines[i], MaxLineLength))
		// Cheap tests first: most lines hold no reply, address or host.
		isReply := strings.ContainsAny(line, "45") && replyLine.MatchString(line) && replyRe.MatchString(line)
		hasAt := strings.IndexByte(line, '@') >= 0
		if hasAt && !isReply {
			if m := addrRe.FindStringSubmatch(line); m != nil {
				lastAddr = m[1]
			}
		}
		if strings.Contains(line, "host ") {
			if m := remoteHost.FindStringSubmatch(line); m != nil {
				lastHost = m[1]
			}
		}
		if !isReply {
			continue
		}
		var diag strings.Builder
		diag.WriteString(line)
		code := line[:min(3, len(line))]
		// Continuation lines: indented, or the reply's own "550-" form.
		for i+1 < len(lines) {
			next := capText(lines[i+1], MaxLineLength)
			t := strings.TrimSpace(next)
			if t == "" || !(strings.HasPrefix(next, " ") || strings.HasPrefix(next, "\t") || strings.HasPrefix(t, code) && replyRe.MatchString(t)) {
				break
			}
			if diag.Len() < MaxDiagnosticLength {
				diag.WriteByte(' ')
				diag.WriteString(t)
			}
			i++
		}
		// The address may stand on the reply's own line (Postfix).
		if hasAt {
			if m := addrRe.FindStringSubmatch(line); m != nil && strings.Index(line, m[0]) < strings.IndexAny(line, "45") {
				lastAddr = m[1]
			}
		}
		if lastAddr == "" || seen[lastAddr] {
			continue
		}
		seen[lastAddr] = true
		out = append(out, Recipient{Address: lastAddr, Action: "failed", Diagnostic: cleanDiagnostic(diag.String()), RemoteMTA: lastHost})
	}
	return out
}

// cleanDiagnostic keeps the receiver's words: from the reply code on,
// without the MTA's quotes around it.
func cleanDiagnostic(s string) string {
	if loc := replyRe.FindStringIndex(s); loc != nil {
		s = s[loc[0]:]
	}
	s = strings.TrimRight(s, "'\") ")
	return strings.Join(strings.Fields(capText(s, MaxDiagnosticLength)), " ")
}
