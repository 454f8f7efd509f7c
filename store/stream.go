package store

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/domainauth/domainauth/feedback"
	"github.com/domainauth/domainauth/internal/zipreport"
)

// Bounds of a report read by [Batch.ReadReport].
const (
	// MaxRawReport bounds a report as received (XML or gzip; a zip file
	// stays bounded by feedback.MaxReportSize, as a zip's directory is at
	// its end): its XML is bounded by feedback.MaxReportXML anyway. The
	// memory of an ingest does not depend on it: a report is read in
	// pieces of rawChunk bytes.
	MaxRawReport = feedback.MaxReportXML
	// rawChunk is the piece a report is read, compressed and stored in.
	rawChunk = 1 << 20
	// maxLenientXML bounds the XML the lenient reader holds (it mends the
	// text whole); a larger report that the strict reader refuses is kept
	// as unreadable.
	maxLenientXML = 8 << 20
)

// ErrRead: the report's source could not be read (a file, a message part
// whose base64 is broken); nothing of the report is stored.
var ErrRead = errors.New("store: reading the report")

// Incoming says where a report given to [Batch.ReadReport] came from.
type Incoming struct {
	// Source names where it came from: a file, a message.
	Source string
	// At is when it was received; the zero value is now.
	At time.Time
	// Sources classify the rows' addresses, as [Received.Sources].
	Sources func(domain string, row feedback.ReportRow) (kind feedback.SourceKind, host string)
}

// Read is what [Batch.ReadReport] did with one report.
type Read struct {
	Outcome Outcome
	// Status and Reason say how it was read: for an unreadable report,
	// why (it is kept, with its bytes).
	Status Status
	Reason string
	// Size is the report's size as received.
	Size int64
}

// Sentinels of a report being added, that end it without an error.
var (
	errPresent  = errors.New("present")
	errSkipped  = errors.New("skipped")
	errLateHead = errors.New("policy_published after the records")
	errTooLarge = errors.New("too large")
	// errOtherBytes: the bytes read are not those of the report to read
	// again (Reread).
	errOtherBytes = errors.New("other bytes")
)

// storeError marks an error of the database met while reading a report:
// not the report's fault.
type storeError struct{ err error }

func (e storeError) Error() string { return e.err.Error() }
func (e storeError) Unwrap() error { return e.err }

// adding is one report being added by ReadReport.
type adding struct {
	b    *sqlBatch
	in   Incoming
	at   time.Time
	sum  [32]byte
	size int64
	// gz is the report compressed, when it is one piece: inserted with
	// its header. Otherwise rid is its row, inserted before its pieces.
	gz  []byte
	rid int64
	// chunked: the report is in report_chunks, its row inserted.
	chunked bool
	rw      *rowWriter
	// ok is the rows of the attempt that succeeded, to merge into the
	// batch's sums once the report's savepoint is released.
	ok   *rowWriter
	over feedback.ReportOverflow
	// status and reason of the attempt going on.
	status Status
	reason string
	// want, when set, is the SHA-256 the bytes must have (Reread).
	want *[32]byte
}

// ReadReport reads one report as received from r and adds it, streaming:
// the bytes are read in pieces of 1 MB, each compressed and stored as it
// comes; then the report is read strictly (feedback.StreamAggregateXML)
// and its rows inserted as they are read, its sums kept per source; when
// that fails, leniently (up to 8 MB of XML); and when that fails too, it
// is kept as unreadable with the reason. The first feedback.MaxReportRows
// records are kept as rows; the records past them are counted in the
// daily sums and the report's reason. Memory does not grow with the
// report, but with its distinct sources (bounded too: past 4,096 their
// sums are written as they come).
func (b *sqlBatch) ReadReport(ctx context.Context, r io.Reader, in Incoming) (Read, error) {
	return b.readReport(ctx, r, in, nil)
}

// readReport is ReadReport; with want, a report whose SHA-256 is not
// *want is refused with errOtherBytes before it is parsed, nothing of it
// kept (Reread: the bytes must be the report's).
func (b *sqlBatch) readReport(ctx context.Context, r io.Reader, in Incoming, want *[32]byte) (Read, error) {
	if err := b.usable(); err != nil {
		return Read{}, err
	}
	a := &adding{b: b, in: in, at: in.At, want: want}
	if a.at.IsZero() {
		a.at = b.s.now()
	}
	if b.buf == nil {
		b.buf = make([]byte, rawChunk)
	}
	n, err := io.ReadFull(r, b.buf)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return Read{}, fmt.Errorf("%w: %w", ErrRead, err)
	}
	var res Read
	if err != nil {
		// One piece: held, and inserted with its header.
		raw := b.buf[:n]
		a.sum, a.size = sha256.Sum256(raw), int64(n)
		if want != nil && a.sum != *want {
			return Read{}, errOtherBytes
		}
		if a.gz, err = b.s.compress(raw); err != nil {
			return Read{}, err
		}
		res, err = a.read(ctx, bytes.NewReader(raw), "report")
	} else {
		err = b.savepointNamed(ctx, "report", func() error {
			if err := a.spool(ctx, r); err != nil {
				return err
			}
			src := &chunkSource{a: a, ctx: ctx, cur: -1}
			var err error
			res, err = a.read(ctx, src, "attempt")
			return err
		})
	}
	switch {
	case errors.Is(err, errPresent):
		return Read{Outcome: Present, Status: a.status, Reason: a.reason, Size: a.size}, nil
	case errors.Is(err, errSkipped):
		return Read{Outcome: Skipped, Status: a.status, Reason: a.reason, Size: a.size}, nil
	case errors.Is(err, errOtherBytes):
		return Read{}, err
	case errors.Is(err, errTooLarge):
		reason := fmt.Sprintf("%v: over %d bytes", feedback.ErrReportTooLarge, MaxRawReport)
		out, err := b.AddReport(ctx, &Received{Raw: []byte{}, Status: StatusUnreadable, Reason: reason, Source: in.Source, At: a.at})
		return Read{Outcome: out, Status: StatusUnreadable, Reason: reason, Size: a.size}, err
	case err != nil:
		var se storeError
		if errors.As(err, &se) {
			err = se.err
		}
		return Read{}, err
	}
	if a.ok != nil {
		if err := b.merge(ctx, a.ok); err != nil {
			return Read{}, err
		}
	}
	res.Size = a.size
	return res, nil
}

// usable: the batch can take a report.
func (b *sqlBatch) usable() error {
	if b.err != nil {
		return b.err
	}
	if b.done {
		return errors.New("store: batch already committed or rolled back")
	}
	return nil
}

// spool stores a report of more than one piece: its row with a header to
// be filled in, then its pieces as they are read (the first is in
// b.buf), then its size and SHA-256. It returns errPresent when the store
// holds the same bytes, errTooLarge past MaxRawReport.
func (a *adding) spool(ctx context.Context, r io.Reader) error {
	b := a.b
	// A placeholder for the SHA-256, unique until the real one is known.
	var tmp [32]byte
	_, _ = rand.Read(tmp[:])
	err := b.s.queryRow(ctx, b.tx, `INSERT INTO reports (sha256, received_unix, source, status, reason, raw_size, raw)
		VALUES (?, ?, ?, ?, ?, 0, ?) RETURNING id`, tmp[:], a.at.Unix(), a.in.Source, string(StatusUnreadable), "being read", []byte{}).Scan(&a.rid)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	a.chunked = true
	h := sha256.New()
	for n := 0; ; n++ {
		var piece []byte
		if n == 0 {
			piece = b.buf
		} else {
			m, err := io.ReadFull(r, b.buf)
			if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("%w: %w", ErrRead, err)
			}
			if m == 0 {
				break
			}
			piece = b.buf[:m]
		}
		a.size += int64(len(piece))
		if a.size > MaxRawReport {
			return errTooLarge
		}
		h.Write(piece)
		gz, err := b.s.compress(piece)
		if err != nil {
			return err
		}
		if err := b.s.exec(ctx, b.tx, `INSERT INTO report_chunks (report, n, data) VALUES (?, ?, ?)`, a.rid, n, gz); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if len(piece) < rawChunk {
			break
		}
	}
	copy(a.sum[:], h.Sum(nil))
	if a.want != nil && a.sum != *a.want {
		return errOtherBytes
	}
	var status, reason string
	err = b.s.queryRow(ctx, b.tx, `SELECT status, reason FROM reports WHERE sha256 = ?`, a.sum[:]).Scan(&status, &reason)
	switch {
	case err == nil:
		a.status, a.reason = Status(status), reason
		return errPresent
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: %w", err)
	}
	if err := b.s.exec(ctx, b.tx, `UPDATE reports SET sha256 = ?, raw_size = ? WHERE id = ?`, a.sum[:], a.size, a.rid); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// read reads the report from src, strictly then leniently, each attempt
// in a savepoint of the name given, and keeps it as unreadable when
// neither could.
func (a *adding) read(ctx context.Context, src readerAt, sp string) (Read, error) {
	b := a.b
	a.status, a.reason = StatusOK, ""
	strictly := func(stream func(io.Reader, feedback.AggregateHandler) (*feedback.AggregateReport, error)) func(feedback.AggregateHandler) (*feedback.AggregateReport, error) {
		return func(h feedback.AggregateHandler) (*feedback.AggregateReport, error) {
			x, done, err := openXML(src)
			if err != nil {
				return nil, err
			}
			defer done()
			return stream(x, h)
		}
	}
	// The plain reader first (nearly every report), the full one when
	// it gives up.
	perr := a.attempt(ctx, sp, strictly(feedback.StreamPlainAggregateXML))
	if errors.Is(perr, feedback.ErrNotPlainXML) {
		perr = a.attempt(ctx, sp, strictly(feedback.StreamAggregateXML))
	}
	if perr == nil || isEnd(perr) {
		return Read{Outcome: Stored, Status: a.status, Reason: a.reason}, perr
	}
	strict := perr.Error()
	a.status, a.reason = StatusUnreadable, strict
	if !errors.Is(perr, feedback.ErrReportTooLarge) {
		xml, err := lenientXML(src)
		switch {
		case err != nil:
			if errors.Is(err, feedback.ErrReportTooLarge) {
				a.reason = err.Error()
			}
		default:
			if fixed, mended := mend(xml); len(mended) > 0 {
				a.status, a.reason = StatusRecovered, "read leniently: "+strings.Join(mended, "; ")
				err := a.attempt(ctx, sp, func(h feedback.AggregateHandler) (*feedback.AggregateReport, error) {
					return feedback.StreamAggregateXML(bytes.NewReader(fixed), h)
				})
				if err == nil || isEnd(err) {
					return Read{Outcome: Stored, Status: a.status, Reason: a.reason}, err
				}
				a.status, a.reason = StatusUnreadable, strict
			}
		}
	}
	// Unreadable: kept, with the reason.
	if a.chunked {
		err := b.s.exec(ctx, b.tx, `UPDATE reports SET status = ?, reason = ? WHERE id = ?`, string(a.status), a.reason, a.rid)
		if err != nil {
			return Read{}, fmt.Errorf("store: %w", err)
		}
		return Read{Outcome: Stored, Status: a.status, Reason: a.reason}, nil
	}
	out := Stored
	err := b.savepointNamed(ctx, sp, func() error {
		hd := header{at: a.at, source: a.in.Source, status: a.status, reason: a.reason, size: a.size, sum: a.sum}
		rid, err := b.insertReport(ctx, &hd, a.gz)
		if rid == 0 && err == nil {
			out = Present
		}
		return err
	})
	return Read{Outcome: out, Status: a.status, Reason: a.reason}, err
}

// isEnd: an error that ends a report without failing it.
func isEnd(err error) bool {
	return errors.Is(err, errPresent) || errors.Is(err, errSkipped) || errors.As(err, new(storeError))
}

// attempt reads the report once with parse, in a savepoint: its header
// and rows are inserted as they are read, and undone when it fails. A
// report whose policy_published comes after its records is read twice:
// once for its head, once for its records.
func (a *adding) attempt(ctx context.Context, sp string, parse func(feedback.AggregateHandler) (*feedback.AggregateReport, error)) error {
	a.ok = nil
	err := a.b.savepointNamed(ctx, sp, func() error {
		a.rw, a.over = nil, feedback.ReportOverflow{}
		h := feedback.AggregateHandler{Head: a.head(ctx), Record: a.record(ctx)}
		_, err := parse(h)
		if errors.Is(err, errLateHead) {
			full, err := parse(feedback.AggregateHandler{})
			if err != nil {
				return err
			}
			h.Head = func(*feedback.AggregateReport) error { return a.head(ctx)(full) }
			_, err = parse(h)
			if err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		return a.finish(ctx)
	})
	if err == nil {
		a.ok = a.rw
	}
	return err
}

// head inserts (or fills in) the report's header once its metadata and
// policy are read: refused as present when the store holds the same
// organization and report ID, skipped when the store does not keep its
// domain.
func (a *adding) head(ctx context.Context) func(*feedback.AggregateReport) error {
	return func(rep *feedback.AggregateReport) error {
		if rep.Domain == "" {
			return errLateHead
		}
		b := a.b
		h := header{org: rep.Org, id: rep.ReportID, domain: strings.ToLower(rep.Domain), policy: string(rep.Policy), email: rep.Email,
			begin: rep.Begin, end: rep.End, at: a.at, source: a.in.Source, status: a.status, reason: a.reason, size: a.size, sum: a.sum}
		kept, err := b.keeps(ctx, h.domain)
		if err != nil {
			return storeError{err}
		}
		if !kept {
			return errSkipped
		}
		if !a.chunked {
			rid, err := b.insertReport(ctx, &h, a.gz)
			if err != nil {
				return storeError{err}
			}
			if rid == 0 {
				return errPresent
			}
			a.rid = rid
		} else {
			if h.org != "" && h.id != "" {
				var held bool
				if err := b.s.queryRow(ctx, b.tx, `SELECT EXISTS (SELECT 1 FROM reports WHERE org = ? AND report_id = ?)`, h.org, h.id).Scan(&held); err != nil {
					return storeError{fmt.Errorf("store: %w", err)}
				}
				if held {
					return errPresent
				}
			}
			err := b.s.exec(ctx, b.tx, `UPDATE reports SET org = ?, report_id = ?, domain = ?, day = ?, begin_unix = ?, end_unix = ?, policy = ?, email = ?, status = ?, reason = ? WHERE id = ?`,
				nullable(h.org), nullable(h.id), h.domain, day(h.begin), h.begin.Unix(), h.end.Unix(), h.policy, h.email, string(h.status), h.reason, a.rid)
			if err != nil {
				return storeError{fmt.Errorf("store: %w", err)}
			}
		}
		a.rw = b.rowWriter(a.rid, &h, a.in.Sources)
		return nil
	}
}

// record inserts one record as a row, or past feedback.MaxReportRows
// counts it; its messages go to the sums either way.
func (a *adding) record(ctx context.Context) func(*feedback.ReportRow) error {
	return func(row *feedback.ReportRow) error {
		var err error
		if a.rw.n < feedback.MaxReportRows {
			err = a.rw.add(ctx, *row)
		} else {
			a.over.Records++
			a.over.Messages += row.Count
			if !row.Passed() {
				a.over.Failed += row.Count
			}
			err = a.rw.sum(ctx, *row)
		}
		if err != nil {
			return storeError{err}
		}
		return nil
	}
}

// finish writes the last rows and notes the records past the rows kept.
func (a *adding) finish(ctx context.Context) error {
	if a.rw == nil {
		return errors.New("store: no report head read") // unreachable: Head is always called
	}
	if err := a.rw.finish(ctx); err != nil {
		return err
	}
	if a.over.Records == 0 {
		return nil
	}
	note := fmt.Sprintf("%d records past the first %d kept as rows (%d messages, %d failing DMARC): in the daily sums, not in the rows",
		a.over.Records, feedback.MaxReportRows, a.over.Messages, a.over.Failed)
	if a.reason != "" {
		note = a.reason + "; " + note
	}
	a.reason = note
	if err := a.b.s.exec(ctx, a.b.tx, `UPDATE reports SET reason = ? WHERE id = ?`, note, a.rid); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// readerAt is a report's bytes as received: in memory, or in the store's
// pieces.
type readerAt interface {
	io.ReaderAt
	Size() int64
}

// openXML returns the XML of a report as received (XML, gzip, or a zip's
// .xml member), read as a stream.
func openXML(src readerAt) (io.Reader, func(), error) {
	head := make([]byte, 4)
	n, _ := src.ReadAt(head, 0)
	head = head[:n]
	sr := io.NewSectionReader(src, 0, src.Size())
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(sr)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: gzip: %w", feedback.ErrReport, err)
		}
		return zr, func() { zr.Close() }, nil
	case bytes.Equal(head, []byte("PK\x03\x04")):
		if src.Size() > feedback.MaxReportSize {
			return nil, nil, fmt.Errorf("%w: the zip file is over %d bytes", feedback.ErrReportTooLarge, feedback.MaxReportSize)
		}
		zr, err := zip.NewReader(src, src.Size())
		if err != nil {
			return nil, nil, fmt.Errorf("%w: zip: %w", feedback.ErrReport, err)
		}
		member, err := zipreport.Member(zr)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", feedback.ErrReport, err)
		}
		if member.UncompressedSize64 > feedback.MaxReportXML {
			return nil, nil, fmt.Errorf("%w: %s is %d bytes once decompressed", feedback.ErrReportTooLarge, member.Name, member.UncompressedSize64)
		}
		rc, err := member.Open()
		if err != nil {
			return nil, nil, fmt.Errorf("%w: zip: %w", feedback.ErrReport, err)
		}
		return rc, func() { rc.Close() }, nil
	}
	return sr, func() {}, nil
}

// lenientXML returns a report's XML for the lenient reader, at most
// maxLenientXML bytes.
func lenientXML(src readerAt) ([]byte, error) {
	x, done, err := openXML(src)
	if err != nil {
		return nil, err
	}
	defer done()
	b, err := io.ReadAll(io.LimitReader(x, maxLenientXML+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxLenientXML {
		return nil, fmt.Errorf("%w: over %d bytes of XML, too large to be read leniently", feedback.ErrReportTooLarge, maxLenientXML)
	}
	return b, nil
}

// chunkSource reads a report back from its pieces in the batch's
// transaction, one piece held at a time.
type chunkSource struct {
	a   *adding
	ctx context.Context
	cur int    // the piece in buf, -1 for none
	buf []byte // its bytes
	zr  *gzip.Reader
}

func (c *chunkSource) Size() int64 { return c.a.size }

func (c *chunkSource) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		if off >= c.a.size {
			return n, io.EOF
		}
		i := int(off / rawChunk)
		if i != c.cur {
			if err := c.load(i); err != nil {
				return n, err
			}
		}
		m := copy(p[n:], c.buf[off%rawChunk:])
		n += m
		off += int64(m)
	}
	return n, nil
}

// load reads piece i into buf.
func (c *chunkSource) load(i int) error {
	b := c.a.b
	var gz []byte
	if err := b.s.queryRow(c.ctx, b.tx, `SELECT data FROM report_chunks WHERE report = ? AND n = ?`, c.a.rid, i).Scan(&gz); err != nil {
		return storeError{fmt.Errorf("store: piece %d of report %d: %w", i, c.a.rid, err)}
	}
	var err error
	if c.zr == nil {
		c.zr, err = gzip.NewReader(bytes.NewReader(gz))
	} else {
		err = c.zr.Reset(bytes.NewReader(gz))
	}
	if err == nil {
		c.buf, err = readInto(c.buf[:0], c.zr, rawChunk)
	}
	if err != nil {
		return storeError{fmt.Errorf("store: piece %d of report %d: %w", i, c.a.rid, err)}
	}
	c.cur = i
	return nil
}

// readInto reads r to its end into buf, at most max bytes.
func readInto(buf []byte, r io.Reader, max int) ([]byte, error) {
	if cap(buf) < max {
		buf = make([]byte, 0, max)
	}
	n, err := io.ReadFull(r, buf[:max])
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return buf[:n], nil
}
