package feedback

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/internal/zipreport"
)

// Errors of [ParseAggregateReport].
var (
	// ErrReport: the input is not a DMARC aggregate report.
	ErrReport = errors.New("feedback: not an aggregate report")
	// ErrReportTooLarge: the report is past one of the limits
	// ([MaxReportSize], [MaxReportXML] and the limits on what it decodes
	// to): a zip or gzip bomb, or a report no receiver sends.
	ErrReportTooLarge = errors.New("feedback: aggregate report too large")
)

// MaxReportSize bounds a zip attachment as it arrives (a zip file is held
// whole, as its directory is at its end): 32 MB, far above what a large
// receiver sends for one domain and day.
const MaxReportSize = 32 << 20

// MaxReportXML bounds a report's XML once decompressed: 1 GB, two million
// records or more. The XML is decoded as it is read and its records summed
// as they are read, so the bound is on the time a parse takes, not on its
// memory.
const MaxReportXML = 1 << 30

// Limits on what a report decodes to, whatever its size in bytes: a few
// kilobytes of gzip can hold millions of elements. [ParseAggregateReport]
// refuses a report past any of them with [ErrReportTooLarge], except
// [MaxReportRows], past which records are counted, not kept.
const (
	// MaxReportRows bounds the distinct rows a report keeps. A receiver
	// sends one record per source address and outcome; records that are
	// alike (same address, outcome, identifiers and results) are summed
	// into one row as they are read, and a record that would make a row
	// past MaxReportRows (or past 16 MB of row text) is counted in
	// [AggregateReport.Overflow] instead: a report may hold any number of
	// records.
	MaxReportRows = 50000
	// MaxReportRecords is the former name of [MaxReportRows].
	//
	// Deprecated: a report is no longer refused past it; use [MaxReportRows].
	MaxReportRecords = MaxReportRows
	// MaxReportElements bounds the XML elements of a report outside its
	// records, known or not.
	MaxReportElements = 2000000
	// MaxRecordElements bounds the XML elements of one record, known or
	// not (a record with every result allowed needs under 200).
	MaxRecordElements = 1024
	// MaxReportDepth bounds how deep elements nest (a report needs 5).
	MaxReportDepth = 16
	// MaxReportAuthResults bounds the DKIM results, the SPF results and
	// the policy override reasons of one record, each.
	MaxReportAuthResults = 16
	// MaxReportToken bounds one XML token (an element's text, a tag, a
	// comment): no field of a report is near it.
	MaxReportToken = 64 << 10
	// MaxReportHeap bounds what a parse holds on the heap at its peak:
	// MaxReportSize (a zip file is held whole, as its directory is at its
	// end) plus 48 MB for the rows of MaxReportRows distinct records (at
	// most 16 MB of their text) and the decoder, however many records
	// the report holds. A gzip or XML report holds no copy of its input,
	// and refusing a bomb takes a few megabytes. The garbage a parse
	// leaves is on top, as the collector's pacing (GOGC) allows.
	// TestAggregateReportMemory measures it.
	MaxReportHeap = MaxReportSize + 48<<20
)

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
	Policy dmarc.Policy
	// Rows are the report's records, those alike summed into one.
	Rows []ReportRow
	// Overflow counts the records past [MaxReportRows] distinct rows.
	Overflow ReportOverflow
}

// ReportOverflow counts the records of a report that were summed but not
// kept, past [MaxReportRows] distinct rows.
type ReportOverflow struct {
	Records  int `json:"records"`  // records not kept
	Messages int `json:"messages"` // their messages
	Failed   int `json:"failed"`   // of those, the messages that failed DMARC
}

// ReportRow is one row of a report: the messages from one address with
// one outcome.
type ReportRow struct {
	SourceIP    netip.Addr
	Count       int
	Disposition dmarc.Policy // what the receiver did: none, quarantine, reject
	// DKIMAligned and SPFAligned are policy_evaluated: the result of each
	// mechanism once aligned with the From domain.
	DKIMAligned, SPFAligned bool
	HeaderFrom              string
	EnvelopeFrom            string
	// DKIM and SPF are the raw results, aligned or not (auth_results).
	DKIM []AuthResult
	SPF  []AuthResult
	// Reasons are policy_evaluated/reason: why the receiver applied a
	// disposition other than the policy (forwarded, local_policy, ...).
	Reasons []OverrideReason
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
// ".xml", or the only one). XML is decoded as it is decompressed, never
// held whole, and its records are summed as they are read (see
// [MaxReportRows]): a report may hold any number of records. It refuses,
// with [ErrReportTooLarge], a zip file past [MaxReportSize], XML past
// [MaxReportXML], and a report that decodes past [MaxReportElements],
// [MaxRecordElements], [MaxReportDepth], [MaxReportAuthResults] or
// [MaxReportToken]; its heap stays below [MaxReportHeap].
func ParseAggregateReport(r io.Reader) (*AggregateReport, error) {
	src, err := openReport(r)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return decodeReport(&boundedReader{r: bufio.NewReader(src)})
}

// openReport returns the XML of a report as received: r itself, or what
// its gzip or zip container holds (by the first bytes, whatever the file
// is called).
func openReport(r io.Reader) (io.ReadCloser, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(4)
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %w", ErrReport, err)
		}
		return gz, nil
	case bytes.Equal(head, []byte("PK\x03\x04")):
		return unzipReport(br)
	}
	return io.NopCloser(br), nil
}

// unzipReport finds the report in a zip file, bounded in size: the file is
// held (a zip is read from its end), its member is streamed.
func unzipReport(r io.Reader) (io.ReadCloser, error) {
	raw, err := readChunks(io.LimitReader(r, MaxReportSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrReport, err)
	}
	if raw.size > MaxReportSize {
		return nil, fmt.Errorf("%w: the zip file is over %d bytes", ErrReportTooLarge, MaxReportSize)
	}
	zr, err := zip.NewReader(raw, raw.size)
	if err != nil {
		return nil, fmt.Errorf("%w: zip: %w", ErrReport, err)
	}
	member, err := zipreport.Member(zr)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrReport, err)
	}
	if member.UncompressedSize64 > MaxReportXML {
		return nil, fmt.Errorf("%w: %s is %d bytes once decompressed", ErrReportTooLarge, member.Name, member.UncompressedSize64)
	}
	rc, err := member.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: zip: %w", ErrReport, err)
	}
	// The size in the zip header may lie; the decoder's limit still holds.
	return rc, nil
}

// chunks holds a file in pieces of chunkSize bytes: reading it costs its
// size, with no buffer doubled and copied as it grows.
type chunks struct {
	parts [][]byte
	size  int64
}

const chunkSize = 1 << 20

func readChunks(r io.Reader) (*chunks, error) {
	c := &chunks{}
	for {
		buf := make([]byte, chunkSize)
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			c.parts = append(c.parts, buf[:n])
			c.size += int64(n)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return c, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// ReadAt implements io.ReaderAt for zip.NewReader.
func (c *chunks) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	n := 0
	for n < len(p) {
		if off >= c.size {
			return n, io.EOF
		}
		part := c.parts[off/chunkSize]
		m := copy(p[n:], part[off%chunkSize:])
		n += m
		off += int64(m)
	}
	return n, nil
}
