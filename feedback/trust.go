package feedback

import (
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/internal/received"
)

// roughID is the first word of a field that could not be parsed: its
// authserv-id, as far as one can tell.
func roughID(v string) string {
	f := strings.FieldsFunc(shorten(v, 512), func(r rune) bool { return r == ';' || r == ' ' || r == '\t' || r == '(' })
	if len(f) == 0 || strings.Contains(f[0], "=") {
		return ""
	}
	return strings.ToLower(f[0])
}

// arcInstance splits "i=1; mx.example; spf=pass ..." into 1 and the rest.
func arcInstance(v string) (int, string) {
	tag, rest, ok := strings.Cut(v, ";")
	tag = strings.TrimSpace(tag)
	if !ok || !strings.HasPrefix(tag, "i=") {
		return 1, v
	}
	n, err := strconv.Atoi(strings.TrimSpace(tag[2:]))
	if err != nil || n < 1 || n > 50 { // RFC 8617, Section 4.2.1: 1 to 50
		n = 1
	}
	return n, rest
}

// byTrusted reports whether a Received field was added by a trusted host:
// its "by" name is a trusted id, a name under it, or in the same domain
// (one label off).
func byTrusted(v string, trusted map[string]bool) bool {
	by := received.By(v)
	if by == "" {
		return false
	}
	for id := range trusted {
		if id == "" {
			continue
		}
		if by == id || strings.HasSuffix(by, "."+id) || received.Parent(by) != "" && received.Parent(by) == received.Parent(id) {
			return true
		}
	}
	return false
}
