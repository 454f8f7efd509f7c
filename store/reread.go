package store

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/domainauth/domainauth/feedback"
)

// errStillUnreadable undoes a report read again that still cannot be read.
var errStillUnreadable = errors.New("still unreadable")

// Reread reads report id again from r in place of the unreadable copy
// (see [Batch]).
func (b *sqlBatch) Reread(ctx context.Context, id int64, r io.Reader, in Incoming) (Read, error) {
	if err := b.usable(); err != nil {
		return Read{}, err
	}
	var res Read
	err := b.savepointNamed(ctx, "reread", func() error {
		var status, source string
		var sum []byte
		var recv int64
		err := b.s.queryRow(ctx, b.tx, `SELECT status, sha256, source, received_unix FROM reports WHERE id = ?`, id).Scan(&status, &sum, &source, &recv)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return errGone
		case err != nil:
			return fmt.Errorf("store: %w", err)
		case Status(status) != StatusUnreadable || len(sum) != 32:
			return errGone
		}
		if in.Source == "" {
			in.Source = source
		}
		if in.At.IsZero() {
			in.At = time.Unix(recv, 0).UTC()
		}
		// Its bytes are free for the report read now, which is numbered
		// after it (SQLite would give a deleted last ID again, which the
		// reverse names' scan has passed); then it goes, its pieces with
		// it (ON DELETE CASCADE).
		var tmp [32]byte
		_, _ = rand.Read(tmp[:])
		if err := b.s.exec(ctx, b.tx, `UPDATE reports SET sha256 = ? WHERE id = ?`, tmp[:], id); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		want := [32]byte(sum)
		rd, err := b.readReport(ctx, r, in, &want)
		switch {
		case errors.Is(err, errOtherBytes):
			return errGone
		case err != nil:
			return err
		}
		res = rd
		if rd.Status == StatusUnreadable {
			return errStillUnreadable
		}
		if err := b.s.exec(ctx, b.tx, `DELETE FROM reports WHERE id = ?`, id); err != nil {
			// The report's sums are in the batch's already.
			b.err = fmt.Errorf("store: batch broken: %w", err)
			return b.err
		}
		return nil
	})
	switch {
	case errors.Is(err, errGone):
		return Read{Outcome: Gone}, nil
	case errors.Is(err, errStillUnreadable):
		res.Outcome = Present
		return res, nil
	case err != nil:
		return Read{}, err
	}
	return res, nil
}

// errGone: the report to read again is not held as unreadable.
var errGone = errors.New("gone")

// rereadPage is how many unreadable reports Reread lists at a time.
const rereadPage = 100

// unreadableLister lists unreadable reports by ID, a page at a time.
type unreadableLister interface {
	unreadableAfter(ctx context.Context, after int64, n int) ([]StoredReport, error)
}

// unreadableAfter returns up to n unreadable reports whose ID is above
// after, by ID (without their bytes).
func (s *sqlStore) unreadableAfter(ctx context.Context, after int64, n int) ([]StoredReport, error) {
	return s.unreadable(ctx, `SELECT id, received_unix, source, reason, raw_size FROM reports WHERE status = ? AND id > ? ORDER BY id LIMIT ?`, string(StatusUnreadable), after, n)
}

// Reread reads again every report the store keeps as unreadable, as a
// program does after its readers improved: a page of them at a time, by
// ID, each one's bytes read a piece at a time ([Store.OpenReport]) and given to
// [Batch.Reread], by group commit as [Ingester.Ingest] stores. The result
// counts the reports read now (Stored, Recovered), those the store held
// already in a readable copy (Present) or that are for a domain it does
// not keep (Skipped): their unreadable copies are deleted; and lists
// those that stay unreadable (Unreadable, with today's reason and the
// report's ID). Items counts the reports looked at, and Progress is told
// after each. A report read again meanwhile by another process is counted
// nowhere.
//
// What was kept without a report's bytes stays as it is, listed: a report
// too large to be kept, a message part whose encoding is broken, and a
// message kept whole because no report was found in it (reading it again
// as a report would only fail).
func (in *Ingester) Reread(ctx context.Context) (IngestResult, error) {
	l, ok := in.Store.(unreadableLister)
	if !ok {
		return IngestResult{}, errors.New("store: reread: the store is not one Open returned")
	}
	r := in.newRun()
	return r.finish(in.reread(ctx, l, r))
}

func (in *Ingester) reread(ctx context.Context, l unreadableLister, res *run) error {
	var after int64
	for {
		page, err := l.unreadableAfter(ctx, after, rereadPage)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		for _, u := range page {
			after = u.ID
			if err := ctx.Err(); err != nil {
				return err
			}
			res.res.Items++
			if err := in.rereadOne(ctx, u, res); err != nil {
				return err
			}
			if err := res.item(); err != nil {
				return err
			}
		}
	}
}

// rereadOne reads one unreadable report again into the open batch, and
// counts it as pending.
func (in *Ingester) rereadOne(ctx context.Context, u StoredReport, res *run) error {
	keep := func() {
		// Nothing to commit: acknowledged now, unless a batch is open
		// (then with it, for the list to stay in order).
		kept := Unreadable{File: u.Source, Reason: u.Reason, Report: u.ID}
		if res.batch == nil {
			res.res.Unreadable = append(res.res.Unreadable, kept)
			return
		}
		res.pending.Unreadable = append(res.pending.Unreadable, kept)
	}
	if u.Size == 0 {
		keep()
		return nil
	}
	sr, err := in.Store.OpenReport(ctx, u.ID)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil // deleted meanwhile
	case err != nil:
		return err
	}
	defer sr.Close()
	if sr.Status != StatusUnreadable {
		return nil // read again meanwhile
	}
	raw := bufio.NewReaderSize(sr, 512)
	if head, _ := raw.Peek(512); !isReportBytes(head) {
		keep()
		return nil
	}
	b, err := res.open(ctx)
	if err != nil {
		return err
	}
	rd, err := b.Reread(ctx, u.ID, raw, Incoming{Sources: in.Sources})
	if err != nil {
		return err
	}
	res.bytes += int64(sr.Size)
	switch {
	case rd.Outcome == Gone:
	case rd.Status == StatusUnreadable:
		res.reports++
		res.pending.Unreadable = append(res.pending.Unreadable, Unreadable{File: sr.Source, Reason: rd.Reason, Report: u.ID})
	default:
		res.count(&Received{Status: rd.Status, Report: &feedback.AggregateReport{}}, rd.Outcome, sr.Source)
	}
	return nil
}
