package domainconnect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/domainauth/domainauth/dnsrec"
)

// Errors of discovery.
var (
	// ErrNoRecord: the zone publishes no _domainconnect TXT record: its
	// DNS host does not offer Domain Connect (or not for this zone).
	ErrNoRecord = errors.New("domainconnect: no _domainconnect record")
	// ErrSettings: the _domainconnect record or the settings document is
	// malformed or incomplete.
	ErrSettings = errors.New("domainconnect: invalid settings")
	// ErrNoZone: the DNS host answered 404 for the settings: it does not
	// hold the zone (the _domainconnect record is wrong or stale).
	ErrNoZone = errors.New("domainconnect: the DNS host does not hold the zone")
)

// maxZoneWalk bounds the names the zone-cut walk asks about.
const maxZoneWalk = 8

// Settings is the DNS host's settings document for a domain (spec,
// Section "DNS Provider Discovery").
type Settings struct {
	ProviderID          string   `json:"providerId"`
	ProviderName        string   `json:"providerName"`
	ProviderDisplayName string   `json:"providerDisplayName,omitempty"`
	URLSyncUX           string   `json:"urlSyncUX,omitempty"` // absent: no synchronous flow
	URLAsyncUX          string   `json:"urlAsyncUX,omitempty"`
	URLAPI              string   `json:"urlAPI"`
	Width               int      `json:"width,omitempty"`
	Height              int      `json:"height,omitempty"`
	URLControlPanel     string   `json:"urlControlPanel,omitempty"`
	NameServers         []string `json:"nameServers,omitempty"`
}

// DisplayName is the name to show the customer: providerDisplayName, else
// providerName.
func (s *Settings) DisplayName() string {
	if s.ProviderDisplayName != "" {
		return s.ProviderDisplayName
	}
	return s.ProviderName
}

// ParseSettings reads a settings document and checks it: providerId,
// providerName and urlAPI are required, and every URL it gives must be
// https.
func ParseSettings(data []byte) (*Settings, error) {
	var s Settings
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&s); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSettings, err)
	}
	switch {
	case strings.TrimSpace(s.ProviderID) == "":
		return nil, fmt.Errorf("%w: no providerId", ErrSettings)
	case strings.TrimSpace(s.ProviderName) == "":
		return nil, fmt.Errorf("%w: no providerName", ErrSettings)
	case s.URLAPI == "":
		return nil, fmt.Errorf("%w: no urlAPI", ErrSettings)
	}
	for _, u := range []struct{ name, v string }{{"urlAPI", s.URLAPI}, {"urlSyncUX", s.URLSyncUX}, {"urlAsyncUX", s.URLAsyncUX}} {
		if u.v == "" {
			continue
		}
		if _, err := checkURL(u.v); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrSettings, u.name, err)
		}
	}
	return &s, nil
}

// Discovery is what [Config.Discover] found for a domain.
type Discovery struct {
	// Zone is the zone that holds the domain (its apex, without the
	// trailing dot): the domain of the apply link.
	Zone string
	// Host is the domain relative to Zone, "" at the apex: the host of
	// the apply link.
	Host string
	// Record is the _domainconnect TXT record's value: where the DNS
	// host's settings are.
	Record   string
	Settings *Settings
}

// Discover finds who hosts domain's DNS and how to reach its Domain
// Connect service: the zone that holds the domain (the nearest name with
// an SOA record of its own, up to the registrable domain), the
// _domainconnect TXT record at its apex, and the settings document at
// https://{record}/v2/{zone}/settings (spec, Section "DNS Provider
// Discovery"). The record is written by whoever controls the domain, so
// the URL is fetched as the Config allows only.
func (c *Config) Discover(ctx context.Context, domain string) (*Discovery, error) {
	if c.Resolver == nil {
		return nil, dnsrec.ErrNoResolver
	}
	name, err := dnsrec.ParseDomain("domain", domain)
	if err != nil {
		return nil, err
	}
	zone, err := c.zoneOf(ctx, name)
	if err != nil {
		return nil, err
	}
	d := &Discovery{Zone: dnsrec.TrimDot(zone), Host: hostIn(name, zone)}
	a, err := c.Resolver.Lookup(ctx, "_domainconnect."+zone, dnsrec.TypeTXT)
	if err != nil {
		return nil, err
	}
	var values []string
	for _, txt := range a.TXT() {
		v := strings.TrimSpace(dnsrec.JoinTXT(txt))
		if v != "" && !containsString(values, v) {
			values = append(values, v)
		}
	}
	switch len(values) {
	case 0:
		return nil, fmt.Errorf("%w at %s", ErrNoRecord, dnsrec.TrimDot("_domainconnect."+zone))
	case 1:
	default:
		return nil, fmt.Errorf("%w: %d different _domainconnect records at %s", ErrSettings, len(values), d.Zone)
	}
	d.Record = values[0]
	prefix, err := settingsPrefix(d.Record)
	if err != nil {
		return nil, err
	}
	status, body, err := c.get(ctx, prefix+"/v2/"+url.PathEscape(d.Zone)+"/settings")
	if err != nil {
		return nil, err
	}
	switch {
	case status == http.StatusNotFound:
		return nil, fmt.Errorf("%w: %s answered 404 for %s", ErrNoZone, d.Record, d.Zone)
	case status < 200 || status > 299:
		return nil, fmt.Errorf("%w: %d from %s for the settings of %s", ErrStatus, status, d.Record, d.Zone)
	}
	if d.Settings, err = ParseSettings(body); err != nil {
		return nil, err
	}
	return d, nil
}

// settingsPrefix turns the _domainconnect record into the URL prefix of
// the settings: "https://" and the record, which names a host (and
// perhaps a port and path). A record that already starts with https:// is
// read as the URL (a leniency: the spec writes only the host); any other
// scheme is refused.
func settingsPrefix(rec string) (string, error) {
	u := rec
	if i := strings.Index(rec, "://"); i >= 0 {
		if !strings.EqualFold(rec[:i], "https") {
			return "", fmt.Errorf("%w: the _domainconnect record %q", ErrNotHTTPS, rec)
		}
	} else {
		u = "https://" + rec
	}
	pu, err := checkURL(u)
	if err != nil {
		return "", err
	}
	if pu.RawQuery != "" || pu.Fragment != "" {
		return "", fmt.Errorf("%w: the _domainconnect record %q holds a query or fragment", ErrSettings, rec)
	}
	return strings.TrimSuffix(pu.String(), "/"), nil
}

// Supports asks the DNS host's API whether it has the template of
// providerID and serviceID (spec, Section "Query Supported Template"):
// true for 2xx, false for 404, an error otherwise.
func (c *Config) Supports(ctx context.Context, s *Settings, providerID, serviceID string) (bool, error) {
	u := strings.TrimSuffix(s.URLAPI, "/") + "/v2/domainTemplates/providers/" + url.PathEscape(providerID) +
		"/services/" + url.PathEscape(serviceID)
	status, _, err := c.get(ctx, u)
	if err != nil {
		return false, err
	}
	switch {
	case status == http.StatusNotFound:
		return false, nil
	case status >= 200 && status <= 299:
		return true, nil
	}
	return false, fmt.Errorf("%w: %d from %s", ErrStatus, status, u)
}

// zoneOf returns the zone that holds name: the nearest name at or above
// it, up to its registrable domain, with an SOA record of its own (RFC
// 1034, Section 4.2), else the registrable domain.
func (c *Config) zoneOf(ctx context.Context, name string) (string, error) {
	registrable := dnsrec.ZoneOf(name)
	cand := strings.ToLower(name)
	for i := 0; i < maxZoneWalk && dnsrec.IsSubdomain(cand, registrable); i++ {
		a, err := c.Resolver.Lookup(ctx, cand, dnsrec.TypeSOA)
		if err != nil {
			return "", err
		}
		for _, rec := range a.Records {
			if rec.Type == dnsrec.TypeSOA && strings.EqualFold(rec.Name, cand) {
				return cand, nil
			}
		}
		if cand == registrable {
			break
		}
		_, rest, ok := strings.Cut(cand, ".")
		if !ok || rest == "" {
			break
		}
		cand = rest
	}
	return registrable, nil
}

// hostIn returns name relative to zone, "" at the apex.
func hostIn(name, zone string) string {
	if strings.EqualFold(name, zone) {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(name), "."+strings.ToLower(zone))
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
