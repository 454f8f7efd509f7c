package feedback

import (
	"bufio"
	"io"
)

// AggregateHandler takes a report from [StreamAggregateReport] as it is
// read.
type AggregateHandler struct {
	// Head, when set, is called once: at the first record, with what
	// precedes the records (report_metadata and policy_published, which
	// the format puts first), or at the end of a report without records.
	// A report that puts its policy_published after its records gives
	// Head an empty Domain; the report StreamAggregateReport returns is
	// complete.
	Head func(rep *AggregateReport) error
	// Record, when set, is called with each record as read; records
	// alike are not summed, and row is valid only during the call (its
	// slices are reused).
	Record func(row *ReportRow) error
}

// StreamAggregateReport reads a report as [ParseAggregateReport] does (XML,
// gzip, or zip), with its limits, but keeps none of its records: it gives
// each to h.Record as it is read, so that its memory does not grow with
// the report (a zip file is still held, up to [MaxReportSize]).
// [MaxReportRows] does not apply: what is kept of the records is the
// handler's to bound. An error a handler returns stops the reading and is
// returned as is. The report returned has no Rows.
func StreamAggregateReport(r io.Reader, h AggregateHandler) (*AggregateReport, error) {
	src, err := openReport(r)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return decodeReportWith(&boundedReader{r: bufio.NewReader(src)}, &h)
}

// StreamAggregateXML is [StreamAggregateReport] of a report's XML, already
// decompressed (a zip member the caller opened).
func StreamAggregateXML(r io.Reader, h AggregateHandler) (*AggregateReport, error) {
	return decodeReportWith(&boundedReader{r: bufio.NewReader(r)}, &h)
}

// streamHead calls the handler's Head once, with what was read so far.
func (d *reportDecoder) streamHead() error {
	if d.stream == nil || d.headed {
		return nil
	}
	d.headed = true
	if d.stream.Head == nil {
		return nil
	}
	d.fillHead()
	rep := d.rep
	return d.stream.Head(&rep)
}

// streamRecord gives the record read to the handler.
func (d *reportDecoder) streamRecord() error {
	if d.stream.Record == nil {
		return nil
	}
	return d.stream.Record(&d.cur)
}
