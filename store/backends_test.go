package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// backend is one database the suite runs on.
type backend struct {
	name string
	// open returns the DSN of a new, empty store, removed when the test
	// ends.
	dsn func(t testing.TB) string
}

// backends returns SQLite always, and PostgreSQL when DOMAINAUTH_POSTGRES
// holds a server's DSN (.ci/postgres starts one). With
// DOMAINAUTH_REQUIRE_POSTGRES=1 (as .ci/run sets) a missing server fails
// the test instead.
func backends(t testing.TB) []backend {
	bs := []backend{{name: "sqlite", dsn: func(t testing.TB) string {
		return filepath.Join(t.TempDir(), "store.db")
	}}}
	dsn := os.Getenv("DOMAINAUTH_POSTGRES")
	if dsn == "" {
		if os.Getenv("DOMAINAUTH_REQUIRE_POSTGRES") == "1" {
			t.Fatal("DOMAINAUTH_REQUIRE_POSTGRES=1 but DOMAINAUTH_POSTGRES is empty: start a server with .ci/postgres")
		}
		t.Log("PostgreSQL not tested: DOMAINAUTH_POSTGRES is not set (.ci/postgres starts a server)")
		return bs
	}
	return append(bs, backend{name: "postgres", dsn: func(t testing.TB) string { return pgSchema(t, dsn) }})
}

// pgSchema makes a schema of its own for one test, and returns a DSN whose
// search_path is that schema.
func pgSchema(t testing.TB, dsn string) string {
	t.Helper()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("PostgreSQL at DOMAINAUTH_POSTGRES: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// each runs f on every backend, with a new store.
func each(t *testing.T, f func(t *testing.T, dsn string, s Store)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			dsn := b.dsn(t)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			s, err := Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			f(t, dsn, s)
		})
	}
}

// openAgain opens the store at dsn a second time, as another process
// would (a pool of connections of its own), closed when the test ends.
func openAgain(t testing.TB, dsn string) Store {
	t.Helper()
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
