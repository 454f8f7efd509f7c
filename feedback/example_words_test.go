package feedback_test

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/feedback"
)

// A bounce's status code and advice, and a receiver's results, for a
// reader of Swiss German and of French: the fields hold the English.
func ExampleReason_TextIn() {
	fmt.Println(feedback.StatusTextIn(language.MustParse("de-CH"), "5.7.26"))
	h, _ := feedback.ParseHeaders(strings.NewReader("From: jane@customer.example\r\n" +
		"Authentication-Results: mx.receiver.example; spf=softfail smtp.mailfrom=customer.example; dkim=none\r\n\r\n"))
	for _, r := range h.Reasons {
		fmt.Printf("%s | %s\n", r.Text, r.TextIn(language.French))
	}
	// Output:
	// dauerhafter Fehler: mehrere Authentifizierungsprüfungen sind gescheitert (RFC 7372); Gmail verwendet den Code, wenn DMARC scheitert
	// SPF gave softfail for customer.example | SPF a donné softfail pour customer.example
	// the message carries no DKIM signature | le message ne porte aucune signature DKIM
}
