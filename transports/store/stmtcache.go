package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxCachedStatements bounds a statement cache. The store's own queries are
// a few dozen; what varies is the publish INSERT per topic and batch size.
const maxCachedStatements = 512

// stmtCache keeps the prepared statements of one SQLite connection pool, so
// a query is parsed once rather than on every call (parsing was about a
// tenth of the gateway's CPU time). PostgreSQL needs none: pgx caches
// prepared statements per connection itself.
//
// Statements are prepared outside transactions: on SQLite the writer pool
// has one connection, which a transaction holds. A transaction notes the
// queries it ran uncached (see Tx.stmt) and they are prepared once it has
// ended.
type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}}
}

// get returns the prepared statement of query, or nil. A nil cache has
// none.
func (c *stmtCache) get(query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[query]
}

// prepare prepares the queries not cached yet, up to the cache's bound. A
// query that fails to prepare is left uncached; running it reports the
// error.
func (c *stmtCache) prepare(ctx context.Context, queries []string) {
	if c == nil {
		return
	}
	for _, q := range queries {
		c.mu.Lock()
		_, have := c.m[q]
		full := len(c.m) >= maxCachedStatements
		c.mu.Unlock()
		if have || full {
			continue
		}
		st, err := c.db.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, have := c.m[q]; have {
			_ = st.Close()
		} else {
			c.m[q] = st
		}
		c.mu.Unlock()
	}
}

// close closes every cached statement.
func (c *stmtCache) close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for q, st := range c.m {
		errs = append(errs, st.Close())
		delete(c.m, q)
	}
	return errors.Join(errs...)
}

// inTx returns query's cached statement bound to tx, or nil after adding
// query to missed, to be prepared once the transaction has ended.
func (c *stmtCache) inTx(ctx context.Context, tx *sql.Tx, missed *[]string, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	if st := c.get(query); st != nil {
		return tx.StmtContext(ctx, st)
	}
	*missed = append(*missed, query)
	return nil
}

// execCached runs query in tx through the cache's statement when there is
// one, and otherwise as is, adding query to missed.
func (c *stmtCache) execCached(ctx context.Context, tx *sql.Tx, missed *[]string, query string, args ...any) (sql.Result, error) {
	if st := c.inTx(ctx, tx, missed, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, query, args...)
}
