package feedback

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// rowKey is what makes two records alike: everything a row holds but its
// count.
func rowKey(r *ReportRow) string {
	var b strings.Builder
	b.WriteString(r.SourceIP.String())
	b.WriteByte(0)
	b.WriteString(string(r.Disposition))
	b.WriteByte(0)
	b.WriteString(strconv.FormatBool(r.DKIMAligned))
	b.WriteString(strconv.FormatBool(r.SPFAligned))
	for _, s := range []string{r.HeaderFrom, r.EnvelopeFrom} {
		b.WriteByte(0)
		b.WriteString(s)
	}
	for _, a := range r.DKIM {
		b.WriteString("\x00d")
		b.WriteString(a.Domain + "\x00" + a.Selector + "\x00" + a.Result)
	}
	for _, a := range r.SPF {
		b.WriteString("\x00s")
		b.WriteString(a.Domain + "\x00" + a.Result)
	}
	for _, o := range r.Reasons {
		b.WriteString("\x00r")
		b.WriteString(string(o.Type) + "\x00" + o.Comment)
	}
	return b.String()
}

// add sums a record into the report: into the row alike, or as a new row
// while there is room (MaxReportRows rows, maxKeptBytes of keys), or into
// the overflow.
func (d *reportDecoder) add(r *ReportRow) {
	key := rowKey(r)
	if i, ok := d.index[key]; ok {
		d.rep.Rows[i].Count = addCount(d.rep.Rows[i].Count, r.Count)
		return
	}
	if len(d.rep.Rows) >= MaxReportRows || d.keptBytes+len(key) > maxKeptBytes {
		o := &d.rep.Overflow
		o.Records++
		o.Messages = addCount(o.Messages, r.Count)
		if !r.Passed() {
			o.Failed = addCount(o.Failed, r.Count)
		}
		return
	}
	row := *r
	row.DKIM, row.SPF, row.Reasons = cloneOrNil(r.DKIM), cloneOrNil(r.SPF), cloneOrNil(r.Reasons)
	d.index[key] = len(d.rep.Rows)
	d.keptBytes += len(key)
	d.rep.Rows = append(d.rep.Rows, row)
}

// addCount adds message counts, stopping at the largest int rather than
// wrapping: a report's counts are the sender's to write.
func addCount(a, b int) int {
	if b > math.MaxInt-a {
		return math.MaxInt
	}
	return a + b
}

// cloneOrNil copies a slice the decoder reuses; an empty one is nil, as a
// record without it reads.
func cloneOrNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}
