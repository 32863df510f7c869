package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// wtx is the group committer's transaction as its requests use it. On
// PostgreSQL each statement is a round trip on one connection, so
// statements whose outcome no caller reads before the end of its work (a
// row inserted, a message published, a savepoint) wait in queued and go
// with the next statement that needs an answer, or with the flush at the
// end of a request, as one pipelined batch. On SQLite, where a statement
// costs no round trip, they run at once.
type wtx struct {
	*sql.Tx
	conn   *sql.Conn // PostgreSQL: the connection tx runs on; nil on SQLite
	queued []queued
	sent   int // batches sent so far
}

// queued is one statement waiting for the next batch: the query as the
// backend takes it, its arguments and, for a read sent ahead, what takes
// its answer.
type queued struct {
	query string
	args  []any
	read  func(row)
}

// batched reports whether statements wait for a batch (PostgreSQL).
func (w *wtx) batched() bool { return w.conn != nil }

// later runs query now on SQLite and queues it on PostgreSQL; a queued
// statement's error comes with the batch that carries it.
func (w *wtx) later(ctx context.Context, query string, args ...any) error {
	if !w.batched() {
		_, err := w.ExecContext(ctx, query, args...)
		return err
	}
	w.queued = append(w.queued, queued{query: query, args: args})
	return nil
}

// ahead queues a read on PostgreSQL whose row read takes when the next
// batch is sent. On SQLite it does nothing.
func (w *wtx) ahead(query string, args []any, read func(row)) {
	if w.batched() {
		w.queued = append(w.queued, queued{query: query, args: args, read: read})
	}
}

// flush sends what is queued, if anything.
func (w *wtx) flush(ctx context.Context) error {
	if len(w.queued) == 0 {
		return nil
	}
	return w.send(ctx, "", nil, nil)
}

// discard drops the queued statements from index from on.
func (w *wtx) discard(from int) { w.queued = w.queued[:from] }

// send sends the queued statements and then query (if not empty) as one
// batch on PostgreSQL; last reads query's results while the batch is
// open. The error is the first statement's that failed: PostgreSQL skips
// the rest of a batch after a failure.
func (w *wtx) send(ctx context.Context, query string, args []any, last func(pgx.BatchResults) error) error {
	b := &pgx.Batch{}
	for _, q := range w.queued {
		b.Queue(q.query, q.args...)
	}
	if query != "" {
		b.Queue(query, args...)
	}
	qs := w.queued
	w.queued = nil
	w.sent++
	return w.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: connection of %T, not pgx", dc)
		}
		br := c.Conn().SendBatch(ctx, b)
		var first error
		for _, q := range qs {
			if q.read != nil {
				q.read(br.QueryRow())
				continue
			}
			if _, err := br.Exec(); err != nil && first == nil {
				first = err
			}
		}
		if query != "" && first == nil {
			first = last(br)
		}
		return errors.Join(first, br.Close())
	})
}

// exec runs query after what is queued and returns its result.
func (w *wtx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if !w.batched() {
		return w.ExecContext(ctx, query, args...)
	}
	var n int64
	err := w.send(ctx, query, args, func(br pgx.BatchResults) error {
		tag, err := br.Exec()
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return nil, err
	}
	return rowsAffected(n), nil
}

// eachRow runs query after what is queued and calls fn for each row of its
// answer.
func (w *wtx) eachRow(ctx context.Context, query string, args []any, fn func(row) error) error {
	if !w.batched() {
		rows, err := w.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		return readRows(rows, fn)
	}
	return w.send(ctx, query, args, func(br pgx.BatchResults) error {
		rows, err := br.Query()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := fn(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// readRows calls fn for each of rows and closes them.
func readRows(rows *sql.Rows, fn func(row) error) error {
	for rows.Next() {
		if err := fn(rows); err != nil {
			_ = rows.Close()
			return err
		}
	}
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// row is one row of an answer, for Scan.
type row interface{ Scan(dest ...any) error }

// rowsAffected is the result of a statement run in a batch.
type rowsAffected int64

func (n rowsAffected) LastInsertId() (int64, error) {
	return 0, errors.New("store: no insert id on PostgreSQL")
}

func (n rowsAffected) RowsAffected() (int64, error) { return int64(n), nil }

// oneRow is a query's single row, read when scanned: sql.ErrNoRows when
// there is none.
type oneRow struct {
	w     *wtx
	ctx   context.Context
	query string
	args  []any
}

func (r oneRow) Scan(dest ...any) error {
	found := false
	err := r.w.eachRow(r.ctx, r.query, r.args, func(rw row) error {
		if found {
			return nil
		}
		found = true
		return rw.Scan(dest...)
	})
	if err == nil && !found {
		err = sql.ErrNoRows
	}
	return err
}
