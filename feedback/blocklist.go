package feedback

import (
	"net/netip"
	"strings"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/plan"
)

// Listing is a blocklist a receiver named in its refusal.
type Listing struct {
	// Zone is the DNS zone the receiver named ("zen.spamhaus.org"), ""
	// when it named the list by words only.
	Zone string `json:"zone,omitempty"`
	// Operator runs the list ("Spamhaus"); Name is the list as the
	// operator calls it, when it runs several ("Spamhaus ZEN").
	Operator string `json:"operator"`
	Name     string `json:"name"`
	// Address is the listed address the receiver named, when it did.
	Address netip.Addr `json:"address"`
	// LookupURL is the operator's page to look the address up and
	// request removal, when known.
	LookupURL string `json:"lookup_url,omitempty"`
}

// String names the list: its name, and its zone when the receiver gave it.
func (l *Listing) String() string { return l.StringIn(i18n.English) }

// describedLists are the lists whose name is a description, not a name
// (Microsoft's own lists), with the catalogue code that words it.
var describedLists = map[string]plan.Code{
	"Microsoft 365's banned sending IP list": "feedback-list-microsoft-banned",
	"Outlook.com's block list":               "feedback-list-outlook-blocked",
}

// StringIn is String in the catalogue language tag matches (package
// i18n): a list's own name stays as its operator writes it, a list named
// by a description (Microsoft's) is worded in the language.
func (l *Listing) StringIn(tag language.Tag) string {
	if l == nil {
		return ""
	}
	name := l.Name
	if code, ok := describedLists[name]; ok {
		name = sentence{Code: code}.In(tag)
	}
	if name == "" {
		name = l.Operator
	}
	if l.Zone != "" && !strings.EqualFold(l.Zone, name) {
		return name + " (" + l.Zone + ")"
	}
	return name
}

// blocklists are the lists receivers name, by the zone suffix they are
// queried at, or by words for the providers' own lists. The lookup pages
// are the operators' own: check.spamhaus.org (Spamhaus, "IP and domain
// reputation checker"), barracudacentral.org/lookups (Barracuda Central),
// spamcop.net/bl.shtml (SpamCop), uceprotect.net/en/rblcheck.php
// (UCEPROTECT), psbl.org (Passive Spam Block List), mailspike.org
// (Mailspike), ipcheck.proofpoint.com (Proofpoint). Microsoft's two
// lists go by the words of its own refusals: Microsoft 365 (Exchange
// Online) refuses with 5.7.606 to 5.7.649, "Access denied, banned sending
// IP [...]. To request removal from this list please visit
// https://sender.office.com/" (Microsoft Learn, "Fix email delivery issues
// for error codes 5.7.606 through 5.7.649 in Exchange Online"; the delist
// portal is sender.office.com); Outlook.com refuses with 5.7.1 and S3150
// (or S3140, S3114), "part of their network is on our block list", and
// takes removal requests through its sender support form,
// olcsupport.office.com.
var blocklists = []struct {
	zone, name, operator, url string
	words                     []string
}{
	{"zen.spamhaus.org", "Spamhaus ZEN", "Spamhaus", "https://check.spamhaus.org/", nil},
	{"sbl-xbl.spamhaus.org", "Spamhaus SBL and XBL", "Spamhaus", "https://check.spamhaus.org/", nil},
	{"sbl.spamhaus.org", "Spamhaus SBL", "Spamhaus", "https://check.spamhaus.org/", []string{"rcvd_in_sbl"}},
	{"xbl.spamhaus.org", "Spamhaus XBL", "Spamhaus", "https://check.spamhaus.org/", nil},
	{"pbl.spamhaus.org", "Spamhaus PBL", "Spamhaus", "https://check.spamhaus.org/", nil},
	{"dbl.spamhaus.org", "Spamhaus DBL", "Spamhaus", "https://check.spamhaus.org/", nil},
	{"spamhaus.org", "Spamhaus", "Spamhaus", "https://check.spamhaus.org/", []string{"spamhaus"}},
	{"b.barracudacentral.org", "Barracuda Reputation Block List", "Barracuda", "https://www.barracudacentral.org/lookups", []string{"barracuda"}},
	{"bl.spamcop.net", "SpamCop Blocking List", "SpamCop", "https://www.spamcop.net/bl.shtml", []string{"spamcop"}},
	{"uceprotect.net", "UCEPROTECT", "UCEPROTECT", "https://www.uceprotect.net/en/rblcheck.php", []string{"uceprotect"}},
	{"psbl.surriel.com", "Passive Spam Block List", "PSBL", "https://psbl.org/", nil},
	{"bl.mailspike.net", "Mailspike", "Mailspike", "https://mailspike.org/", nil},
	{"sorbs.net", "SORBS", "SORBS", "", []string{"sorbs"}},
	{"", "Microsoft 365's banned sending IP list", "Microsoft", "https://sender.office.com/", []string{"banned sending ip", "sender.office.com", "5.7.60", "5.7.61", "5.7.62", "5.7.63", "5.7.64"}},
	{"", "Outlook.com's block list", "Microsoft", "https://olcsupport.office.com/", []string{"s3150", "s3140", "s3114", "part of their network is on our block list"}},
	{"", "Proofpoint Dynamic Reputation", "Proofpoint", "https://ipcheck.proofpoint.com/", []string{"proofpoint"}},
}

// findListing reads the list a refusal names, and the listed address.
// It reads at most [MaxDiagnosticLength] bytes of text.
func findListing(diag string) *Listing {
	d := strings.ToLower(shorten(diag, MaxDiagnosticLength))
	// Zones first: the most specific suffix wins.
	var l *Listing
	for _, tok := range strings.FieldsFunc(d, func(r rune) bool {
		return r == ' ' || r == ';' || r == ',' || r == '(' || r == ')' || r == '[' || r == ']' || r == '<' || r == '>' || r == '"' || r == '\'' || r == '/' || r == '?' || r == '='
	}) {
		tok = strings.Trim(tok, ".:")
		for _, b := range blocklists {
			if b.zone != "" && (tok == b.zone || strings.HasSuffix(tok, "."+b.zone)) {
				zone := tok
				if strings.HasPrefix(zone, "www.") || zone == "spamhaus.org" || zone == "uceprotect.net" || zone == "sorbs.net" {
					zone = "" // a web site or the operator's name, not a list's zone
				}
				if l == nil || l.Zone == "" && zone != "" {
					l = &Listing{Zone: zone, Name: b.name, Operator: b.operator, LookupURL: b.url}
				}
				break
			}
		}
	}
	if l == nil {
		for _, b := range blocklists {
			for _, w := range b.words {
				if strings.Contains(d, w) {
					l = &Listing{Name: b.name, Operator: b.operator, LookupURL: b.url}
					break
				}
			}
			if l != nil {
				break
			}
		}
	}
	if l == nil {
		return nil
	}
	l.Address = listedAddress(d)
	return l
}

// listedAddress finds the first IP address literal in a refusal.
func listedAddress(d string) netip.Addr {
	for _, tok := range strings.FieldsFunc(d, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r == '.' || r == ':')
	}) {
		tok = strings.Trim(tok, ".:")
		if !strings.ContainsAny(tok, ".:") || len(tok) < 3 {
			continue
		}
		if ip, err := netip.ParseAddr(tok); err == nil {
			return ip.Unmap()
		}
	}
	return netip.Addr{}
}
