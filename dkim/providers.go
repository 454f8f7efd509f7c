package dkim

import "github.com/domainauth/domainauth/dnsrec"

// delegations name the mail services whose customers delegate a selector
// to them by CNAME, by the domain the target is under: such a selector is in use
// by that service, and replacing it would break the service's signatures.
//
//   - Microsoft 365: Microsoft Learn, "Set up DKIM to sign mail from your
//     Microsoft 365 domain" (defender-office-365/email-authentication-dkim-
//     configure), read 2026-12-01: selector1/selector2._domainkey CNAME
//     selector1-<domain-with-dashes>._domainkey.<tenant>.onmicrosoft.com,
//     and for custom domains added since May 2025
//     selector1-<domain-with-dashes>._domainkey.<prefix>.<x>-v1.dkim.mail.microsoft.
//   - Twilio SendGrid: "How to Set Up Domain Authentication"
//     (twilio.com/docs/sendgrid), read 2026-12-01: the s1 and s2 selectors
//     are CNAMEs to keys SendGrid hosts under sendgrid.net.
//   - Amazon SES: Easy DKIM (the SES Developer Guide and API reference,
//     VerifyDomainDkim), read 2026-12-01: three <token>._domainkey CNAMEs to
//     keys SES hosts, <token>.dkim.amazonses.com.
var delegations = [...]struct{ parent, service string }{
	{"onmicrosoft.com.", "Microsoft 365"},
	{"dkim.mail.microsoft.", "Microsoft 365"},
	{"sendgrid.net.", "Twilio SendGrid"},
	{"dkim.amazonses.com.", "Amazon SES"},
}

// DelegatedService names the mail service a selector's CNAME target
// belongs to ("Microsoft 365" for ...onmicrosoft.com), or "".
func DelegatedService(target string) string {
	for _, d := range delegations {
		if dnsrec.IsSubdomain(target, d.parent) {
			return d.service
		}
	}
	return ""
}
