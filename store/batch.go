package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/domainauth/domainauth/feedback"
)

// Batch is one transaction that stores several reports: group commit.
// Each report is added whole or not at all (a savepoint of its own), and
// the outcomes a Batch returns hold only once [Batch.Commit] returned
// nil: until then nothing of the batch is visible to others, and a crash
// keeps none of it. The same report twice in one batch is stored once
// (the second is [Present]), as it is across batches and processes: by
// the database's UNIQUE constraints. A Batch is not for concurrent use;
// several batches (in several processes) may be open on one store, and
// take turns at writing.
type Batch interface {
	// AddReport adds one received report, as [Store.AddReport] does. An
	// error leaves the batch as before the call: the reports added
	// before it are still committed by Commit.
	AddReport(ctx context.Context, r *Received) (Outcome, error)
	// ReadReport reads one report as received (XML, gzip or zip) from r
	// and adds it, streaming (see [MaxRawReport]). A report that cannot
	// be read is stored as unreadable, with the reason, and is no error;
	// one whose source fails (ErrRead) or that the store fails to add
	// leaves the batch as before the call.
	ReadReport(ctx context.Context, r io.Reader, in Incoming) (Read, error)
	// Reread reads again a report the store keeps as unreadable, in
	// place of it: in a savepoint of its own, it checks that report id
	// is still held as unreadable with the bytes r gives (as
	// [Store.Report] returns them), reads r as ReadReport does and, when
	// it can be read now, deletes the unreadable copy (and its pieces).
	// In's Source and At, when empty, are the stored report's. The check is inside the batch's transaction, so
	// two processes reading the same report again never store it twice.
	//
	// The outcome is [Stored] (read now: a report of its own, with rows
	// and sums, under a new ID, higher than the old one), [Present] with Status [StatusOK] or
	// [StatusRecovered] (the store holds a readable copy: the unreadable
	// one is deleted), or [Skipped] (for a domain the store does not
	// keep: it is deleted). When it still cannot be read, nothing
	// changes (same ID, bytes and reason): the outcome is [Present] with
	// Status [StatusUnreadable] and the reason today's readers give.
	// When report id is no longer held as unreadable with these bytes,
	// the outcome is [Gone] and nothing changes. An error leaves the
	// batch as before the call.
	Reread(ctx context.Context, id int64, r io.Reader, in Incoming) (Read, error)
	// Commit makes the batch's reports durable and visible; the
	// outcomes returned before hold from then on.
	Commit() error
	// Rollback discards the batch; after Commit it does nothing.
	Rollback() error
}

// sumKey is one row of the daily sums.
type sumKey struct {
	domain string
	day    int64
	ip     netip.Addr
}

// recvKey is one row of the daily receivers.
type recvKey struct {
	domain string
	day    int64
	org    string
}

// maxBatchSums bounds the daily sums a batch holds before it writes them
// (they are added to the rows already there, so writing early changes
// nothing).
const maxBatchSums = 4096

// sqlBatch is a Batch on a database/sql transaction.
type sqlBatch struct {
	s  *sqlStore
	tx *sql.Tx
	// kept caches, per domain, whether the store keeps its reports: the
	// list of domains is read once per batch.
	kept map[string]bool
	// sums and recv are the batch's daily sums and receivers, written at
	// commit (or past maxBatchSums) in key order: two batches lock the
	// same rows in the same order.
	sums map[sumKey]*DaySource
	recv map[recvKey]int
	// err breaks the batch: a savepoint that could not be rolled back.
	err  error
	done bool
	// buf holds the piece of a report being read.
	buf []byte
}

// Begin starts a batch. On PostgreSQL, batches take turns (a
// transaction-level advisory lock, as SQLite's immediate transactions
// do): two batches adding the same reports in another order would
// otherwise each wait for the other's uncommitted report.
func (s *sqlStore) Begin(ctx context.Context) (Batch, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if s.dialect == dialectPostgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(2930)`); err != nil {
			_ = tx.Rollback()
			return nil, fmt.Errorf("store: %w", err)
		}
	}
	return &sqlBatch{s: s, tx: tx, kept: map[string]bool{}, sums: map[sumKey]*DaySource{}, recv: map[recvKey]int{}}, nil
}

func (s *sqlStore) AddReport(ctx context.Context, r *Received) (Outcome, error) {
	b, err := s.Begin(ctx)
	if err != nil {
		return "", err
	}
	defer func() { _ = b.Rollback() }()
	out, err := b.AddReport(ctx, r)
	if err != nil {
		return "", err
	}
	if err := b.Commit(); err != nil {
		return "", err
	}
	return out, nil
}

// keeps reports whether the store keeps domain's reports: with no list
// of domains, every domain's.
func (b *sqlBatch) keeps(ctx context.Context, domain string) (bool, error) {
	if k, ok := b.kept[domain]; ok {
		return k, nil
	}
	var any, listed bool
	err := b.s.queryRow(ctx, b.tx, `SELECT EXISTS (SELECT 1 FROM domains), EXISTS (SELECT 1 FROM domains WHERE domain = ?)`, domain).Scan(&any, &listed)
	if err != nil {
		return false, fmt.Errorf("store: %w", err)
	}
	b.kept[domain] = !any || listed
	return !any || listed, nil
}

// savepoint runs f in a savepoint: what f did is undone when it fails.
func (b *sqlBatch) savepoint(ctx context.Context, f func() error) error {
	return b.savepointNamed(ctx, "report", f)
}

// savepointNamed is savepoint with a name of its own, to nest one.
func (b *sqlBatch) savepointNamed(ctx context.Context, name string, f func() error) error {
	if b.err != nil {
		return b.err
	}
	if b.done {
		return errors.New("store: batch already committed or rolled back")
	}
	if err := b.s.exec(ctx, b.tx, `SAVEPOINT `+name); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := f(); err != nil {
		// Back to where it began, and off the stack of savepoints.
		err2 := b.s.exec(ctx, b.tx, `ROLLBACK TO SAVEPOINT `+name)
		if err2 == nil {
			err2 = b.s.exec(ctx, b.tx, `RELEASE SAVEPOINT `+name)
		}
		if err2 != nil {
			b.err = fmt.Errorf("store: batch broken: %w", err2)
			return errors.Join(err, b.err)
		}
		return err
	}
	if err := b.s.exec(ctx, b.tx, `RELEASE SAVEPOINT `+name); err != nil {
		b.err = fmt.Errorf("store: batch broken: %w", err)
		return b.err
	}
	return nil
}

// header is what the reports table holds of a report, but its raw bytes.
type header struct {
	org, id, domain, policy, email string
	begin, end                     time.Time
	at                             time.Time
	source                         string
	status                         Status
	reason                         string
	size                           int64
	sum                            [32]byte
}

// headerOf returns a received report's header.
func (s *sqlStore) headerOf(r *Received) header {
	h := header{at: r.At, source: r.Source, status: r.Status, reason: r.Reason, size: int64(len(r.Raw)), sum: sha256.Sum256(r.Raw)}
	if h.at.IsZero() {
		h.at = s.now()
	}
	if h.status == "" {
		h.status = StatusOK
	}
	if rep := r.Report; rep != nil {
		h.org, h.id, h.domain, h.policy, h.email = rep.Org, rep.ReportID, strings.ToLower(rep.Domain), string(rep.Policy), rep.Email
		h.begin, h.end = rep.Begin, rep.End
	} else {
		h.status = StatusUnreadable
	}
	if len(r.Raw) == 0 {
		h.sum = noBytesSum(r.Source, r.Reason)
	}
	return h
}

// noBytesSum identifies a report of which nothing is kept (too large): by
// where it came from and why, not by its (absent) bytes.
func noBytesSum(source, reason string) [32]byte {
	return sha256.Sum256([]byte("no bytes\x00" + source + "\x00" + reason))
}

// insertReport inserts a report's header and its compressed bytes, and
// returns its ID; 0 when the store already holds it.
func (b *sqlBatch) insertReport(ctx context.Context, h *header, gz []byte) (int64, error) {
	var rid int64
	err := b.s.queryRow(ctx, b.tx, `INSERT INTO reports (org, report_id, sha256, domain, day, begin_unix, end_unix, policy, email, received_unix, source, status, reason, raw_size, raw)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
		nullable(h.org), nullable(h.id), h.sum[:], h.domain, day(h.begin), h.begin.Unix(), h.end.Unix(), h.policy, h.email, h.at.Unix(), h.source, string(h.status), h.reason, h.size, gz).Scan(&rid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: %w", err)
	}
	return rid, nil
}

func (b *sqlBatch) AddReport(ctx context.Context, r *Received) (Outcome, error) {
	h := b.s.headerOf(r)
	if r.Report != nil {
		kept, err := b.keeps(ctx, h.domain)
		if err != nil || !kept {
			return Skipped, err
		}
	}
	gz, err := b.s.compress(r.Raw)
	if err != nil {
		return "", err
	}
	out := Stored
	var rw *rowWriter
	err = b.savepoint(ctx, func() error {
		rid, err := b.insertReport(ctx, &h, gz)
		if err != nil || rid == 0 {
			out = Present
			return err
		}
		if r.Report == nil {
			return nil
		}
		rw = b.rowWriter(rid, &h, r.Sources)
		for _, row := range r.Report.Rows {
			if err := rw.add(ctx, row); err != nil {
				return err
			}
		}
		return rw.finish(ctx)
	})
	if err != nil {
		return "", err
	}
	if rw != nil {
		if err := b.merge(ctx, rw); err != nil {
			return "", err
		}
	}
	return out, nil
}

// rowWriter inserts one report's rows as they come, rowsPerInsert to a
// statement, and adds them up per source address; finish adds the sums
// to the batch's.
type rowWriter struct {
	b        *sqlBatch
	rid      int64
	domain   string
	day      int64
	org      string
	classify func(domain string, row feedback.ReportRow) (feedback.SourceKind, string)
	n        int
	args     []any
	sums     map[netip.Addr]*DaySource
}

func (b *sqlBatch) rowWriter(rid int64, h *header, classify func(string, feedback.ReportRow) (feedback.SourceKind, string)) *rowWriter {
	return &rowWriter{b: b, rid: rid, domain: h.domain, day: day(h.begin), org: h.org, classify: classify, sums: map[netip.Addr]*DaySource{}}
}

// rowsPerInsert is how many rows one INSERT statement carries.
const rowsPerInsert = 50

// add inserts one row (in the next statement) and sums it.
func (w *rowWriter) add(ctx context.Context, row feedback.ReportRow) error {
	auth, err := json.Marshal(rowAuth{DKIM: row.DKIM, SPF: row.SPF, Overrides: row.Reasons})
	if err != nil {
		return err
	}
	w.args = append(w.args, w.rid, w.n, row.SourceIP.String(), row.Count, string(row.Disposition), b2i(row.DKIMAligned), b2i(row.SPFAligned), row.HeaderFrom, row.EnvelopeFrom, string(auth))
	w.n++
	if len(w.args) >= 10*rowsPerInsert {
		if err := w.flushRows(ctx); err != nil {
			return err
		}
	}
	return w.sum(ctx, row)
}

// sum adds a row to its source's sums, not to the rows.
func (w *rowWriter) sum(ctx context.Context, row feedback.ReportRow) error {
	d := w.sums[row.SourceIP]
	if d == nil {
		d = &DaySource{IP: row.SourceIP}
		w.sums[row.SourceIP] = d
	}
	kind, host := KindOf(row), ""
	if w.classify != nil {
		kind, host = w.classify(w.domain, row)
	}
	addRow(d, row, kind, host)
	if len(w.sums) >= maxBatchSums {
		// A report of very many sources: its sums so far go to the
		// database now (in its savepoint), not to the batch's.
		return w.b.writeSums(ctx, w.take())
	}
	return nil
}

// take returns the report's sums as the batch keys them, and forgets them.
func (w *rowWriter) take() map[sumKey]*DaySource {
	m := make(map[sumKey]*DaySource, len(w.sums))
	for ip, d := range w.sums {
		m[sumKey{w.domain, w.day, ip}] = d
	}
	w.sums = map[netip.Addr]*DaySource{}
	return m
}

// flushRows inserts the rows not yet inserted.
func (w *rowWriter) flushRows(ctx context.Context) error {
	if len(w.args) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO report_rows (report, n, source_ip, messages, disposition, dkim_aligned, spf_aligned, header_from, envelope_from, auth) VALUES `)
	for i := 0; i < len(w.args)/10; i++ {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	}
	if err := w.b.s.exec(ctx, w.b.tx, q.String(), w.args...); err != nil {
		return fmt.Errorf("store: rows: %w", err)
	}
	w.args = w.args[:0]
	return nil
}

// finish inserts the last rows.
func (w *rowWriter) finish(ctx context.Context) error {
	return w.flushRows(ctx)
}

// merge adds a report's sums and receiver to the batch's, once its
// savepoint is released; past maxBatchSums they are written. An error
// breaks the batch: the sums of other reports may be written in part.
func (b *sqlBatch) merge(ctx context.Context, w *rowWriter) error {
	for k, d := range w.take() {
		if have := b.sums[k]; have != nil {
			mergeSource(have, d)
		} else {
			b.sums[k] = d
		}
	}
	b.recv[recvKey{w.domain, w.day, w.org}]++
	if len(b.sums) >= maxBatchSums {
		sums := b.sums
		b.sums = map[sumKey]*DaySource{}
		if err := b.writeSums(ctx, sums); err != nil {
			b.err = fmt.Errorf("store: batch broken: %w", err)
			return b.err
		}
	}
	return nil
}

// mergeSource adds d's figures to have's; the kind is the most telling
// of the two, the host the later one given.
func mergeSource(have, d *DaySource) {
	have.Messages += d.Messages
	have.Passed += d.Passed
	have.SPFAligned += d.SPFAligned
	have.DKIMAligned += d.DKIMAligned
	have.SPFPass += d.SPFPass
	have.DKIMPass += d.DKIMPass
	have.None += d.None
	have.Quarantine += d.Quarantine
	have.Reject += d.Reject
	o, p := &have.Overrides, d.Overrides
	o.Forwarded += p.Forwarded
	o.LocalPolicy += p.LocalPolicy
	o.MailingList += p.MailingList
	o.SampledOut += p.SampledOut
	o.TrustedForwarder += p.TrustedForwarder
	o.Other += p.Other
	o.ARC += p.ARC
	if kindRank(d.Kind) > kindRank(have.Kind) {
		have.Kind = d.Kind
	}
	if d.Host != "" {
		have.Host = d.Host
	}
}

// writeSums adds sums to the daily table in key order.
func (b *sqlBatch) writeSums(ctx context.Context, sums map[sumKey]*DaySource) error {
	keys := make([]sumKey, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, c := keys[i], keys[j]
		if a.domain != c.domain {
			return a.domain < c.domain
		}
		if a.day != c.day {
			return a.day < c.day
		}
		return a.ip.Less(c.ip)
	})
	srcs := make([]DaySource, len(keys))
	for i, k := range keys {
		srcs[i] = *sums[k]
		srcs[i].Domain, srcs[i].Day = k.domain, dayTime(k.day)
	}
	return b.s.addSums(ctx, b.tx, srcs)
}

// writeReceivers adds the batch's receivers to their table in key order.
func (b *sqlBatch) writeReceivers(ctx context.Context) error {
	keys := make([]recvKey, 0, len(b.recv))
	for k := range b.recv {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, c := keys[i], keys[j]
		if a.domain != c.domain {
			return a.domain < c.domain
		}
		if a.day != c.day {
			return a.day < c.day
		}
		return a.org < c.org
	})
	for _, k := range keys {
		err := b.s.exec(ctx, b.tx, `INSERT INTO daily_receivers (domain, day, org, reports) VALUES (?, ?, ?, ?)
			ON CONFLICT (domain, day, org) DO UPDATE SET reports = daily_receivers.reports + excluded.reports`, k.domain, k.day, k.org, b.recv[k])
		if err != nil {
			return fmt.Errorf("store: receivers: %w", err)
		}
	}
	return nil
}

func (b *sqlBatch) Commit() error {
	if b.err != nil {
		_ = b.Rollback()
		return b.err
	}
	if b.done {
		return errors.New("store: batch already committed or rolled back")
	}
	ctx := context.Background()
	if err := b.writeSums(ctx, b.sums); err != nil {
		_ = b.Rollback()
		return err
	}
	if err := b.writeReceivers(ctx); err != nil {
		_ = b.Rollback()
		return err
	}
	b.done = true
	if err := b.tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

func (b *sqlBatch) Rollback() error {
	if b.done {
		return nil
	}
	b.done = true
	return b.tx.Rollback()
}
