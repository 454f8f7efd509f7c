package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"
)

// RawReport reads a stored report's bytes as received, one stored piece
// at a time ([Store.OpenReport]): it holds at most one piece (1 MB),
// whatever the report's size. A read fails when the bytes read back are
// more or fewer than were stored (the report was deleted, by retention or
// by reading it again, while it was being read).
type RawReport struct {
	// StoredReport is what the store knows of the report; its Raw is
	// nil (the bytes are what Read gives).
	StoredReport
	s     *sqlStore
	ctx   context.Context
	first []byte // a report of one piece: its gzip, read first
	next  int    // the next piece to load from report_chunks
	zr    *gzip.Reader
	in    bool  // zr is reading a piece
	read  int64 // bytes given so far
	err   error // sticky: io.EOF at the end
}

// Read reads the report's next bytes.
func (r *RawReport) Read(p []byte) (int, error) {
	for r.err == nil {
		if !r.in {
			r.err = r.load()
			continue
		}
		n, err := r.zr.Read(p)
		r.read += int64(n)
		if r.read > int64(r.Size) {
			r.err = fmt.Errorf("store: report %d: more bytes read back than the %d stored", r.ID, r.Size)
			return 0, r.err
		}
		if errors.Is(err, io.EOF) {
			r.in, err = false, nil
		}
		if err != nil {
			r.err = fmt.Errorf("store: report %d: %w", r.ID, err)
			return n, r.err
		}
		if n > 0 {
			return n, nil
		}
	}
	return 0, r.err
}

// Close ends the reading; later reads fail.
func (r *RawReport) Close() error {
	if r.err == nil || errors.Is(r.err, io.EOF) {
		r.err = errors.New("store: read of a closed report")
	}
	return nil
}

// load starts reading the next piece: the report's one piece, else the
// next of report_chunks; io.EOF when there is none left.
func (r *RawReport) load() error {
	gz := r.first
	r.first = nil
	if gz == nil {
		err := r.s.db.QueryRowContext(r.ctx, r.s.q(`SELECT data FROM report_chunks WHERE report = ? AND n = ?`), r.ID, r.next).Scan(&gz)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if r.read != int64(r.Size) {
				return fmt.Errorf("store: report %d: %d bytes read back, %d stored", r.ID, r.read, r.Size)
			}
			return io.EOF
		case err != nil:
			return fmt.Errorf("store: report %d: %w", r.ID, err)
		}
		r.next++
	}
	var err error
	if r.zr == nil {
		r.zr, err = gzip.NewReader(bytes.NewReader(gz))
	} else {
		err = r.zr.Reset(bytes.NewReader(gz))
	}
	if err != nil {
		return fmt.Errorf("store: report %d: %w", r.ID, err)
	}
	r.in = true
	return nil
}

func (s *sqlStore) OpenReport(ctx context.Context, id int64) (*RawReport, error) {
	r := &RawReport{s: s, ctx: ctx}
	sr := &r.StoredReport
	var org, rid sql.NullString
	var begin, end, recv int64
	var status string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, org, report_id, domain, begin_unix, end_unix, received_unix, source, status, reason, raw_size, raw FROM reports WHERE id = ?`), id).
		Scan(&sr.ID, &org, &rid, &sr.Domain, &begin, &end, &recv, &sr.Source, &status, &sr.Reason, &sr.Size, &r.first)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: report %d", ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	sr.Org, sr.ReportID, sr.Status = org.String, rid.String, Status(status)
	sr.Begin, sr.End, sr.Received = time.Unix(begin, 0).UTC(), time.Unix(end, 0).UTC(), time.Unix(recv, 0).UTC()
	// A report of one piece is in raw (gzip); one of several has raw
	// empty, and its pieces (each gzip) in report_chunks.
	if len(r.first) == 0 {
		r.first = nil
	}
	return r, nil
}

func (s *sqlStore) Report(ctx context.Context, id int64) (*StoredReport, error) {
	r, err := s.OpenReport(ctx, id)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	sr := r.StoredReport
	// One more byte than stored is room for RawReport to say so.
	buf := bytes.NewBuffer(make([]byte, 0, sr.Size+1))
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	sr.Raw = buf.Bytes()
	return &sr, nil
}
