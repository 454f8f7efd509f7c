package dmarc

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Errors of [ParseAggregateReport].
var (
	// ErrReport: the input is not a DMARC aggregate report.
	ErrReport = errors.New("dmarc: not an aggregate report")
	// ErrReportTooLarge: the report, once decompressed, is over
	// [MaxReportSize]: a zip or gzip bomb, or a report no receiver sends.
	ErrReportTooLarge = errors.New("dmarc: aggregate report too large")
)

// MaxReportSize bounds a report's XML once decompressed, and a zip
// attachment as it arrives: 32 MB, far above what a large receiver sends
// for one domain and day.
const MaxReportSize = 32 << 20

// AggregateReport is one DMARC aggregate report (RFC 9990; the format of
// RFC 7489, Appendix C reads the same): who reported, for which period,
// the policy the receiver found, and one row per source address and
// outcome.
type AggregateReport struct {
	Org      string // report_metadata/org_name: the receiver
	Email    string
	ReportID string
	Begin    time.Time // date_range, UTC
	End      time.Time
	// Domain and Policy are what the receiver found published.
	Domain string
	Policy Policy
	Rows   []ReportRow
}

// ReportRow is one row of a report: the messages from one address with
// one outcome.
type ReportRow struct {
	SourceIP    netip.Addr
	Count       int
	Disposition Policy // what the receiver did: none, quarantine, reject
	// DKIMAligned and SPFAligned are policy_evaluated: the result of each
	// mechanism once aligned with the From domain.
	DKIMAligned, SPFAligned bool
	HeaderFrom              string
	EnvelopeFrom            string
	// DKIM and SPF are the raw results, aligned or not (auth_results).
	DKIM []AuthResult
	SPF  []AuthResult
}

// AuthResult is one raw DKIM or SPF result of a report row.
type AuthResult struct {
	Domain   string
	Selector string // DKIM
	Result   string // pass, fail, ...
}

// Passed reports whether the row's messages passed DMARC.
func (r ReportRow) Passed() bool { return r.DKIMAligned || r.SPFAligned }

// ParseAggregateReport reads a report as it arrives: XML, or a gzip file,
// or a zip file holding the XML (the first member whose name ends in
// ".xml", or the only one). It refuses, with [ErrReportTooLarge], anything
// that decompresses past [MaxReportSize], and never holds more than that.
func ParseAggregateReport(r io.Reader) (*AggregateReport, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(4)
	var src io.Reader = br
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %w", ErrReport, err)
		}
		defer gz.Close()
		src = gz
	case bytes.Equal(head, []byte("PK\x03\x04")):
		xmlReader, err := unzipReport(br)
		if err != nil {
			return nil, err
		}
		src = xmlReader
	}
	data, err := io.ReadAll(io.LimitReader(src, MaxReportSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrReport, err)
	}
	if len(data) > MaxReportSize {
		return nil, fmt.Errorf("%w: over %d bytes once decompressed", ErrReportTooLarge, MaxReportSize)
	}
	return parseReportXML(data)
}

// unzipReport finds the report in a zip file, bounded in size.
func unzipReport(r io.Reader) (io.Reader, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxReportSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrReport, err)
	}
	if len(raw) > MaxReportSize {
		return nil, fmt.Errorf("%w: the zip file is over %d bytes", ErrReportTooLarge, MaxReportSize)
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, fmt.Errorf("%w: zip: %w", ErrReport, err)
	}
	var member *zip.File
	for _, f := range zr.File {
		if strings.HasSuffix(strings.ToLower(f.Name), ".xml") || len(zr.File) == 1 {
			member = f
			break
		}
	}
	if member == nil {
		return nil, fmt.Errorf("%w: the zip file holds no .xml member", ErrReport)
	}
	if member.UncompressedSize64 > MaxReportSize {
		return nil, fmt.Errorf("%w: %s is %d bytes once decompressed", ErrReportTooLarge, member.Name, member.UncompressedSize64)
	}
	rc, err := member.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: zip: %w", ErrReport, err)
	}
	// The size in the zip header may lie; the caller's limit still holds.
	return rc, nil
}

// The XML of a report. Element names carry no namespace, so that RFC 7489
// reports (none) and RFC 9990 reports (urn:ietf:params:xml:ns:dmarc-2.0)
// read alike.
type xmlFeedback struct {
	XMLName  xml.Name `xml:"feedback"`
	Metadata struct {
		Org      string `xml:"org_name"`
		Email    string `xml:"email"`
		ReportID string `xml:"report_id"`
		Range    struct {
			Begin string `xml:"begin"`
			End   string `xml:"end"`
		} `xml:"date_range"`
	} `xml:"report_metadata"`
	Policy struct {
		Domain string `xml:"domain"`
		P      string `xml:"p"`
	} `xml:"policy_published"`
	Records []struct {
		Row struct {
			SourceIP string `xml:"source_ip"`
			Count    string `xml:"count"`
			Eval     struct {
				Disposition string `xml:"disposition"`
				DKIM        string `xml:"dkim"`
				SPF         string `xml:"spf"`
			} `xml:"policy_evaluated"`
		} `xml:"row"`
		Identifiers struct {
			HeaderFrom   string `xml:"header_from"`
			EnvelopeFrom string `xml:"envelope_from"`
		} `xml:"identifiers"`
		Auth struct {
			DKIM []struct {
				Domain   string `xml:"domain"`
				Selector string `xml:"selector"`
				Result   string `xml:"result"`
			} `xml:"dkim"`
			SPF []struct {
				Domain string `xml:"domain"`
				Result string `xml:"result"`
			} `xml:"spf"`
		} `xml:"auth_results"`
	} `xml:"record"`
}

func parseReportXML(data []byte) (*AggregateReport, error) {
	var fb xmlFeedback
	if err := xml.Unmarshal(data, &fb); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrReport, err)
	}
	if fb.Policy.Domain == "" {
		return nil, fmt.Errorf("%w: no policy_published domain", ErrReport)
	}
	rep := &AggregateReport{Org: strings.TrimSpace(fb.Metadata.Org), Email: strings.TrimSpace(fb.Metadata.Email),
		ReportID: strings.TrimSpace(fb.Metadata.ReportID), Domain: strings.ToLower(strings.TrimSpace(fb.Policy.Domain)),
		Policy: Policy(strings.ToLower(strings.TrimSpace(fb.Policy.P)))}
	epoch := func(s string) time.Time {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return time.Time{}
		}
		return time.Unix(n, 0).UTC()
	}
	rep.Begin, rep.End = epoch(fb.Metadata.Range.Begin), epoch(fb.Metadata.Range.End)
	for i, rec := range fb.Records {
		ip, err := netip.ParseAddr(strings.TrimSpace(rec.Row.SourceIP))
		if err != nil {
			return nil, fmt.Errorf("%w: record %d: source_ip %q: %w", ErrReport, i+1, rec.Row.SourceIP, err)
		}
		n, err := strconv.Atoi(strings.TrimSpace(rec.Row.Count))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%w: record %d: count %q is not a number", ErrReport, i+1, rec.Row.Count)
		}
		row := ReportRow{SourceIP: ip.Unmap(), Count: n,
			Disposition:  Policy(strings.ToLower(strings.TrimSpace(rec.Row.Eval.Disposition))),
			DKIMAligned:  strings.EqualFold(strings.TrimSpace(rec.Row.Eval.DKIM), "pass"),
			SPFAligned:   strings.EqualFold(strings.TrimSpace(rec.Row.Eval.SPF), "pass"),
			HeaderFrom:   strings.ToLower(strings.TrimSpace(rec.Identifiers.HeaderFrom)),
			EnvelopeFrom: strings.ToLower(strings.TrimSpace(rec.Identifiers.EnvelopeFrom))}
		for _, d := range rec.Auth.DKIM {
			row.DKIM = append(row.DKIM, AuthResult{Domain: strings.ToLower(strings.TrimSpace(d.Domain)), Selector: strings.TrimSpace(d.Selector), Result: strings.ToLower(strings.TrimSpace(d.Result))})
		}
		for _, s := range rec.Auth.SPF {
			row.SPF = append(row.SPF, AuthResult{Domain: strings.ToLower(strings.TrimSpace(s.Domain)), Result: strings.ToLower(strings.TrimSpace(s.Result))})
		}
		rep.Rows = append(rep.Rows, row)
	}
	return rep, nil
}
