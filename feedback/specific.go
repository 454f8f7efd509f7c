package feedback

import (
	"strings"
	"unicode/utf8"
)

// mostSpecific returns the most specific enhanced status code among the
// delivery-status part's and those in the diagnostic text (RFC 3463,
// Section 3: a subject or detail of 0 says less): a generic "5.0.0" gives
// way to the receiver's "5.7.26". On a tie the delivery-status part's
// code stays.
func mostSpecific(status, diag string) string {
	best, score := status, specificity(status)
	if status != "" && score < 0 {
		best = ""
	}
	for _, loc := range statusRe.FindAllStringIndex(diag, 8) {
		if loc[1] < len(diag) && diag[loc[1]] == '.' || loc[0] > 0 && diag[loc[0]-1] == '.' {
			continue // part of an address, "5.255.64.53"
		}
		c := diag[loc[0]:loc[1]]
		if s := specificity(c); s > score {
			best, score = c, s
		}
	}
	return best
}

// specificity scores a code: -1 when it is not one, then one point each
// for a subject and a detail that are not 0.
func specificity(code string) int {
	parts := strings.Split(code, ".")
	if len(parts) != 3 || (parts[0] != "2" && parts[0] != "4" && parts[0] != "5") {
		return -1
	}
	if len(parts[1]) != 1 || parts[1][0] > '7' {
		return -1 // RFC 3463, Section 3: subjects 0 to 7
	}
	n := 0
	for _, p := range parts[1:] {
		if p == "" || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return -1
		}
		if strings.Trim(p, "0") != "" {
			n++
		}
	}
	return n
}

// replyCode is the SMTP reply code that starts a diagnostic, "" when none.
func replyCode(diag string) string {
	if m := replyRe.FindStringSubmatch(shorten(diag, 64)); m != nil {
		return m[1]
	}
	return ""
}

// capText cuts s to n bytes, at a rune boundary, marking the cut.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
