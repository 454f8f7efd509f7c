package domainconnect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/spf"
)

// RecordType is the type of a template record: a DNS record type, or the
// SPFM pseudo-type whose rules the DNS host merges into the SPF record
// (spec, Section "Template Record" and "SPF Record Merging").
type RecordType string

// The record types a template generated here uses, and the others the
// spec's core set names.
const (
	TypeA     RecordType = "A"     // IPv4 address
	TypeAAAA  RecordType = "AAAA"  // IPv6 address
	TypeCNAME RecordType = "CNAME" // alias: the DKIM and return-path delegations
	TypeMX    RecordType = "MX"    // mail exchange
	TypeTXT   RecordType = "TXT"   // text: a DKIM key, the DMARC record
	TypeNS    RecordType = "NS"    // delegation
	TypeSPFM  RecordType = "SPFM"  // SPF rules the host merges into the SPF record
)

// ConflictMode says which existing TXT records at the same host a TXT
// record of the template replaces (txtConflictMatchingMode, spec Section
// "Record Types and Conflicts").
type ConflictMode string

// Conflict modes.
const (
	ConflictNone   ConflictMode = "None"   // replaces no TXT record (the default)
	ConflictAll    ConflictMode = "All"    // replaces every TXT record at the host
	ConflictPrefix ConflictMode = "Prefix" // replaces the TXT records starting with txtConflictMatchingPrefix
)

// Essential says whether a record stays tied to the template once applied
// (essential; only DNS hosts that keep template state use it).
type Essential string

// Essential values.
const (
	EssentialAlways  Essential = "Always"  // kept with the template (the default)
	EssentialOnApply Essential = "OnApply" // applied, then the owner may change or remove it
)

// Record is one record of a template. Host is relative to the domain and
// host the template is applied to ("@" for that name itself); values may
// hold variables (%name%).
type Record struct {
	Type    RecordType `json:"type"`
	GroupID string     `json:"groupId,omitempty"` // the group it is applied with
	// Essential is written only when it is not the default.
	Essential Essential `json:"essential,omitempty"`
	Host      string    `json:"host"`
	PointsTo  string    `json:"pointsTo,omitempty"` // CNAME, A, AAAA, MX, NS
	Data      string    `json:"data,omitempty"`     // TXT
	// TTL in seconds; the SPFM pseudo-record has none.
	TTL            int          `json:"ttl,omitempty"`
	ConflictMode   ConflictMode `json:"txtConflictMatchingMode,omitempty"`
	ConflictPrefix string       `json:"txtConflictMatchingPrefix,omitempty"`
	SPFRules       string       `json:"spfRules,omitempty"` // SPFM
}

// Template is a Domain Connect template (spec, Section "Template
// Definition"), as the public template repository holds it.
type Template struct {
	ProviderID          string `json:"providerId"`
	ProviderName        string `json:"providerName"`
	ServiceID           string `json:"serviceId"`
	ServiceName         string `json:"serviceName"`
	Version             int    `json:"version,omitempty"`
	Description         string `json:"description,omitempty"`
	VariableDescription string `json:"variableDescription,omitempty"`
	// SyncBlock disables the synchronous flow; always written, false for
	// a template generated here.
	SyncBlock bool `json:"syncBlock"`
	// SyncPubKeyDomain is where the vendor publishes the public keys its
	// apply links are signed with: set, every apply link must be signed.
	SyncPubKeyDomain string `json:"syncPubKeyDomain,omitempty"`
	// SyncRedirectDomain lists, comma-separated, the domains an unsigned
	// apply link may redirect back to.
	SyncRedirectDomain string   `json:"syncRedirectDomain,omitempty"`
	WarnPhishing       bool     `json:"warnPhishing,omitempty"`
	HostRequired       bool     `json:"hostRequired,omitempty"`
	Records            []Record `json:"records"`
}

// ErrTemplate is wrapped by every error of [ParseTemplate] and
// [Template.Validate].
var ErrTemplate = errors.New("domainconnect: invalid template")

// TemplateError says which field of a template is wrong and why.
type TemplateError struct {
	Field  string // as in the JSON: "records[2].host"
	Reason string
}

func (e *TemplateError) Error() string {
	return fmt.Sprintf("domainconnect: template: %s: %s", e.Field, e.Reason)
}

// Unwrap returns [ErrTemplate].
func (e *TemplateError) Unwrap() error { return ErrTemplate }

// ParseTemplate reads a template from JSON, refusing unknown fields, and
// validates it. TTLs written as strings ("3600") are read as numbers.
func ParseTemplate(data []byte) (*Template, error) {
	var raw struct {
		Template
		Records []json.RawMessage `json:"records"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTemplate, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: more than one JSON value", ErrTemplate)
	}
	t := raw.Template
	t.Records = nil
	for i, rm := range raw.Records {
		var r struct {
			Record
			TTL json.RawMessage `json:"ttl,omitempty"`
		}
		d := json.NewDecoder(bytes.NewReader(rm))
		d.DisallowUnknownFields()
		if err := d.Decode(&r); err != nil {
			return nil, &TemplateError{Field: fmt.Sprintf("records[%d]", i), Reason: err.Error()}
		}
		rec := r.Record
		if len(r.TTL) > 0 {
			s := strings.Trim(string(r.TTL), `"`)
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return nil, &TemplateError{Field: fmt.Sprintf("records[%d].ttl", i), Reason: fmt.Sprintf("%s is not a number of seconds", r.TTL)}
			}
			rec.TTL = n
		}
		t.Records = append(t.Records, rec)
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return &t, nil
}

// JSON returns the template as the public template repository holds it:
// indented with two spaces, ending in a newline.
func (t *Template) JSON() []byte {
	b, _ := json.MarshalIndent(t, "", "  ")
	return append(b, '\n')
}

// FileName is the template's file name in the public template repository:
// "providerid.serviceid.json", in lower case (spec, Section "File naming
// requirements").
func (t *Template) FileName() string {
	return strings.ToLower(t.ProviderID + "." + t.ServiceID + ".json")
}

// maxTTL is the largest TTL a record may have (RFC 2181, Section 8).
const maxTTL = 1<<31 - 1

var (
	variable   = regexp.MustCompile(`%[^%]+%`)
	urlFriendy = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)
)

// Validate checks the template against the spec's rules for a template
// definition and its records, and returns a [TemplateError] for the first
// field that breaks one: the required fields, a URL-friendly serviceId
// and providerId, each record type's required fields, no CNAME or NS at
// the applied name itself unless hostRequired, no variables in groupId or
// txtConflictMatchingPrefix, a prefix exactly with the Prefix mode, and
// the enumerated values.
func (t *Template) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &TemplateError{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if t == nil {
		return bad("template", "no template")
	}
	for _, f := range []struct{ name, v string }{{"providerId", t.ProviderID}, {"serviceId", t.ServiceID}} {
		if !urlFriendy.MatchString(f.v) {
			return bad(f.name, "%q: give a URL-friendly identifier without spaces", f.v)
		}
	}
	if strings.TrimSpace(t.ProviderName) == "" {
		return bad("providerName", "empty")
	}
	if strings.TrimSpace(t.ServiceName) == "" {
		return bad("serviceName", "empty")
	}
	if t.Version < 0 {
		return bad("version", "%d is negative", t.Version)
	}
	if len(t.Records) == 0 {
		return bad("records", "a template needs at least one record")
	}
	for i, r := range t.Records {
		field := fmt.Sprintf("records[%d]", i)
		need := func(name, v string) error {
			if v == "" && name != "host" {
				return bad(field+"."+name, "required for %s", r.Type)
			}
			return nil
		}
		var err error
		switch r.Type {
		case TypeA, TypeAAAA, TypeCNAME, TypeNS, TypeMX:
			err = errors.Join(need("pointsTo", r.PointsTo))
			if (r.Type == TypeCNAME || r.Type == TypeNS) && (r.Host == "" || r.Host == "@") && !t.HostRequired {
				return bad(field+".host", "a %s at the applied name itself needs hostRequired", r.Type)
			}
		case TypeTXT:
			err = need("data", r.Data)
		case TypeSPFM:
			err = need("spfRules", r.SPFRules)
			if r.TTL != 0 || r.Data != "" || r.PointsTo != "" {
				return bad(field, "an SPFM record has only host and spfRules")
			}
			if reason := checkRules(r.SPFRules); reason != "" {
				return bad(field+".spfRules", "%s", reason)
			}
		default:
			return bad(field+".type", "%q is not a record type a template generated here uses", r.Type)
		}
		if err != nil {
			return err
		}
		if r.Type != TypeSPFM && r.TTL <= 0 {
			return bad(field+".ttl", "required for %s", r.Type)
		}
		if r.TTL > maxTTL {
			return bad(field+".ttl", "%d is over %d, the largest TTL (RFC 2181, Section 8)", r.TTL, maxTTL)
		}
		if r.Type != TypeTXT && (r.ConflictMode != "" || r.ConflictPrefix != "") {
			return bad(field+".txtConflictMatchingMode", "only for TXT records")
		}
		switch r.ConflictMode {
		case "", ConflictNone, ConflictAll:
			if r.ConflictPrefix != "" {
				return bad(field+".txtConflictMatchingPrefix", "only with the Prefix mode")
			}
		case ConflictPrefix:
			if r.ConflictPrefix == "" {
				return bad(field+".txtConflictMatchingPrefix", "required with the Prefix mode")
			}
		default:
			return bad(field+".txtConflictMatchingMode", "%q: use None, All or Prefix", r.ConflictMode)
		}
		if variable.MatchString(r.ConflictPrefix) {
			return bad(field+".txtConflictMatchingPrefix", "must not hold a variable")
		}
		if variable.MatchString(r.GroupID) {
			return bad(field+".groupId", "must not hold a variable")
		}
		switch r.Essential {
		case "", EssentialAlways, EssentialOnApply:
		default:
			return bad(field+".essential", "%q: use Always or OnApply", r.Essential)
		}
		if strings.Count(r.Host+r.PointsTo+r.Data+r.SPFRules, "%")%2 != 0 {
			return bad(field, "a variable is not closed with %%")
		}
		for j := 0; j < i; j++ {
			if t.Records[j] == r {
				return bad(field, "the same record as records[%d]", j)
			}
		}
	}
	return nil
}

// checkRules says what is wrong with an SPFM record's rules, or "": they
// are SPF terms without "v=spf1" and "all" (the host adds both), each
// once (RFC 7208, Section 4.6.1), and no modifier but exp.
func checkRules(rules string) string {
	if variable.MatchString(rules) {
		return "" // checked once the variables have values
	}
	seen := map[string]bool{}
	for _, term := range strings.Fields(rules) {
		lower := strings.ToLower(term)
		switch {
		case lower == "v=spf1":
			return "holds v=spf1, which the DNS host writes itself"
		case strings.TrimLeft(lower, "+-~?") == "all":
			return "holds an all term, which the DNS host writes itself"
		case strings.HasPrefix(lower, "redirect="):
			return "holds redirect=, which cannot be merged with other rules"
		case seen[lower]:
			return fmt.Sprintf("holds %q twice", term)
		}
		seen[lower] = true
	}
	if _, err := spf.Parse("v=spf1 " + rules); err != nil {
		return strings.TrimPrefix(err.Error(), "spf: ")
	}
	return ""
}

// Variables returns the names of the variables the template's records use,
// other than the built-in domain, host and fqdn, each once, in order of
// appearance.
func (t *Template) Variables() []string {
	var out []string
	seen := map[string]bool{"domain": true, "host": true, "fqdn": true}
	for _, r := range t.Records {
		for _, m := range variable.FindAllString(r.Host+" "+r.PointsTo+" "+r.Data+" "+r.SPFRules, -1) {
			name := strings.ToLower(strings.Trim(m, "%"))
			if !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	return out
}

// Groups returns the template's group ids, each once, in order.
func (t *Template) Groups() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range t.Records {
		if r.GroupID != "" && !seen[r.GroupID] {
			seen[r.GroupID] = true
			out = append(out, r.GroupID)
		}
	}
	return out
}
