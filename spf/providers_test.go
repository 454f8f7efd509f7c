package spf_test

import (
	"testing"

	"github.com/domainauth/domainauth/spf"
)

func TestProviderForMX(t *testing.T) {
	for _, tc := range []struct {
		mx         string
		name, term string // "" for no provider
	}{
		{"aspmx.l.google.com.", "Google Workspace", "include:_spf.google.com"},
		{"alt1.aspmx.l.google.com", "Google Workspace", "include:_spf.google.com"}, // without the root dot
		{"smtp.google.com.", "Google Workspace", "include:_spf.google.com"},
		{"customer-example.mail.protection.outlook.com.", "Microsoft 365", "include:spf.protection.outlook.com"},
		{"mx.zoho.com.", "Zoho Mail", "include:zoho.com"},
		{"mx2.zoho.eu.", "Zoho Mail (EU)", "include:zohomail.eu"},
		{"in1-smtp.messagingengine.com.", "Fastmail", "include:spf.messagingengine.com"},
		{"mail.protonmail.ch.", "Proton Mail", "include:_spf.protonmail.ch"},
		{"mailsec.protonmail.ch.", "Proton Mail", "include:_spf.protonmail.ch"},
		{"mta-gw.infomaniak.ch.", "Infomaniak", "include:spf.infomaniak.ch"},
		{"mx1.mail.ovh.net.", "OVHcloud", "include:mx.ovh.com"},
		{"mxext1.mailbox.org.", "mailbox.org", "include:mailbox.org"},
		{"MXEXT2.MAILBOX.ORG.", "mailbox.org", "include:mailbox.org"}, // case does not matter
		{"mx.transip.email.", "TransIP", "include:_spf.transip.email"},
		{"mx1.netcup.net.", "netcup", "include:_spf.webhosting.systems"},
		{"hosted-example.mail.protection.outlook.example.", "Outlook (demo)", "include:spf.protection.outlook.example"},
		// Unknown, and look-alikes: a suffix must end the name at a label.
		{"mx1.mail.hostpoint.ch.", "", ""}, // Hostpoint documents a redirect=, not an include
		{"mail.customer.example.", "", ""},
		{"mx.notmailbox.org.", "", ""},
		{"mailbox.org.attacker.example.", "", ""},
		{"evilgoogle.com.", "", ""},
		{"", "", ""},
	} {
		t.Run(tc.mx, func(t *testing.T) {
			p, ok := spf.ProviderForMX(tc.mx)
			if ok != (tc.name != "") || p.Name != tc.name || p.Term != tc.term {
				t.Errorf("ProviderForMX(%q) = %q %q, %v; want %q %q", tc.mx, p.Name, p.Term, ok, tc.name, tc.term)
			}
		})
	}
}
