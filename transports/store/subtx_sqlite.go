package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
)

// sqliteSubTx is what a SQLite subscription uses as its transaction. A real
// transaction held open while a handler works would need the write lock at
// ack time after other writers moved on, which SQLite refuses
// (SQLITE_BUSY_SNAPSHOT). Instead reads run at once on a reader connection
// and are copied into memory, writes (the ack) are kept and run through the
// writer at Commit, and the consumer group's turn is held from BeginTx until
// Commit or Rollback, as SELECT ... FOR UPDATE does on PostgreSQL.
type sqliteSubTx struct {
	s         *Store
	release   func()
	beforeAck func(context.Context) error // see SubscriberOptions

	keptWrites
}

func (t *sqliteSubTx) QueryContext(ctx context.Context, query string, args ...any) (wsql.Rows, error) {
	t.mu.Lock()
	done := t.done
	t.mu.Unlock()
	if done {
		return nil, sql.ErrTxDone
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Without its cancellation: see Store.inTx.
	return readAll(context.WithoutCancel(ctx), t.s.rstmts, t.s.reader, query, args...)
}

// Commit writes the kept statements in one write transaction and gives the
// group's turn back. It runs under the Store's context, not the
// subscription's, so an ack made just before Close is still recorded.
func (t *sqliteSubTx) Commit() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return sql.ErrTxDone
	}
	t.done = true
	defer t.release()
	if len(t.writes) == 0 {
		return nil
	}
	if t.beforeAck != nil {
		if err := t.beforeAck(t.s.ctx); err != nil {
			return fmt.Errorf("before acknowledging: %w", err)
		}
	}
	var missed []string
	err := t.s.rawTx(t.s.ctx, func(tx *sql.Tx) error {
		for _, q := range t.writes {
			if _, err := t.s.wstmts.execCached(context.Background(), tx, &missed, q.Query, q.Args...); err != nil {
				return err
			}
		}
		return nil
	})
	t.s.wstmts.prepare(t.s.ctx, missed)
	return err
}

// Rollback drops the kept statements and gives the group's turn back.
func (t *sqliteSubTx) Rollback() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return sql.ErrTxDone
	}
	t.done = true
	t.writes = nil
	t.release()
	return nil
}

// keptWrites is the write side of a subscription's transaction that runs
// its statements (the acknowledgement) only at Commit: ExecContext keeps
// them, in order, until the transaction is done.
type keptWrites struct {
	mu     sync.Mutex
	writes []wsql.Query
	done   bool
}

// ExecContext keeps a statement for Commit.
func (k *keptWrites) ExecContext(_ context.Context, query string, args ...any) (wsql.Result, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.done {
		return nil, sql.ErrTxDone
	}
	k.writes = append(k.writes, wsql.Query{Query: query, Args: args})
	return deferredResult{}, nil
}

// deferredResult is the result of a statement that runs at Commit.
type deferredResult struct{}

func (deferredResult) RowsAffected() (int64, error) { return 0, nil }

// readAll runs a query and copies its rows into memory, so no reader
// connection (and no WAL snapshot) stays pinned while handlers work.
func readAll(ctx context.Context, c *stmtCache, db *sql.DB, query string, args ...any) (wsql.Rows, error) {
	var rows *sql.Rows
	var err error
	if st := c.get(query); st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		c.prepare(ctx, []string{query})
		rows, err = db.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return nil, err
	}
	return copyRows(rows)
}

// copyRows copies rows into memory and closes them.
func copyRows(rows *sql.Rows) (*memRows, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var data [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		data = append(data, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return &memRows{data: data, i: -1}, nil
}

// memRows replays rows copied by readAll.
type memRows struct {
	data [][]any
	i    int
}

func (r *memRows) Next() bool {
	r.i++
	return r.i < len(r.data)
}

func (r *memRows) Close() error { return nil }

func (r *memRows) Scan(dest ...any) error {
	if r.i < 0 || r.i >= len(r.data) {
		return sql.ErrNoRows
	}
	row := r.data[r.i]
	if len(dest) != len(row) {
		return fmt.Errorf("scan of %d columns into %d values", len(row), len(dest))
	}
	for i, d := range dest {
		if err := assign(d, row[i]); err != nil {
			return fmt.Errorf("column %d: %w", i+1, err)
		}
	}
	return nil
}

// assign stores a driver value in a Scan destination, for the column types
// of the SQLite adapters.
func assign(dest, src any) error {
	switch d := dest.(type) {
	case *any:
		*d = src
		return nil
	case sql.Scanner:
		return d.Scan(src)
	case *int64:
		if v, ok := src.(int64); ok {
			*d = v
			return nil
		}
	case *[]byte:
		switch v := src.(type) {
		case []byte:
			*d = v
			return nil
		case string:
			*d = []byte(v)
			return nil
		case nil:
			*d = nil
			return nil
		}
	case *string:
		switch v := src.(type) {
		case string:
			*d = v
			return nil
		case []byte:
			*d = string(v)
			return nil
		}
	}
	return fmt.Errorf("cannot store a %T value in a %T", src, dest)
}
