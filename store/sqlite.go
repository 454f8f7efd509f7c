package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, "sqlite"
)

// openSQLite opens the SQLite file at path, creating it if needed: write-
// ahead log (readers never wait for the writer), foreign keys on (a
// report's rows go with it), full sync (a committed report survives a
// crash of the machine, not only of the program), immediate transactions
// (writers take turns at BEGIN, never deadlock half way), temporary files
// in memory (the sub-journal each report's savepoint keeps in a batch), and
// a busy timeout for the processes sharing the file.
func openSQLite(ctx context.Context, path string) (Store, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(30000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(FULL)", "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
	}
	s := &sqlStore{db: db, dialect: dialectSQLite, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
	}
	return s, nil
}
