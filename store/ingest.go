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

	"github.com/domainauth/domainauth/feedback"
)

// Ingester reads aggregate reports from files, directories, Maildirs,
// mboxes and single messages into a [Store]. Each report is stored in a
// transaction of its own: one acknowledged (counted in the result) is
// kept, one interrupted is not there at all, and ingesting again stores
// only what is missing.
type Ingester struct {
	Store Store
	// Sources, when set, classifies each row's source (its kind and
	// reverse name), as [Received.Sources].
	Sources func(domain string, row feedback.ReportRow) (feedback.SourceKind, string)
	// Progress, when set, is called after each file or message with the
	// result so far: for a progress line on long ingests.
	Progress func(IngestResult)
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
	// Items counts the files and messages looked at.
	Items int `json:"items"`
}

// Unreadable is one file or message without a readable report.
type Unreadable struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
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
	var res IngestResult
	err := in.ingestPath(ctx, path, &res)
	return res, err
}

// IngestMessage reads one message (as an MTA delivers it to a program)
// and stores the reports in it; name says where it came from ("-" for
// standard input).
func (in *Ingester) IngestMessage(ctx context.Context, r io.Reader, name string) (IngestResult, error) {
	var res IngestResult
	err := in.message(ctx, r, name, &res)
	return res, err
}

func (in *Ingester) ingestPath(ctx context.Context, path string, res *IngestResult) error {
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
func (in *Ingester) dir(ctx context.Context, path string, recurse bool, res *IngestResult) error {
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
func (in *Ingester) file(ctx context.Context, path string, res *IngestResult) error {
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
		raw, err := io.ReadAll(io.LimitReader(br, feedback.MaxReportSize+1))
		if err != nil {
			return fmt.Errorf("store: ingest: %w", err)
		}
		res.Items++
		if len(raw) > feedback.MaxReportSize {
			return in.unreadable(ctx, path, nil, fmt.Sprintf("%v: over %d bytes", feedback.ErrReportTooLarge, feedback.MaxReportSize), res)
		}
		return in.report(ctx, ReadReport(raw), path, res)
	}
	return in.message(ctx, br, path, res)
}

// isReportBytes: a report file rather than a message (zip, gzip, XML).
func isReportBytes(head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	return bytes.HasPrefix(head, []byte{0x1f, 0x8b}) || bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(t, []byte("<"))
}

// message ingests the reports of one message.
func (in *Ingester) message(ctx context.Context, r io.Reader, name string, res *IngestResult) error {
	res.Items++
	kept := &capped{max: maxKeptMessage}
	parts, err := reportParts(io.TeeReader(r, kept))
	if err != nil {
		reason := err.Error()
		if kept.cut {
			reason += fmt.Sprintf(" (the first %d bytes of the message are kept)", maxKeptMessage)
		}
		return in.unreadable(ctx, name, kept.buf, reason, res)
	}
	for _, p := range parts {
		where := name + ": " + p.name
		if p.err != nil {
			if err := in.unreadable(ctx, where, p.raw, p.err.Error(), res); err != nil {
				return err
			}
			continue
		}
		if err := in.report(ctx, ReadReport(p.raw), where, res); err != nil {
			return err
		}
	}
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
func (in *Ingester) unreadable(ctx context.Context, name string, raw []byte, reason string, res *IngestResult) error {
	return in.report(ctx, &Received{Raw: raw, Status: StatusUnreadable, Reason: reason}, name, res)
}

// report stores one read report and counts it.
func (in *Ingester) report(ctx context.Context, rc *Received, name string, res *IngestResult) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	rc.Source, rc.Sources = name, in.Sources
	if rc.Raw == nil {
		rc.Raw = []byte{}
	}
	out, err := in.Store.AddReport(ctx, rc)
	if err != nil {
		return err
	}
	switch {
	case rc.Report == nil:
		// Kept in the store (once), listed every time.
		res.Unreadable = append(res.Unreadable, Unreadable{File: name, Reason: rc.Reason})
	case rc.Status == StatusRecovered && out == Stored:
		res.Recovered++
		fallthrough
	default:
		res.add(out)
	}
	if in.Progress != nil {
		in.Progress(*res)
	}
	return nil
}

// mbox ingests each message of an mbox file, read as a stream: a message
// starts at a line "From " after an empty line (or at the start), and
// ">From " lines are unquoted (mboxrd).
func (in *Ingester) mbox(ctx context.Context, br *bufio.Reader, path string, res *IngestResult) error {
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
