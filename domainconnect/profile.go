package domainconnect

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
)

// Group ids of a template generated from a profile: an apply link names
// the groups the customer's plan needs, so that a record already right, or
// one the template must not touch (an existing DMARC record), is left
// alone.
const (
	GroupDKIM       = "dkim"        // the DKIM selectors
	GroupSPF        = "spf"         // the SPF authorization (SPFM)
	GroupReturnPath = "return-path" // the return-path CNAME
	GroupDMARC      = "dmarc"       // the DMARC record, for a domain without one
)

// DefaultKeyName is the host under Service.SyncPubKeyDomain that holds the
// public key apply links are signed with, unless Service.KeyName says
// otherwise.
const DefaultKeyName = "_dcpubkeyv1"

// defaultTTL is the TTL of the template's records: one hour, short enough
// to correct a mistake the same day.
const defaultTTL = 3600

// Service is how the vendor is known to Domain Connect: its provider and
// service ids (the template's file name in the public repository is
// "providerid.serviceid.json"), and where its signing key is published.
// The zero value is filled in from the profile: see [Service.fill].
type Service struct {
	// ProviderID is the vendor's id, its domain name by the spec's advice
	// ("vendor.example"); default: the registrable domain of the first
	// DKIM target, else of the SPF include, else of the return-path
	// target or bounce domain.
	ProviderID string
	// ProviderName is shown to the customer on the DNS host's consent
	// page; default: the profile's name.
	ProviderName string
	// ServiceID names the template; default "email".
	ServiceID string
	// ServiceName is shown beside ProviderName; default "E-mail sending".
	ServiceName string
	// Version of the template; default 1.
	Version int
	// SyncPubKeyDomain is where the public signing key is published;
	// default: ProviderID. Apply links are always signed.
	SyncPubKeyDomain string
	// KeyName is the host under SyncPubKeyDomain holding the key;
	// default [DefaultKeyName].
	KeyName string
	// RedirectDomains are the domains the DNS host may send the customer
	// back to after applying (syncRedirectDomain); none by default.
	RedirectDomains []string
}

// fill returns s with its defaults filled in from p.
func (s Service) fill(p *domaincheck.Profile) Service {
	if s.ProviderID == "" {
		s.ProviderID = defaultProviderID(p)
	}
	if s.ProviderName == "" {
		s.ProviderName = p.Name
	}
	if s.ServiceID == "" {
		s.ServiceID = "email"
	}
	if s.ServiceName == "" {
		s.ServiceName = "E-mail sending"
	}
	if s.Version == 0 {
		s.Version = 1
	}
	if s.SyncPubKeyDomain == "" {
		s.SyncPubKeyDomain = s.ProviderID
	}
	if s.KeyName == "" {
		s.KeyName = DefaultKeyName
	}
	return s
}

func defaultProviderID(p *domaincheck.Profile) string {
	var names []string
	for _, d := range p.DKIM {
		names = append(names, d.Target)
	}
	if _, dom, ok := strings.Cut(p.SPF, ":"); ok && strings.HasPrefix(strings.ToLower(p.SPF), "include:") {
		names = append(names, dom)
	}
	names = append(names, p.Envelope.Target, p.Envelope.Domain)
	for _, n := range names {
		if n == "" {
			continue
		}
		if c, err := dnsrec.CanonicalName(n); err == nil {
			if z := dnsrec.TrimDot(dnsrec.ZoneOf(c)); z != "" {
				return z
			}
		}
	}
	return strings.ToLower(strings.Join(strings.Fields(p.Name), "-"))
}

// SPFRules returns the SPF terms that authorize the vendor, as the SPFM
// record holds them: the profile's mechanism, then its addresses, each
// once.
func SPFRules(p *domaincheck.Profile) string {
	var out []string
	add := func(term string) {
		for _, t := range out {
			if strings.EqualFold(t, term) {
				return
			}
		}
		out = append(out, term)
	}
	if p.SPF != "" {
		add(p.SPF)
	}
	for _, a := range p.Addresses {
		mech := "ip4:"
		if a.Addr().Is6() {
			mech = "ip6:"
		}
		if a.IsSingleIP() {
			add(mech + a.Addr().String())
		} else {
			add(mech + a.Masked().String())
		}
	}
	return strings.Join(out, " ")
}

// DMARCRecord returns the DMARC record the template publishes for a domain
// that has none: p=none with the profile's report addresses, the first
// stage of every plan (a stricter policy comes once the reports show the
// domain's legitimate mail passing, and is the owner's edit, never the
// template's).
func DMARCRecord(p *domaincheck.Profile) (string, error) {
	rec, err := dmarc.Build(dmarc.Settings{Policy: dmarc.PolicyNone, Reports: p.DMARC.Reports})
	if err != nil {
		return "", err
	}
	return rec.String(), nil
}

// FromProfile returns the vendor's template for what its profile needs of
// a customer domain, applied with the customer's domain (and, for a
// subdomain in its zone, the host):
//
//   - group dkim: each selector, a CNAME to the vendor's key where the
//     profile delegates it, else the key as a TXT record that replaces any
//     other TXT record at the selector (txtConflictMatchingMode All);
//   - group spf (customer envelope): an SPFM record with the vendor's
//     terms, which the DNS host merges into the existing SPF record;
//   - group return-path (return-path envelope): the CNAME to the vendor;
//   - group dmarc: the DMARC record, replacing only records starting with
//     "v=DMARC1" (Prefix mode) and marked OnApply so that the owner may
//     tighten it later; an apply link names this group only for a domain
//     without a DMARC record (see [Offer]), so that a published policy
//     is never overwritten.
//
// The values are the same for every customer: the template holds no
// variables but the built-in domain and host of the apply link, and is
// always signed (syncPubKeyDomain).
func FromProfile(p *domaincheck.Profile, s Service) (*Template, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	s = s.fill(p)
	t := &Template{
		ProviderID: s.ProviderID, ProviderName: s.ProviderName,
		ServiceID: s.ServiceID, ServiceName: s.ServiceName, Version: s.Version,
		Description:        fmt.Sprintf("Authorizes %s to send e-mail as the domain (%s), generated from its vendor profile.", p.Name, parts(p)),
		SyncPubKeyDomain:   s.SyncPubKeyDomain,
		SyncRedirectDomain: strings.Join(s.RedirectDomains, ","),
	}
	for _, d := range p.DKIM {
		host := d.Selector + "._domainkey"
		if d.Target != "" {
			t.Records = append(t.Records, Record{Type: TypeCNAME, GroupID: GroupDKIM, Host: host,
				PointsTo: dnsrec.TrimDot(strings.ToLower(d.Target)), TTL: defaultTTL})
			continue
		}
		t.Records = append(t.Records, Record{Type: TypeTXT, GroupID: GroupDKIM, Host: host,
			Data: d.Key, TTL: defaultTTL, ConflictMode: ConflictAll})
	}
	switch p.Envelope.Mode {
	case "", domaincheck.EnvelopeCustomer:
		t.Records = append(t.Records, Record{Type: TypeSPFM, GroupID: GroupSPF, Host: "@", SPFRules: SPFRules(p)})
	case domaincheck.EnvelopeReturnPath:
		t.Records = append(t.Records, Record{Type: TypeCNAME, GroupID: GroupReturnPath, Host: p.Envelope.Name,
			PointsTo: dnsrec.TrimDot(strings.ToLower(p.Envelope.Target)), TTL: defaultTTL})
	}
	rec, err := DMARCRecord(p)
	if err != nil {
		return nil, err
	}
	t.Records = append(t.Records, Record{Type: TypeTXT, GroupID: GroupDMARC, Essential: EssentialOnApply,
		Host: "_dmarc", Data: rec, TTL: defaultTTL, ConflictMode: ConflictPrefix, ConflictPrefix: "v=DMARC1"})
	for _, r := range t.Records {
		if (r.Type == TypeCNAME) && (r.Host == "@" || r.Host == "") {
			t.HostRequired = true
		}
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

// parts names what the template sets up, for its description.
func parts(p *domaincheck.Profile) string {
	switch p.Envelope.Mode {
	case domaincheck.EnvelopeReturnPath:
		return "DKIM, the return path, DMARC"
	case domaincheck.EnvelopeVendor:
		return "DKIM, DMARC"
	}
	return "DKIM, SPF, DMARC"
}
