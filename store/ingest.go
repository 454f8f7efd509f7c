package store

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/domainauth/domainauth/feedback"
)

// Ingester reads aggregate reports from files, directories, Maildirs,
// mboxes and single messages into a [Store]. It stores them by group
// commit: several reports (of a directory, a Maildir, an mbox) in one
// transaction, a [Batch], bounded by Batch; a report is acknowledged
// (counted in the result, given to Progress) only once its transaction
// committed. One acknowledged is kept, one interrupted is not there at
// all (nor any of its rows), and ingesting again stores only what is
// missing.
type Ingester struct {
	Store Store
	// Sources, when set, classifies each row's source (its kind and
	// reverse name), as [Received.Sources].
	Sources func(domain string, row feedback.ReportRow) (feedback.SourceKind, string)
	// Progress, when set, is called after each file or message with the
	// result so far (what was acknowledged, and Items looked at): for a
	// progress line on long ingests.
	Progress func(IngestResult)
	// Batch bounds how many reports wait for one commit.
	Batch BatchLimits
}

// BatchLimits bound a group commit: a transaction is committed once it
// holds Reports reports, or Bytes bytes of them as received, or its first
// report has waited Wait, whichever comes first, and at the end of each
// ingest. The zero value of each field is its default.
type BatchLimits struct {
	Reports int           // 0 is 256
	Bytes   int64         // 0 is 16 MB
	Wait    time.Duration // 0 is 1 s
}

// Defaults of BatchLimits.
const (
	defaultBatchReports = 256
	defaultBatchBytes   = 16 << 20
	defaultBatchWait    = time.Second
)

// run is one ingest: what is acknowledged, and the batch open.
type run struct {
	in    *Ingester
	res   IngestResult // acknowledged, and items looked at
	batch Batch
	// pending is what the open batch holds, acknowledged at its commit.
	pending IngestResult
	reports int
	bytes   int64
	started time.Time
	lim     BatchLimits
}

func (in *Ingester) newRun() *run {
	lim := in.Batch
	if lim.Reports <= 0 {
		lim.Reports = defaultBatchReports
	}
	if lim.Bytes <= 0 {
		lim.Bytes = defaultBatchBytes
	}
	if lim.Wait <= 0 {
		lim.Wait = defaultBatchWait
	}
	return &run{in: in, lim: lim}
}

// open returns the open batch, beginning one when none is.
func (r *run) open(ctx context.Context) (Batch, error) {
	if r.batch == nil {
		b, err := r.in.Store.Begin(ctx)
		if err != nil {
			return nil, err
		}
		r.batch, r.started = b, time.Now()
	}
	return r.batch, nil
}

// commit commits the open batch and acknowledges what it holds.
func (r *run) commit() error {
	if r.batch == nil {
		return nil
	}
	b := r.batch
	r.batch = nil
	p := r.pending
	r.pending, r.reports, r.bytes = IngestResult{}, 0, 0
	if err := b.Commit(); err != nil {
		return err
	}
	r.res.Stored += p.Stored
	r.res.Present += p.Present
	r.res.Skipped += p.Skipped
	r.res.Recovered += p.Recovered
	r.res.Unreadable = append(r.res.Unreadable, p.Unreadable...)
	return nil
}

// abort discards the open batch: nothing of it was acknowledged.
func (r *run) abort() {
	if r.batch != nil {
		_ = r.batch.Rollback()
		r.batch = nil
	}
}

// item ends one file or message: the batch is committed when full or old
// enough, and Progress told.
func (r *run) item() error {
	if r.batch != nil && (r.reports >= r.lim.Reports || r.bytes >= r.lim.Bytes || time.Since(r.started) >= r.lim.Wait) {
		if err := r.commit(); err != nil {
			return err
		}
	}
	if r.in.Progress != nil {
		r.in.Progress(r.res)
	}
	return nil
}

// finish commits the last batch after f, or, when f failed, the reports
// added before the failure; and returns what was acknowledged.
func (r *run) finish(err error) (IngestResult, error) {
	if cerr := r.commit(); cerr != nil {
		r.abort()
		return r.res, errors.Join(err, cerr)
	}
	if err == nil && r.in.Progress != nil {
		r.in.Progress(r.res)
	}
	return r.res, err
}

// IngestResult says what an ingest did.
type IngestResult struct {
	// Stored: reports new to the store; Present: reports it already
	// held; Skipped: reports for domains it does not keep.
	Stored  int `json:"stored"`
	Present int `json:"present"`
	Skipped int `json:"skipped"`
	// Unreadable are the files and messages that held no readable
	// report, each with why; the bytes are kept in the store.
	Unreadable []Unreadable `json:"unreadable"`
	// Recovered counts the reports read only leniently.
	Recovered int `json:"recovered"`
	// Items counts the files and messages looked at ([Ingester.Reread]:
	// the unreadable reports).
	Items int `json:"items"`
}

// Unreadable is one file or message without a readable report.
type Unreadable struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
	// Report is the stored report's ID ([Store.Report]), when known:
	// given by [Ingester.Reread].
	Report int64 `json:"report,omitempty"`
}

// add counts one outcome.
func (r *IngestResult) add(o Outcome) {
	switch o {
	case Stored:
		r.Stored++
	case Present:
		r.Present++
	case Skipped:
		r.Skipped++
	}
}

// Ingest reads path: a report file (XML, .gz, .zip), a message (.eml or
// anything that starts with mail headers), an mbox (starts with "From "),
// a Maildir (a directory with cur/ and new/), or a directory of any of
// these, walked in name order. It stops at the first error of the store
// or of ctx; what it could not read is in the result's Unreadable.
func (in *Ingester) Ingest(ctx context.Context, path string) (IngestResult, error) {
	r := in.newRun()
	return r.finish(in.ingestPath(ctx, path, r))
}

// IngestMessage reads one message (as an MTA delivers it to a program)
// and stores the reports in it; name says where it came from ("-" for
// standard input).
func (in *Ingester) IngestMessage(ctx context.Context, r io.Reader, name string) (IngestResult, error) {
	ru := in.newRun()
	return ru.finish(in.message(ctx, r, name, ru))
}

func (in *Ingester) ingestPath(ctx context.Context, path string, res *run) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("store: ingest: %w", err)
	}
	if !fi.IsDir() {
		return in.file(ctx, path, res)
	}
	if isMaildir(path) {
		for _, sub := range []string{"cur", "new"} {
			if err := in.dir(ctx, filepath.Join(path, sub), false, res); err != nil {
				return err
			}
		}
		return nil
	}
	return in.dir(ctx, path, true, res)
}

func isMaildir(path string) bool {
	for _, sub := range []string{"cur", "new"} {
		if fi, err := os.Stat(filepath.Join(path, sub)); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// dir ingests a directory's files in name order; recursively, or (a
// Maildir's cur and new) each file as one message.
func (in *Ingester) dir(ctx context.Context, path string, recurse bool, res *run) error {
	return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("store: ingest: %w", err)
		}
		if d.IsDir() {
			if p != path && (!recurse || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			if p != path && isMaildir(p) {
				if err := in.ingestPath(ctx, p, res); err != nil {
					return err
				}
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		if !recurse {
			f, err := os.Open(p)
			if err != nil {
				return fmt.Errorf("store: ingest: %w", err)
			}
			defer f.Close()
			return in.message(ctx, f, p, res)
		}
		return in.file(ctx, p, res)
	})
}

// file ingests one file, by what its first bytes say it is.
func (in *Ingester) file(ctx context.Context, path string, res *run) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("store: ingest: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(512)
	switch {
	case bytes.HasPrefix(head, []byte("From ")):
		return in.mbox(ctx, br, path, res)
	case isReportBytes(head):
		res.res.Items++
		if err := in.read(ctx, br, path, res); err != nil {
			return fmt.Errorf("store: ingest %s: %w", path, err)
		}
		return res.item()
	}
	return in.message(ctx, br, path, res)
}

// isReportBytes: a report file rather than a message (zip, gzip, XML).
func isReportBytes(head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	return bytes.HasPrefix(head, []byte{0x1f, 0x8b}) || bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(t, []byte("<"))
}

// message ingests the reports of one message.
func (in *Ingester) message(ctx context.Context, r io.Reader, name string, res *run) error {
	res.res.Items++
	if err := in.messageReports(ctx, r, name, res); err != nil {
		return err
	}
	return res.item()
}

func (in *Ingester) messageReports(ctx context.Context, r io.Reader, name string, res *run) error {
	kept := &capped{max: maxKeptMessage}
	var stop error // the store's error, which ends the ingest
	err := reportParts(io.TeeReader(r, kept), func(part string, body io.Reader) error {
		where := name + ": " + part
		err := in.read(ctx, body, where, res)
		if errors.Is(err, ErrRead) {
			// The part's encoding is broken: kept as unreadable, with why.
			err = in.unreadable(ctx, where, nil, fmt.Sprintf("%s: %v", part, errors.Unwrap(err)), res)
		}
		stop = err
		return err
	})
	switch {
	case stop != nil:
		return stop
	case err != nil:
		reason := err.Error()
		if kept.cut {
			reason += fmt.Sprintf(" (the first %d bytes of the message are kept)", maxKeptMessage)
		}
		return in.unreadable(ctx, name, kept.buf, reason, res)
	}
	return nil
}

// read reads one report from r into the batch, streaming, and counts it
// as pending.
func (in *Ingester) read(ctx context.Context, r io.Reader, name string, res *run) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b, err := res.open(ctx)
	if err != nil {
		return err
	}
	rd, err := b.ReadReport(ctx, r, Incoming{Source: name, Sources: in.Sources})
	if err != nil {
		return err
	}
	rc := &Received{Status: rd.Status, Reason: rd.Reason}
	if rd.Status != StatusUnreadable {
		rc.Report = &feedback.AggregateReport{}
	}
	res.count(rc, rd.Outcome, name)
	res.bytes += rd.Size
	return nil
}

// maxKeptMessage bounds what is kept of a message without a report.
const maxKeptMessage = 1 << 20

// capped keeps the first max bytes written to it.
type capped struct {
	buf []byte
	max int
	cut bool
}

func (c *capped) Write(p []byte) (int, error) {
	room := c.max - len(c.buf)
	if len(p) > room {
		c.buf, c.cut = append(c.buf, p[:room]...), true
	} else {
		c.buf = append(c.buf, p...)
	}
	return len(p), nil
}

// unreadable keeps what could not be read, with why, and lists it.
func (in *Ingester) unreadable(ctx context.Context, name string, raw []byte, reason string, res *run) error {
	return in.report(ctx, &Received{Raw: raw, Status: StatusUnreadable, Reason: reason}, name, res)
}

// report adds one read report to the batch, and counts it as pending.
func (in *Ingester) report(ctx context.Context, rc *Received, name string, res *run) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	rc.Source, rc.Sources = name, in.Sources
	if rc.Raw == nil {
		rc.Raw = []byte{}
	}
	b, err := res.open(ctx)
	if err != nil {
		return err
	}
	out, err := b.AddReport(ctx, rc)
	if err != nil {
		return err
	}
	res.count(rc, out, name)
	res.bytes += int64(len(rc.Raw))
	return nil
}

// count counts one report's outcome as pending.
func (r *run) count(rc *Received, out Outcome, name string) {
	r.reports++
	p := &r.pending
	switch {
	case rc.Report == nil:
		// Kept in the store (once), listed every time.
		p.Unreadable = append(p.Unreadable, Unreadable{File: name, Reason: rc.Reason})
	case rc.Status == StatusRecovered && out == Stored:
		p.Recovered++
		fallthrough
	default:
		p.add(out)
	}
}

// mbox ingests each message of an mbox file, read as a stream: a message
// starts at a line "From " after an empty line (or at the start), and
// ">From " lines are unquoted (mboxrd).
func (in *Ingester) mbox(ctx context.Context, br *bufio.Reader, path string, res *run) error {
	mr := &mboxReader{br: br}
	for n := 1; mr.next(); n++ {
		if err := in.message(ctx, mr, fmt.Sprintf("%s#%d", path, n), res); err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, mr) // the rest of a message read only in part
	}
	if mr.err != nil && !errors.Is(mr.err, io.EOF) {
		return fmt.Errorf("store: ingest %s: %w", path, mr.err)
	}
	return nil
}

// mboxReader gives the messages of an mbox one after the other, each as
// an io.Reader that ends where the next "From " line starts.
type mboxReader struct {
	br      *bufio.Reader
	pending []byte // the current line, not yet given
	blank   bool   // the previous line was empty
	started bool
	inMsg   bool
	// pendingFrom: the "From " line of the next message was read.
	pendingFrom bool
	err         error
}

// next skips to the next message's first header line.
func (m *mboxReader) next() bool {
	for m.inMsg {
		_, _ = io.Copy(io.Discard, m)
	}
	if m.pendingFrom {
		m.pendingFrom, m.inMsg = false, true
		return true
	}
	for m.err == nil {
		line, err := m.readLine()
		if err != nil && len(line) == 0 {
			m.err = err
			return false
		}
		if bytes.HasPrefix(line, []byte("From ")) && (m.blank || !m.started) {
			m.started, m.inMsg, m.blank = true, true, false
			return true
		}
		m.blank = len(bytes.TrimRight(line, "\r\n")) == 0
	}
	return false
}

func (m *mboxReader) readLine() ([]byte, error) {
	line, err := m.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		// A line longer than the buffer: give it in pieces.
		return append([]byte(nil), line...), nil
	}
	return append([]byte(nil), line...), err
}

func (m *mboxReader) Read(p []byte) (int, error) {
	if !m.inMsg {
		return 0, io.EOF
	}
	for len(m.pending) == 0 {
		line, err := m.readLine()
		if len(line) == 0 && err != nil {
			m.err, m.inMsg = err, false
			return 0, io.EOF
		}
		if m.blank && bytes.HasPrefix(line, []byte("From ")) {
			// The next message: keep its separator for next().
			m.inMsg, m.blank, m.started = false, false, true
			m.pendingFrom = true
			return 0, io.EOF
		}
		m.blank = len(bytes.TrimRight(line, "\r\n")) == 0
		if q := bytes.TrimLeft(line, ">"); len(q) < len(line) && bytes.HasPrefix(q, []byte("From ")) {
			line = line[1:]
		}
		m.pending = line
	}
	n := copy(p, m.pending)
	m.pending = m.pending[n:]
	return n, nil
}
