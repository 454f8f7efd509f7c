package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/feedback"
)

// The SQL dialects.
const (
	dialectSQLite   = "sqlite"
	dialectPostgres = "postgres"
)

// sqlStore is the store on a database/sql database; the SQL that differs
// between SQLite and PostgreSQL is in the migrations and in q.
type sqlStore struct {
	db      *sql.DB
	dialect string
	now     func() time.Time
	// gzips are gzip writers to reuse: a new one costs most of a
	// report's allocations.
	gzips sync.Pool
	// stmts are the statements of AddReport, prepared once per query
	// text (database/sql then prepares each once per connection).
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// maxStmts bounds the prepared statements kept.
const maxStmts = 256

// stmt returns query (with ? placeholders) as a statement of tx,
// prepared once per store and connection; past maxStmts queries, nil.
func (s *sqlStore) stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stmts[query]
	if st == nil {
		if len(s.stmts) >= maxStmts {
			return nil, nil
		}
		var err error
		if st, err = s.db.PrepareContext(ctx, s.q(query)); err != nil {
			return nil, err
		}
		if s.stmts == nil {
			s.stmts = map[string]*sql.Stmt{}
		}
		s.stmts[query] = st
	}
	return tx.StmtContext(ctx, st), nil
}

// exec runs a query of AddReport in tx, through a prepared statement.
func (s *sqlStore) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		return err
	}
	if st == nil {
		_, err = tx.ExecContext(ctx, s.q(query), args...)
		return err
	}
	_, err = st.ExecContext(ctx, args...)
	return err
}

// queryRow runs a query of AddReport in tx, through a prepared statement.
func (s *sqlStore) queryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	st, err := s.stmt(ctx, tx, query)
	if err != nil || st == nil {
		return tx.QueryRowContext(ctx, s.q(query), args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// q rewrites a query's ? placeholders as PostgreSQL's $1, $2, ...
func (s *sqlStore) q(query string) string {
	if s.dialect != dialectPostgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (s *sqlStore) Close() error {
	s.mu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
	s.mu.Unlock()
	return s.db.Close()
}

func (s *sqlStore) Version(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_version`).Scan(&v)
	return int(v.Int64), err
}

// compress returns raw gzip-compressed.
func (s *sqlStore) compress(raw []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, _ := s.gzips.Get().(*gzip.Writer)
	if zw == nil {
		zw, _ = gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	} else {
		zw.Reset(&buf)
	}
	defer s.gzips.Put(zw)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// nullable returns nil for "", so that reports without an organization or
// ID are not unique on them.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// rowAuth is the raw results and override reasons of a row, stored as
// JSON beside it.
type rowAuth struct {
	DKIM      []feedback.AuthResult     `json:"dkim,omitempty"`
	SPF       []feedback.AuthResult     `json:"spf,omitempty"`
	Overrides []feedback.OverrideReason `json:"overrides,omitempty"`
}

// KindOf classifies a row's source by what the report says alone: its
// mail passed DMARC (aligned), SPF or DKIM passed for some other domain
// (unaligned), or nothing passed (unauthenticated). Telling the vendor's
// and the domain's declared services apart takes DNS: see
// [Received.Sources].
func KindOf(row feedback.ReportRow) feedback.SourceKind {
	if row.Passed() {
		return feedback.SourceAligned
	}
	for _, r := range append(append([]feedback.AuthResult(nil), row.DKIM...), row.SPF...) {
		if r.Result == "pass" {
			return feedback.SourceUnaligned
		}
	}
	return feedback.SourceUnauthenticated
}

// kindRank orders kinds from the most to the least telling, so that a
// source's daily kind is the most telling one seen.
func kindRank(k feedback.SourceKind) int {
	switch k {
	case feedback.SourceVendor:
		return 5
	case feedback.SourceService:
		return 4
	case feedback.SourceAligned:
		return 3
	case feedback.SourceUnaligned:
		return 2
	case feedback.SourceUnauthenticated:
		return 1
	}
	return 0
}

// addRow adds one row's messages to its source's sums; the kind is the
// most telling one seen, the host the last one given.
func addRow(d *DaySource, row feedback.ReportRow, kind feedback.SourceKind, host string) {
	n := row.Count
	d.Messages += n
	if row.Passed() {
		d.Passed += n
	}
	if row.SPFAligned {
		d.SPFAligned += n
	}
	if row.DKIMAligned {
		d.DKIMAligned += n
	}
	if hasPass(row.SPF) {
		d.SPFPass += n
	}
	if hasPass(row.DKIM) {
		d.DKIMPass += n
	}
	switch row.Disposition {
	case dmarc.PolicyQuarantine:
		d.Quarantine += n
	case dmarc.PolicyReject:
		d.Reject += n
	default:
		d.None += n
	}
	arc := false
	for _, o := range row.Reasons {
		switch o.Type {
		case "forwarded":
			d.Overrides.Forwarded += n
		case "local_policy":
			d.Overrides.LocalPolicy += n
		case "mailing_list":
			d.Overrides.MailingList += n
		case "sampled_out":
			d.Overrides.SampledOut += n
		case "trusted_forwarder":
			d.Overrides.TrustedForwarder += n
		default:
			d.Overrides.Other += n
		}
		arc = arc || strings.Contains(strings.ToLower(o.Comment), "arc=pass")
	}
	if arc {
		d.Overrides.ARC += n
	}
	if kindRank(kind) > kindRank(d.Kind) {
		d.Kind = kind
	}
	if host != "" {
		d.Host = host
	}
}

func hasPass(rs []feedback.AuthResult) bool {
	for _, r := range rs {
		if r.Result == "pass" {
			return true
		}
	}
	return false
}

func (s *sqlStore) Unreadable(ctx context.Context, limit int) ([]StoredReport, error) {
	return s.unreadable(ctx, `SELECT id, received_unix, source, reason, raw_size FROM reports WHERE status = ? ORDER BY received_unix DESC, id DESC LIMIT ?`, string(StatusUnreadable), limit)
}

// unreadable lists the unreadable reports a query selects (their id,
// received_unix, source, reason and raw_size), without their bytes.
func (s *sqlStore) unreadable(ctx context.Context, query string, args ...any) ([]StoredReport, error) {
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []StoredReport
	for rows.Next() {
		var sr StoredReport
		var recv int64
		if err := rows.Scan(&sr.ID, &recv, &sr.Source, &sr.Reason, &sr.Size); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		sr.Received, sr.Status = time.Unix(recv, 0).UTC(), StatusUnreadable
		out = append(out, sr)
	}
	return out, rows.Err()
}

func (s *sqlStore) Days(ctx context.Context, domain string, from, to time.Time) ([]DaySource, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT day, source_ip, messages, dmarc_pass, spf_aligned, dkim_aligned, spf_pass, dkim_pass,
		disp_none, disp_quarantine, disp_reject, ovr_forwarded, ovr_local, ovr_list, ovr_sampled, ovr_trusted, ovr_other, ovr_arc, kind, `+hostSQL+`
		FROM daily d `+namesJoinSQL+` WHERE domain = ? AND day BETWEEN ? AND ? ORDER BY day, source_ip`), strings.ToLower(domain), day(from), day(to))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []DaySource
	for rows.Next() {
		var d DaySource
		var dn int64
		var ip, kind string
		o := &d.Overrides
		if err := rows.Scan(&dn, &ip, &d.Messages, &d.Passed, &d.SPFAligned, &d.DKIMAligned, &d.SPFPass, &d.DKIMPass,
			&d.None, &d.Quarantine, &d.Reject, &o.Forwarded, &o.LocalPolicy, &o.MailingList, &o.SampledOut, &o.TrustedForwarder, &o.Other, &o.ARC, &kind, &d.Host); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		d.Domain, d.Day, d.Kind = strings.ToLower(domain), dayTime(dn), feedback.SourceKind(kind)
		d.IP, _ = netip.ParseAddr(ip)
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *sqlStore) Totals(ctx context.Context, domain string, from, to time.Time) ([]DaySource, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT source_ip, SUM(messages), SUM(dmarc_pass), SUM(spf_aligned), SUM(dkim_aligned), SUM(spf_pass), SUM(dkim_pass),
		SUM(disp_none), SUM(disp_quarantine), SUM(disp_reject), SUM(ovr_forwarded), SUM(ovr_local), SUM(ovr_list), SUM(ovr_sampled), SUM(ovr_trusted), SUM(ovr_other), SUM(ovr_arc),
		MAX(`+kindRankSQL("kind")+`), MAX(`+hostSQL+`)
		FROM daily d `+namesJoinSQL+` WHERE domain = ? AND day BETWEEN ? AND ? GROUP BY source_ip ORDER BY source_ip`), strings.ToLower(domain), day(from), day(to))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []DaySource
	for rows.Next() {
		var d DaySource
		var ip string
		var rank int
		o := &d.Overrides
		if err := rows.Scan(&ip, &d.Messages, &d.Passed, &d.SPFAligned, &d.DKIMAligned, &d.SPFPass, &d.DKIMPass,
			&d.None, &d.Quarantine, &d.Reject, &o.Forwarded, &o.LocalPolicy, &o.MailingList, &o.SampledOut, &o.TrustedForwarder, &o.Other, &o.ARC, &rank, &d.Host); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		d.Domain, d.Kind = strings.ToLower(domain), kindOfRank(rank)
		d.IP, _ = netip.ParseAddr(ip)
		out = append(out, d)
	}
	return out, rows.Err()
}

// A source's name in the daily sums: its forward-confirmed reverse name
// where the store has looked one up (source_names keeps a name only for
// a look-up that confirmed it, and through a later temporary failure),
// else the host written at ingest.
const (
	namesJoinSQL = `LEFT JOIN source_names sn ON sn.ip = d.source_ip`
	hostSQL      = `COALESCE(NULLIF(sn.name, ''), d.host)`
)

// kindRankSQL is kindRank of a column, in SQL.
func kindRankSQL(col string) string {
	return "(CASE " + col + " WHEN 'vendor' THEN 5 WHEN 'service' THEN 4 WHEN 'aligned' THEN 3 WHEN 'unaligned' THEN 2 WHEN 'unauthenticated' THEN 1 ELSE 0 END)"
}

// kindOfRank is the source kind of a kindRank.
func kindOfRank(rank int) feedback.SourceKind {
	for _, k := range []feedback.SourceKind{feedback.SourceUnauthenticated, feedback.SourceUnaligned, feedback.SourceAligned, feedback.SourceService, feedback.SourceVendor} {
		if kindRank(k) == rank {
			return k
		}
	}
	return ""
}

func (s *sqlStore) Receivers(ctx context.Context, domain string, from, to time.Time) ([]DayReceiver, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT day, org, reports FROM daily_receivers WHERE domain = ? AND day BETWEEN ? AND ? ORDER BY day, org`), strings.ToLower(domain), day(from), day(to))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []DayReceiver
	for rows.Next() {
		var r DayReceiver
		var dn int64
		if err := rows.Scan(&dn, &r.Org, &r.Reports); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		r.Day = dayTime(dn)
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *sqlStore) AddCheck(ctx context.Context, c Check) error {
	at := c.At
	if at.IsZero() {
		at = s.now()
	}
	recs, err := json.Marshal(orEmpty(c.Records))
	if err != nil {
		return err
	}
	p := c.Plan
	if len(p) == 0 {
		p = []byte("null")
	}
	policy := string(c.Policy)
	if c.Partial {
		policy += "/partial"
	}
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO checks (domain, checked_unix, status, policy, records, plan) VALUES (?, ?, ?, ?, ?, ?)`),
		strings.ToLower(c.Domain), at.Unix(), c.Status, policy, string(recs), string(p))
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s *sqlStore) Checks(ctx context.Context, domain string, since time.Time) ([]Check, error) {
	return s.checks(ctx, domain, `SELECT checked_unix, status, policy, records, plan FROM checks WHERE domain = ? AND checked_unix >= ? ORDER BY checked_unix, id`, strings.ToLower(domain), since.Unix())
}

func (s *sqlStore) LastCheck(ctx context.Context, domain string) (*Check, error) {
	cs, err := s.checks(ctx, domain, `SELECT checked_unix, status, policy, records, plan FROM checks WHERE domain = ? ORDER BY checked_unix DESC, id DESC LIMIT 1`, strings.ToLower(domain))
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	return &cs[0], nil
}

func (s *sqlStore) checks(ctx context.Context, domain, query string, args ...any) ([]Check, error) {
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []Check
	for rows.Next() {
		var c Check
		var at int64
		var policy, recs, p string
		if err := rows.Scan(&at, &c.Status, &policy, &recs, &p); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		c.Domain, c.At = strings.ToLower(domain), time.Unix(at, 0).UTC()
		pol, partial := strings.CutSuffix(policy, "/partial")
		c.Policy, c.Partial = dmarc.Policy(pol), partial
		if err := json.Unmarshal([]byte(recs), &c.Records); err != nil {
			return nil, fmt.Errorf("store: check of %s at %d: records: %w", domain, at, err)
		}
		if p != "null" {
			c.Plan = []byte(p)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *sqlStore) SetDomains(ctx context.Context, domains []string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `DELETE FROM domains`); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	now := s.now().Unix()
	for _, d := range domains {
		d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
		if d == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO domains (domain, added_unix) VALUES (?, ?) ON CONFLICT DO NOTHING`), d, now); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	return tx.Commit()
}

func (s *sqlStore) Domains(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT domain FROM domains ORDER BY domain`)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *sqlStore) Prune(ctx context.Context, now time.Time, r Retention) (Pruned, error) {
	var p Pruned
	del := func(n *int, query string, arg int64) error {
		res, err := s.db.ExecContext(ctx, s.q(query), arg)
		if err != nil {
			return fmt.Errorf("store: prune: %w", err)
		}
		m, _ := res.RowsAffected()
		*n += int(m)
		return nil
	}
	if r.Reports > 0 {
		// Rows go with their report (ON DELETE CASCADE).
		if err := del(&p.Reports, `DELETE FROM reports WHERE received_unix < ?`, now.Add(-r.Reports).Unix()); err != nil {
			return p, err
		}
	}
	if r.Days > 0 {
		cut := day(now.Add(-r.Days))
		if err := del(&p.Days, `DELETE FROM daily WHERE day < ?`, cut); err != nil {
			return p, err
		}
		var ignored int
		if err := del(&ignored, `DELETE FROM daily_receivers WHERE day < ?`, cut); err != nil {
			return p, err
		}
		if err := del(&ignored, `DELETE FROM source_names WHERE seen_day < ?`, cut); err != nil {
			return p, err
		}
	}
	if r.Checks > 0 {
		if err := del(&p.Checks, `DELETE FROM checks WHERE checked_unix < ?`, now.Add(-r.Checks).Unix()); err != nil {
			return p, err
		}
	}
	return p, nil
}

// addSums adds sums to the daily table, many sources to a statement. The
// kind kept is the most telling one seen (see kindRank), the host the last
// one given.
func (s *sqlStore) addSums(ctx context.Context, tx *sql.Tx, srcs []DaySource) error {
	const per = 40
	for start := 0; start < len(srcs); start += per {
		end := min(start+per, len(srcs))
		var b strings.Builder
		b.WriteString(`INSERT INTO daily (domain, day, source_ip, messages, dmarc_pass, spf_aligned, dkim_aligned, spf_pass, dkim_pass,
			disp_none, disp_quarantine, disp_reject, ovr_forwarded, ovr_local, ovr_list, ovr_sampled, ovr_trusted, ovr_other, ovr_arc, kind, host) VALUES `)
		args := make([]any, 0, 21*(end-start))
		for i, src := range srcs[start:end] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			o := src.Overrides
			args = append(args, src.Domain, day(src.Day), src.IP.String(), src.Messages, src.Passed, src.SPFAligned, src.DKIMAligned, src.SPFPass, src.DKIMPass,
				src.None, src.Quarantine, src.Reject, o.Forwarded, o.LocalPolicy, o.MailingList, o.SampledOut, o.TrustedForwarder, o.Other, o.ARC,
				string(src.Kind), src.Host)
		}
		b.WriteString(` ON CONFLICT (domain, day, source_ip) DO UPDATE SET
			messages = daily.messages + excluded.messages, dmarc_pass = daily.dmarc_pass + excluded.dmarc_pass,
			spf_aligned = daily.spf_aligned + excluded.spf_aligned, dkim_aligned = daily.dkim_aligned + excluded.dkim_aligned,
			spf_pass = daily.spf_pass + excluded.spf_pass, dkim_pass = daily.dkim_pass + excluded.dkim_pass,
			disp_none = daily.disp_none + excluded.disp_none, disp_quarantine = daily.disp_quarantine + excluded.disp_quarantine,
			disp_reject = daily.disp_reject + excluded.disp_reject, ovr_forwarded = daily.ovr_forwarded + excluded.ovr_forwarded,
			ovr_local = daily.ovr_local + excluded.ovr_local, ovr_list = daily.ovr_list + excluded.ovr_list,
			ovr_sampled = daily.ovr_sampled + excluded.ovr_sampled, ovr_trusted = daily.ovr_trusted + excluded.ovr_trusted,
			ovr_other = daily.ovr_other + excluded.ovr_other, ovr_arc = daily.ovr_arc + excluded.ovr_arc,
			kind = CASE WHEN ` + kindRankSQL("excluded.kind") + ` > ` + kindRankSQL("daily.kind") + ` THEN excluded.kind ELSE daily.kind END,
			host = CASE WHEN excluded.host <> '' THEN excluded.host ELSE daily.host END`)
		if err := s.exec(ctx, tx, b.String(), args...); err != nil {
			return fmt.Errorf("store: daily sums: %w", err)
		}
	}
	return nil
}
