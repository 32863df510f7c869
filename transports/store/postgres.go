package store

import (
	"context"
	"database/sql"
	"fmt"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// openPostgres opens one pool for reads and writes and returns the key under
// which Stores on the same database share in-process state.
func (s *Store) openPostgres(ctx context.Context) (string, error) {
	where := Redacted(s.dsn.URL)
	db, err := sql.Open("pgx", s.dsn.URL)
	if err != nil {
		return "", fmt.Errorf("store %s: %w", where, err)
	}
	db.SetMaxOpenConns(s.cfg.MaxConns)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return "", fmt.Errorf("store %s: %w", where, err)
	}
	s.writer, s.reader = db, db
	return "postgres:" + s.dsn.URL, nil
}

// asyncCommit makes a PostgreSQL transaction commit without waiting for
// its log to be flushed (see InTxReplayable).
const asyncCommit = "SET LOCAL synchronous_commit TO OFF"

// syncCommit undoes asyncCommit for the rest of a group's transaction
// once a request that is not replayable joins it.
const syncCommit = "SET LOCAL synchronous_commit TO DEFAULT"
