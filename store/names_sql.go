package store

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"
)

// The reading of the reports for new source addresses.
const (
	// namesScanStep is how many report IDs one transaction reads, so that
	// a long backlog never holds the database's write lock for long.
	namesScanStep = 1000
	// namesScanOverlap is how many report IDs before where it stopped a
	// scan reads again on PostgreSQL, where a report's ID is drawn before
	// its transaction commits: one that commits after a later one is seen
	// on the next scan. SQLite's writers take turns, and its IDs come in
	// the order of their commits.
	namesScanOverlap = 1000
	// namesPerStatement is how many addresses one statement carries.
	namesPerStatement = 200
)

func (s *sqlStore) ClaimNames(ctx context.Context, o NameOptions) ([]netip.Addr, error) {
	o = o.defaults()
	if err := s.scanNames(ctx); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: reverse names: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if s.dialect == dialectPostgres {
		// Claims take turns, as SQLite's writers do: the next one reads
		// after the last one's leases committed. Skipping locked rows
		// instead would pass over the rows a scan is still writing, and a
		// claim would come back short with sources due.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(2931)`); err != nil {
			return nil, fmt.Errorf("store: reverse names: %w", err)
		}
	}
	now := o.Now.Unix()
	seen := day(o.Now.Add(-o.MaxAge))
	// Never looked up, newest first; then temporary failures; then names
	// (and their absence) grown old, of sources still sending.
	queries := []struct {
		q    string
		args []any
	}{
		{`SELECT ip FROM source_names WHERE result = '' AND lease_unix <= ? ORDER BY seen_day DESC, ip LIMIT ?`, []any{now}},
		{`SELECT ip FROM source_names WHERE result = ? AND looked_unix <= ? AND seen_day >= ? AND lease_unix <= ? ORDER BY looked_unix, ip LIMIT ?`,
			[]any{string(NameTempError), o.Now.Add(-o.RetryAfter).Unix(), seen, now}},
		{`SELECT ip FROM source_names WHERE result IN (?, ?, ?) AND looked_unix <= ? AND seen_day >= ? AND lease_unix <= ? ORDER BY looked_unix, ip LIMIT ?`,
			[]any{string(NamePass), string(NameFail), string(NamePermError), o.Now.Add(-o.MaxAge).Unix(), seen, now}},
	}
	var ips []netip.Addr
	var texts []any
	for _, q := range queries {
		left := o.Max - len(ips)
		if left <= 0 {
			break
		}
		rows, err := tx.QueryContext(ctx, s.q(q.q), append(q.args, left)...)
		if err != nil {
			return nil, fmt.Errorf("store: reverse names: %w", err)
		}
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: reverse names: %w", err)
			}
			ip, err := netip.ParseAddr(t)
			if err != nil {
				// Not an address (a report's odd source_ip): nothing to
				// look up, ever.
				continue
			}
			ips = append(ips, ip)
			texts = append(texts, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: reverse names: %w", err)
		}
	}
	until := o.Now.Add(o.lease()).Unix()
	for start := 0; start < len(texts); start += namesPerStatement {
		chunk := texts[start:min(start+namesPerStatement, len(texts))]
		q := `UPDATE source_names SET lease_unix = ? WHERE ip IN (` + placeholders(len(chunk)) + `)`
		if _, err := tx.ExecContext(ctx, s.q(q), append([]any{until}, chunk...)...); err != nil {
			return nil, fmt.Errorf("store: reverse names: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: reverse names: %w", err)
	}
	return ips, nil
}

// scanNames adds the source addresses of the reports stored since the
// last scan to source_names, and notes the last day each was seen: one
// short transaction per namesScanStep reports, locking the rows in the
// addresses' order, as every writer of source_names does, so that two
// processes scanning at once never deadlock.
func (s *sqlStore) scanNames(ctx context.Context) error {
	var last, cursor int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM reports`).Scan(&last); err != nil {
		return fmt.Errorf("store: reverse names: %w", err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT report FROM source_names_scan WHERE id = 1`).Scan(&cursor); err != nil {
		return fmt.Errorf("store: reverse names: %w", err)
	}
	if last < cursor {
		// Every report past the cursor was deleted, and SQLite numbers
		// the next ones from the highest left: read them all again.
		cursor = 0
	}
	from := cursor
	if s.dialect == dialectPostgres {
		from = max(0, cursor-namesScanOverlap)
	}
	for from < last {
		to := min(from+namesScanStep, last)
		if err := s.scanNamesStep(ctx, from, to); err != nil {
			return err
		}
		from = to
	}
	return nil
}

// scanNamesStep reads the reports (from, to] for source addresses, and
// moves the cursor to to, in one transaction.
func (s *sqlStore) scanNamesStep(ctx context.Context, from, to int64) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: reverse names: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	// Only the addresses that are new or seen on a later day are written:
	// PostgreSQL locks every row an upsert meets, even one it leaves as it
	// was, and a scan reads its last reports again (namesScanOverlap).
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO source_names (ip, seen_day)
		SELECT x.ip, x.d FROM (SELECT rr.source_ip AS ip, MAX(r.day) AS d FROM report_rows rr JOIN reports r ON r.id = rr.report
			WHERE rr.report > ? AND rr.report <= ? GROUP BY rr.source_ip) x
		LEFT JOIN source_names sn ON sn.ip = x.ip
		WHERE sn.ip IS NULL OR sn.seen_day < x.d ORDER BY x.ip
		ON CONFLICT (ip) DO UPDATE SET seen_day = CASE WHEN excluded.seen_day > source_names.seen_day THEN excluded.seen_day ELSE source_names.seen_day END`), from, to)
	if err != nil {
		return fmt.Errorf("store: reverse names: reading the reports: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE source_names_scan SET report = ? WHERE id = 1 AND report < ?`), to, to); err != nil {
		return fmt.Errorf("store: reverse names: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: reverse names: %w", err)
	}
	return nil
}

func (s *sqlStore) SetNames(ctx context.Context, names []SourceName) error {
	// One row per address (the last given), in order: a statement never
	// updates a row twice, and two writers lock rows in the same order.
	last := make(map[netip.Addr]SourceName, len(names))
	for _, n := range names {
		last[n.IP] = n
	}
	names = make([]SourceName, 0, len(last))
	for _, n := range last {
		names = append(names, n)
	}
	sortNames(names)
	if len(names) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: reverse names: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	for start := 0; start < len(names); start += namesPerStatement {
		chunk := names[start:min(start+namesPerStatement, len(names))]
		var b strings.Builder
		b.WriteString(`INSERT INTO source_names (ip, result, name, reason, looked_unix, lease_unix) VALUES `)
		args := make([]any, 0, 5*len(chunk))
		for i, n := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, 0)")
			name := ""
			if n.Result == NamePass {
				name = n.Name
			}
			at := n.At
			if at.IsZero() {
				at = s.now()
			}
			args = append(args, n.IP.String(), string(n.Result), name, truncate(n.Reason, 500), at.Unix())
		}
		// A temporary failure keeps the name an earlier look-up
		// confirmed: DNS that fails for an hour takes no name away.
		b.WriteString(` ON CONFLICT (ip) DO UPDATE SET result = excluded.result,
			name = CASE WHEN excluded.result = 'temperror' THEN source_names.name ELSE excluded.name END,
			reason = excluded.reason, looked_unix = excluded.looked_unix, lease_unix = 0`)
		if _, err := tx.ExecContext(ctx, s.q(b.String()), args...); err != nil {
			return fmt.Errorf("store: reverse names: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: reverse names: %w", err)
	}
	return nil
}

func (s *sqlStore) Names(ctx context.Context, ips []netip.Addr) ([]SourceName, error) {
	var out []SourceName
	for start := 0; start < len(ips); start += namesPerStatement {
		chunk := ips[start:min(start+namesPerStatement, len(ips))]
		args := make([]any, len(chunk))
		for i, ip := range chunk {
			args[i] = ip.String()
		}
		rows, err := s.db.QueryContext(ctx, s.q(`SELECT ip, result, name, reason, looked_unix FROM source_names WHERE ip IN (`+placeholders(len(chunk))+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("store: reverse names: %w", err)
		}
		for rows.Next() {
			var n SourceName
			var ip, result string
			var at int64
			if err := rows.Scan(&ip, &result, &n.Name, &n.Reason, &at); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: reverse names: %w", err)
			}
			n.IP, _ = netip.ParseAddr(ip)
			n.Result = NameResult(result)
			if at > 0 {
				n.At = time.Unix(at, 0).UTC()
			}
			out = append(out, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: reverse names: %w", err)
		}
	}
	sortNames(out)
	return out, nil
}

// placeholders returns n "?" separated by commas.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// truncate cuts s to at most n bytes, at a character's start.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
