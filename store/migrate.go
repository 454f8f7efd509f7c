package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// The schema's migrations, one file per version: migrations/<dialect>/
// NNNN_name.sql, numbered from 1 without gaps. Each is applied once, in
// its own transaction with the row that records it.
//
//go:embed migrations
var migrations embed.FS

// migration is one step of the schema.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns a dialect's migrations in order.
func loadMigrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("store: migration %s: not named NNNN_name.sql", e.Name())
		}
		b, err := fs.ReadFile(migrations, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migration %s: expected version %d", m.name, i+1)
		}
	}
	return out, nil
}

// SchemaVersion is the schema version this program writes: the number of
// its migrations.
const SchemaVersion = 4

// migrate brings the database to the program's schema, one migration
// per transaction. Several processes opening one store at once take
// turns: PostgreSQL's advisory lock, SQLite's immediate transactions.
func (s *sqlStore) migrate(ctx context.Context) error {
	ms, err := loadMigrations(s.dialect)
	if err != nil {
		return err
	}
	if len(ms) != SchemaVersion {
		return fmt.Errorf("store: %d migrations embedded for %s, SchemaVersion is %d", len(ms), s.dialect, SchemaVersion)
	}
	for {
		done, err := s.migrateOne(ctx, ms)
		if err != nil || done {
			return err
		}
	}
}

// migrateOne applies the next migration, if any, in one transaction.
func (s *sqlStore) migrateOne(ctx context.Context, ms []migration) (done bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if s.dialect == dialectPostgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(2929)`); err != nil {
			return false, err
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_unix BIGINT NOT NULL)`); err != nil {
		return false, fmt.Errorf("store: schema_version: %w", err)
	}
	var have sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_version`).Scan(&have); err != nil {
		return false, fmt.Errorf("store: schema_version: %w", err)
	}
	v := int(have.Int64)
	switch {
	case v > len(ms):
		return false, fmt.Errorf("%w: the store is at version %d, this program knows up to %d", ErrSchemaNewer, v, len(ms))
	case v == len(ms):
		return true, tx.Rollback()
	}
	m := ms[v]
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, fmt.Errorf("store: migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_version (version, applied_unix) VALUES (?, ?)`), m.version, s.now().Unix()); err != nil {
		return false, fmt.Errorf("store: migration %s: %w", m.name, err)
	}
	return false, tx.Commit()
}
