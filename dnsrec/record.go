package dnsrec

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/internal/rrconv"
	"github.com/miekg/dns"
)

// Type is a DNS record type, held as its mnemonic (RFC 1035, Section 3.2.2).
type Type string

// The record types the packages of this module use.
const (
	TypeA     Type = "A"     // IPv4 address (RFC 1035)
	TypeAAAA  Type = "AAAA"  // IPv6 address (RFC 3596)
	TypeCNAME Type = "CNAME" // canonical name (RFC 1035)
	TypeMX    Type = "MX"    // mail exchange (RFC 1035)
	TypeNS    Type = "NS"    // name server (RFC 1035)
	TypePTR   Type = "PTR"   // reverse pointer (RFC 1035)
	TypeSOA   Type = "SOA"   // start of authority (RFC 1035)
	TypeTXT   Type = "TXT"   // text (RFC 1035)
)

func (t Type) code() (uint16, bool) {
	c, ok := dns.StringToType[strings.ToUpper(string(t))]
	return c, ok
}

// DefaultTTL is the TTL the constructors give a new record: one hour, a
// common provider default and short enough to correct a mistake the same day.
const DefaultTTL = 3600

// Record is one DNS resource record in the form a person publishes it.
//
// TXT (and the obsolete SPF type) keep their character-strings in Txt,
// exactly as published, each at most 255 bytes; [Record.Value] joins them.
// Every other type keeps its RDATA in Data, in zone-file presentation form
// ("192.0.2.1", "10 mx.example.com.", "target.example.").
type Record struct {
	Name string   // owner name, absolute (trailing dot)
	Type Type     // record type
	TTL  uint32   // time to live, in seconds
	Txt  []string // TXT: the character-strings, raw bytes
	Data string   // other types: presentation-form RDATA
}

// NewTXT returns a TXT record at name holding value, split into strings of
// at most 255 bytes, with [DefaultTTL]. The name is made canonical.
func NewTXT(name, value string) (Record, error) {
	n, err := CanonicalName(name)
	if err != nil {
		return Record{}, err
	}
	return Record{Name: n, Type: TypeTXT, TTL: DefaultTTL, Txt: SplitTXT(value)}, nil
}

// NewCNAME returns a CNAME record from name to target with [DefaultTTL].
// Both names are made canonical.
func NewCNAME(name, target string) (Record, error) {
	n, err := CanonicalName(name)
	if err != nil {
		return Record{}, err
	}
	t, err := CanonicalName(target)
	if err != nil {
		return Record{}, err
	}
	return Record{Name: n, Type: TypeCNAME, TTL: DefaultTTL, Data: t}, nil
}

// IsText reports whether the record's data lives in Txt.
func (r Record) IsText() bool {
	return r.Type == TypeTXT || r.Type == "SPF"
}

// Value returns the record's data as one string: the joined character-strings
// of a TXT record, the presentation-form RDATA of any other.
func (r Record) Value() string {
	if r.IsText() {
		return JoinTXT(r.Txt)
	}
	return r.Data
}

// String returns the record as one zone-file line
// ("example.com.\t3600\tIN\tTXT\t\"v=spf1 -all\""), which [ParseRecord]
// reads back.
func (r Record) String() string {
	var b strings.Builder
	b.WriteString(rrconv.EscapeName(r.Name))
	b.WriteByte('\t')
	b.WriteString(strconv.FormatUint(uint64(r.TTL), 10))
	b.WriteString("\tIN\t")
	b.WriteString(string(r.Type))
	b.WriteByte('\t')
	b.WriteString(r.RData())
	return b.String()
}

// RData returns the record's data as a zone file writes it: TXT strings quoted
// and escaped (RFC 1035, Section 5.1), other types as held.
func (r Record) RData() string {
	if r.IsText() {
		if len(r.Txt) == 0 {
			return `""`
		}
		return QuoteTXT(r.Txt)
	}
	return r.Data
}

// ParseRecord reads one zone-file line with an absolute owner name, such as
// [Record.String] writes. Comments and a missing TTL (read as [DefaultTTL])
// are accepted.
func ParseRecord(line string) (Record, error) {
	if strings.ContainsAny(line, "\n\r") {
		return Record{}, fmt.Errorf("dnsrec: parse record %q: more than one line", line)
	}
	rr, err := dns.NewRR(line)
	if err != nil {
		return Record{}, fmt.Errorf("dnsrec: parse record %q: %w", line, err)
	}
	if rr == nil {
		return Record{}, fmt.Errorf("dnsrec: parse record %q: no record on the line", line)
	}
	r := fromRR(rr)
	if r.IsText() && len(r.Txt) == 0 {
		return Record{}, fmt.Errorf("dnsrec: parse record %q: a TXT record needs at least one string", line)
	}
	if !r.IsText() && strings.TrimSpace(r.Data) == "" {
		return Record{}, fmt.Errorf("dnsrec: parse record %q: no data", line)
	}
	// miekg/dns reads incomplete records (RFC 2136 update forms, a missing
	// owner): accept only what prints back to a complete record.
	if again, err := dns.NewRR(r.String()); err != nil || again == nil {
		return Record{}, fmt.Errorf("dnsrec: parse record %q: incomplete record", line)
	}
	return r, nil
}

// fromRR converts a miekg/dns resource record.
func fromRR(rr dns.RR) Record {
	f := rrconv.FromRR(rr)
	return Record{Name: f.Name, Type: Type(f.Type), TTL: f.TTL, Txt: f.Txt, Data: f.Data}
}

// Validate reports what would stop the record from being published: an
// invalid owner name, an unknown type, a TXT string over 255 bytes, or
// data that does not read back as the type's RDATA.
func (r Record) Validate() error {
	if _, err := CanonicalName(r.Name); err != nil {
		return err
	}
	if _, ok := r.Type.code(); !ok {
		return fmt.Errorf("dnsrec: unknown record type %q", r.Type)
	}
	for i, s := range r.Txt {
		if len(s) > MaxStringLen {
			return fmt.Errorf("dnsrec: %s %s: string %d is %d bytes, over the limit of %d", r.Name, r.Type, i+1, len(s), MaxStringLen)
		}
	}
	if rr, err := dns.NewRR(r.String()); err != nil || rr == nil {
		return fmt.Errorf("dnsrec: %s %s: the data does not read back: %v", r.Name, r.Type, err)
	}
	return nil
}

// jsonRecord is the JSON form of a Record.
type jsonRecord struct {
	Name    string   `json:"name"`
	Type    Type     `json:"type"`
	TTL     uint32   `json:"ttl"`
	Value   string   `json:"value"`
	Strings []string `json:"strings,omitempty"`
}

// MarshalJSON writes {"name","type","ttl","value"} and, for TXT, "strings".
func (r Record) MarshalJSON() ([]byte, error) {
	j := jsonRecord{Name: r.Name, Type: r.Type, TTL: r.TTL, Value: r.Value()}
	if r.IsText() {
		j.Strings = r.Txt
		if j.Strings == nil {
			j.Strings = []string{}
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes. For TXT, "strings" wins over
// "value"; without it, "value" is split with [SplitTXT].
func (r *Record) UnmarshalJSON(b []byte) error {
	var j jsonRecord
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Record{Name: j.Name, Type: j.Type, TTL: j.TTL}
	if r.IsText() {
		r.Txt = j.Strings
		if r.Txt == nil {
			r.Txt = SplitTXT(j.Value)
		}
	} else {
		r.Data = j.Value
	}
	return nil
}

// Equal reports whether two records have the same owner, type and data
// (names compared without regard to case; TTL ignored).
func (r Record) Equal(o Record) bool {
	if !strings.EqualFold(r.Name, o.Name) || !strings.EqualFold(string(r.Type), string(o.Type)) {
		return false
	}
	if r.IsText() {
		if len(r.Txt) != len(o.Txt) {
			return false
		}
		for i := range r.Txt {
			if r.Txt[i] != o.Txt[i] {
				return false
			}
		}
		return true
	}
	return r.Data == o.Data
}
