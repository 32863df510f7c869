package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// openPostgres opens one pool for reads and writes and returns the key under
// which Stores on the same database share in-process state. Every session
// of the pool runs with the configured statement and idle-in-transaction
// timeouts, unless the address sets them itself.
func (s *Store) openPostgres(ctx context.Context) (string, error) {
	where := Redacted(s.dsn.URL)
	pc, err := pgx.ParseConfig(s.dsn.URL)
	if err != nil {
		return "", fmt.Errorf("store %s: %w", where, ErrBadDSN)
	}
	setDefaultParam(pc.RuntimeParams, "statement_timeout", s.cfg.StatementTimeout)
	setDefaultParam(pc.RuntimeParams, "idle_in_transaction_session_timeout", s.cfg.IdleInTxTimeout)
	db := stdlib.OpenDB(*pc)
	db.SetMaxOpenConns(s.cfg.MaxConns)
	// Subscriptions, the committer and the monitor take connections at
	// the same moments; with Go's default of two idle ones kept, the
	// others were closed and opened again hundreds of times a minute.
	db.SetMaxIdleConns(pgIdleConns)
	db.SetConnMaxIdleTime(pgConnIdleTime)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return "", fmt.Errorf("store %s: %w", where, err)
	}
	s.writer, s.reader = db, db
	return "postgres:" + s.dsn.URL, nil
}

// pgIdleConns are the idle connections the pool keeps, each for at most
// pgConnIdleTime.
const (
	pgIdleConns    = 16
	pgConnIdleTime = time.Minute
)

// asyncCommit makes a PostgreSQL transaction commit without waiting for
// its log to be flushed (see InTxReplayable).
const asyncCommit = "SET LOCAL synchronous_commit TO OFF"

// syncCommit undoes asyncCommit for the rest of a group's transaction
// once a request that is not replayable joins it.
const syncCommit = "SET LOCAL synchronous_commit TO DEFAULT"

// setDefaultParam sets a session parameter given in milliseconds, unless
// params has it already.
func setDefaultParam(params map[string]string, name string, d time.Duration) {
	if _, ok := params[name]; !ok {
		params[name] = strconv.FormatInt(d.Milliseconds(), 10)
	}
}
