package store

import (
	"context"
	"database/sql"
)

// SettingForTest reads a PostgreSQL setting inside the transaction.
func (t *Tx) SettingForTest(name string) (string, error) {
	var v string
	err := t.queryRow("SELECT current_setting('" + name + "')").Scan(&v)
	return v, err
}

// QueuedForTest is how many transactions wait for the committer.
func (s *Store) QueuedForTest() int64 { return s.group.waiting.Load() }

// PragmaForTest reads a SQLite setting on the writer connection.
func (t *Tx) PragmaForTest(name string) (string, error) {
	var v string
	err := t.queryRow("PRAGMA " + name).Scan(&v)
	return v, err
}

// BackendPIDForTest is the PostgreSQL server process of the transaction.
func (t *Tx) BackendPIDForTest() (int64, error) {
	var pid int64
	err := t.queryRow("SELECT pg_backend_pid()").Scan(&pid)
	return pid, err
}

// PoolStatsForTest are the statistics of the store's connection pool.
func (s *Store) PoolStatsForTest() sql.DBStats { return s.writer.Stats() }

// HoldConnForTest takes a connection of the pool, runs fn and gives the
// connection back.
func (s *Store) HoldConnForTest(ctx context.Context, fn func()) error {
	c, err := s.reader.Conn(ctx)
	if err != nil {
		return err
	}
	if err := c.PingContext(ctx); err != nil {
		return err
	}
	fn()
	return c.Close()
}
