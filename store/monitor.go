package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

func (s *sqlStore) Schedule(ctx context.Context, domains []string, now time.Time) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	for _, d := range domains {
		d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
		if d == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO monitor (domain, due_unix) VALUES (?, ?) ON CONFLICT DO NOTHING`), d, now.Unix()); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	return tx.Commit()
}

func (s *sqlStore) Claim(ctx context.Context, owner string, n int, now time.Time, lease time.Duration) ([]string, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	lock := ""
	if s.dialect == dialectPostgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	rows, err := tx.QueryContext(ctx, s.q(`SELECT domain FROM monitor WHERE due_unix <= ? AND lease_unix <= ? ORDER BY due_unix, domain LIMIT ?`+lock), now.Unix(), now.Unix(), n)
	if err != nil {
		return nil, fmt.Errorf("store: claim: %w", err)
	}
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: claim: %w", err)
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claim: %w", err)
	}
	for _, d := range out {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE monitor SET owner = ?, lease_unix = ? WHERE domain = ?`), owner, now.Add(lease).Unix(), d); err != nil {
			return nil, fmt.Errorf("store: claim: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: claim: %w", err)
	}
	return out, nil
}

func (s *sqlStore) Done(ctx context.Context, owner, domain string, next time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE monitor SET due_unix = ?, owner = '', lease_unix = 0 WHERE domain = ? AND owner = ?`), next.Unix(), domain, owner)
	if err != nil {
		return false, fmt.Errorf("store: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
