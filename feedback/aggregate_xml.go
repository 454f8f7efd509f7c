package feedback

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dmarc"
)

// boundedReader feeds the XML decoder byte by byte (it then does no
// buffering of its own), counting what it gives: at most MaxReportXML
// bytes in all, and at most MaxReportToken since the decoder's last token,
// so that no token the decoder buffers (a text, a comment, a tag) grows
// past it.
type boundedReader struct {
	r    *bufio.Reader
	n    int64 // bytes given
	mark int64 // where the current token began
}

func (b *boundedReader) ReadByte() (byte, error) {
	if b.n >= MaxReportXML {
		return 0, fmt.Errorf("%w: over %d bytes once decompressed", ErrReportTooLarge, MaxReportXML)
	}
	if b.n-b.mark > MaxReportToken {
		return 0, fmt.Errorf("%w: an XML token at byte %d is over %d bytes", ErrReportTooLarge, b.mark, MaxReportToken)
	}
	c, err := b.r.ReadByte()
	if err == nil {
		b.n++
	}
	return c, err
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c, err := b.ReadByte()
	if err != nil {
		return 0, err
	}
	p[0] = c
	return 1, nil
}

// maxReportField bounds a field's text; maxInterned the distinct strings a
// report shares between its rows.
const (
	maxReportField = 1024
	maxInterned    = 10000
)

// reportDecoder builds a report from the decoder's tokens, keeping only
// the fields it knows. Element names carry no namespace, so that RFC 7489
// reports (none) and RFC 9990 reports (urn:ietf:params:xml:ns:dmarc-2.0)
// read alike. Each record is read into cur, then summed into the row of
// the same key (see rowKey), or kept as a new row, or counted in the
// overflow.
type reportDecoder struct {
	rep                  AggregateReport
	path                 []string
	text                 []byte
	elements             int // outside records
	recordElements       int // in the current record
	records              int // records read
	row                  *ReportRow
	cur                  ReportRow
	rowRaw               struct{ ip, count string }
	rangeBegin, rangeEnd string
	domain               string
	p                    string
	interned             map[string]string
	index                map[string]int // rowKey -> index in rep.Rows
	keptBytes            int            // the keys' bytes
	// stream, when set, takes the records as they are read instead of
	// the report (see StreamAggregateReport).
	stream *AggregateHandler
	headed bool // stream.Head was called
}

// maxKeptBytes bounds the text of the rows a report keeps, measured as
// their keys.
const maxKeptBytes = 16 << 20

func (d *reportDecoder) intern(s string) string {
	if v, ok := d.interned[s]; ok {
		return v
	}
	if len(d.interned) < maxInterned {
		d.interned[s] = s
	}
	return s
}

func decodeReport(br *boundedReader) (*AggregateReport, error) {
	return decodeReportWith(br, nil)
}

// decodeReportWith decodes a report, giving its records to stream when
// set.
func decodeReportWith(br *boundedReader, stream *AggregateHandler) (*AggregateReport, error) {
	return decodeTokens(xmlTokens(br), stream)
}

// xmlToken is one XML token the report decoder reads: the start or end of
// an element (its local name) or text.
type xmlToken struct {
	kind int
	name string
	text []byte // valid until the next token
}

// Kinds of token.
const (
	xmlStart = iota + 1
	xmlEnd
	xmlText
)

// xmlTokens gives the tokens of encoding/xml's decoder, which reads any
// XML: comments, processing instructions and directives are skipped.
func xmlTokens(br *boundedReader) func() (xmlToken, error) {
	dec := xml.NewDecoder(br)
	return func() (xmlToken, error) {
		for {
			br.mark = br.n
			tok, err := dec.Token()
			if errors.Is(err, io.EOF) {
				return xmlToken{}, io.EOF
			}
			if err != nil {
				if errors.Is(err, ErrReportTooLarge) {
					return xmlToken{}, err
				}
				return xmlToken{}, fmt.Errorf("%w: %w", ErrReport, err)
			}
			switch t := tok.(type) {
			case xml.StartElement:
				return xmlToken{kind: xmlStart, name: t.Name.Local}, nil
			case xml.EndElement:
				return xmlToken{kind: xmlEnd, name: t.Name.Local}, nil
			case xml.CharData:
				return xmlToken{kind: xmlText, text: t}, nil
			}
		}
	}
}

// decodeTokens decodes a report from its tokens, giving its records to
// stream when set.
func decodeTokens(next func() (xmlToken, error), stream *AggregateHandler) (*AggregateReport, error) {
	d := &reportDecoder{interned: map[string]string{}, index: map[string]int{}, stream: stream}
	sawRoot := false
	for {
		t, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t.kind {
		case xmlStart:
			if len(d.path) >= 2 && d.path[1] == "record" {
				d.recordElements++
				if d.recordElements > MaxRecordElements {
					return nil, fmt.Errorf("%w: record %d: over %d XML elements", ErrReportTooLarge, d.records, MaxRecordElements)
				}
			} else {
				d.elements++
				if d.elements > MaxReportElements {
					return nil, fmt.Errorf("%w: over %d XML elements outside records", ErrReportTooLarge, MaxReportElements)
				}
			}
			if len(d.path) >= MaxReportDepth {
				return nil, fmt.Errorf("%w: elements nested over %d deep", ErrReportTooLarge, MaxReportDepth)
			}
			if len(d.path) == 0 {
				if sawRoot || t.name != "feedback" {
					return nil, fmt.Errorf("%w: expected element <feedback>, found <%s>", ErrReport, shortName(t.name))
				}
				sawRoot = true
			}
			d.path = append(d.path, t.name)
			d.text = d.text[:0]
			if err := d.start(); err != nil {
				return nil, err
			}
		case xmlText:
			if len(d.text)+len(t.text) <= maxReportField {
				d.text = append(d.text, t.text...)
			} else if d.known() {
				return nil, fmt.Errorf("%w: <%s> is over %d bytes", ErrReport, d.path[len(d.path)-1], maxReportField)
			}
		case xmlEnd:
			if err := d.end(); err != nil {
				return nil, err
			}
			d.path = d.path[:len(d.path)-1]
			d.text = d.text[:0]
		}
	}
	if !sawRoot {
		return nil, fmt.Errorf("%w: no <feedback> element", ErrReport)
	}
	return d.finish()
}

func shortName(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// at reports whether the path below <feedback> is the one given.
func (d *reportDecoder) at(names ...string) bool {
	if len(d.path) != len(names)+1 {
		return false
	}
	for i, n := range names {
		if d.path[i+1] != n {
			return false
		}
	}
	return true
}

// known: the current element is a field the decoder keeps.
func (d *reportDecoder) known() bool {
	return len(d.path) >= 3 && (d.path[1] == "report_metadata" || d.path[1] == "policy_published" || d.path[1] == "record")
}

func (d *reportDecoder) start() error {
	switch {
	case d.at("record"):
		if err := d.streamHead(); err != nil {
			return err
		}
		d.records++
		d.recordElements = 0
		d.cur = ReportRow{DKIM: d.cur.DKIM[:0], SPF: d.cur.SPF[:0], Reasons: d.cur.Reasons[:0]}
		d.row = &d.cur
		d.rowRaw.ip, d.rowRaw.count = "", ""
	case d.row != nil && d.at("record", "row", "policy_evaluated", "reason"):
		if len(d.row.Reasons) >= maxReportReasons {
			return fmt.Errorf("%w: record %d: over %d reasons", ErrReportTooLarge, d.records, maxReportReasons)
		}
		d.row.Reasons = append(d.row.Reasons, OverrideReason{})
	case d.row != nil && d.at("record", "auth_results", "dkim"):
		if len(d.row.DKIM) >= MaxReportAuthResults {
			return fmt.Errorf("%w: record %d: over %d DKIM results", ErrReportTooLarge, d.records, MaxReportAuthResults)
		}
		d.row.DKIM = append(d.row.DKIM, AuthResult{})
	case d.row != nil && d.at("record", "auth_results", "spf"):
		if len(d.row.SPF) >= MaxReportAuthResults {
			return fmt.Errorf("%w: record %d: over %d SPF results", ErrReportTooLarge, d.records, MaxReportAuthResults)
		}
		d.row.SPF = append(d.row.SPF, AuthResult{})
	}
	return nil
}

func (d *reportDecoder) end() error {
	v := string(bytes.TrimSpace(d.text))
	lower := func() string { return d.intern(strings.ToLower(v)) }
	switch {
	case d.at("report_metadata", "org_name"):
		d.rep.Org = v
	case d.at("report_metadata", "email"):
		d.rep.Email = v
	case d.at("report_metadata", "report_id"):
		d.rep.ReportID = v
	case d.at("report_metadata", "date_range", "begin"):
		d.rangeBegin = v
	case d.at("report_metadata", "date_range", "end"):
		d.rangeEnd = v
	case d.at("policy_published", "domain"):
		d.domain = v
	case d.at("policy_published", "p"):
		d.p = v
	case d.at("record"):
		return d.endRecord()
	case d.row == nil:
	case d.at("record", "row", "source_ip"):
		d.rowRaw.ip = v
	case d.at("record", "row", "count"):
		d.rowRaw.count = v
	case d.at("record", "row", "policy_evaluated", "disposition"):
		d.row.Disposition = dmarc.Policy(lower())
	case d.at("record", "row", "policy_evaluated", "dkim"):
		d.row.DKIMAligned = strings.EqualFold(v, "pass")
	case d.at("record", "row", "policy_evaluated", "spf"):
		d.row.SPFAligned = strings.EqualFold(v, "pass")
	case len(d.row.Reasons) > 0 && d.at("record", "row", "policy_evaluated", "reason", "type"):
		d.row.Reasons[len(d.row.Reasons)-1].Type = OverrideType(lower())
	case len(d.row.Reasons) > 0 && d.at("record", "row", "policy_evaluated", "reason", "comment"):
		d.row.Reasons[len(d.row.Reasons)-1].Comment = d.intern(v)
	case d.at("record", "identifiers", "header_from"):
		d.row.HeaderFrom = lower()
	case d.at("record", "identifiers", "envelope_from"):
		d.row.EnvelopeFrom = lower()
	case len(d.row.DKIM) > 0 && d.at("record", "auth_results", "dkim", "domain"):
		d.row.DKIM[len(d.row.DKIM)-1].Domain = lower()
	case len(d.row.DKIM) > 0 && d.at("record", "auth_results", "dkim", "selector"):
		d.row.DKIM[len(d.row.DKIM)-1].Selector = d.intern(v)
	case len(d.row.DKIM) > 0 && d.at("record", "auth_results", "dkim", "result"):
		d.row.DKIM[len(d.row.DKIM)-1].Result = lower()
	case len(d.row.SPF) > 0 && d.at("record", "auth_results", "spf", "domain"):
		d.row.SPF[len(d.row.SPF)-1].Domain = lower()
	case len(d.row.SPF) > 0 && d.at("record", "auth_results", "spf", "result"):
		d.row.SPF[len(d.row.SPF)-1].Result = lower()
	}
	return nil
}

// endRecord checks a record's source address and count, and sums it into
// the report.
func (d *reportDecoder) endRecord() error {
	n := d.records
	ip, err := netip.ParseAddr(d.rowRaw.ip)
	if err != nil {
		return fmt.Errorf("%w: record %d: source_ip %q: %w", ErrReport, n, d.rowRaw.ip, err)
	}
	count, err := strconv.Atoi(d.rowRaw.count)
	if err != nil || count < 0 {
		return fmt.Errorf("%w: record %d: count %q is not a number", ErrReport, n, d.rowRaw.count)
	}
	d.cur.SourceIP, d.cur.Count = ip.Unmap(), count
	d.row = nil
	if d.stream != nil {
		return d.streamRecord()
	}
	d.add(&d.cur)
	return nil
}

func (d *reportDecoder) finish() (*AggregateReport, error) {
	if d.domain == "" {
		return nil, fmt.Errorf("%w: no policy_published domain", ErrReport)
	}
	d.fillHead()
	if err := d.streamHead(); err != nil {
		return nil, err
	}
	return &d.rep, nil
}

// fillHead sets the report's domain, policy and period from what was read.
func (d *reportDecoder) fillHead() {
	rep := &d.rep
	rep.Domain, rep.Policy = strings.ToLower(d.domain), dmarc.Policy(strings.ToLower(d.p))
	epoch := func(s string) time.Time {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}
		}
		return time.Unix(n, 0).UTC()
	}
	rep.Begin, rep.End = epoch(d.rangeBegin), epoch(d.rangeEnd)
}
