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
// row inserted, a message published, a savepoint) wait in queued and go,
// as one pipelined batch, with the next statement that needs an answer; a
// request's last ones go with the next request's first statement, or
// before the commit. On SQLite, where a statement costs no round trip,
// they run at once.
type wtx struct {
	*sql.Tx
	conn   *sql.Conn // PostgreSQL: the connection tx runs on; nil on SQLite
	queued []queued
	sent   int // batches sent so far
	// queued[:tailEnd] end the savepoint of tailOf, a request that ran to
	// its end: they go with the next request's first statements. When one
	// of them fails, tailOf alone is rolled back and the rest sent again.
	tailOf  *writeReq
	tailEnd int
}

// queued is one statement waiting for the next batch: the query as the
// backend takes it, its arguments and, for a read sent ahead, what takes
// its answer.
type queued struct {
	query string
	args  []any
	read  func(row) error
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
func (w *wtx) ahead(query string, args []any, read func(row) error) {
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
	qs, tailOf, tailEnd := w.queued, w.tailOf, w.tailEnd
	w.queued, w.tailOf, w.tailEnd = nil, nil, 0
	if len(qs) == 0 && query == "" {
		return nil
	}
	at, err := w.sendBatch(ctx, qs, query, args, last)
	if err == nil || tailOf == nil || at >= tailEnd {
		return err
	}
	// The request before failed at its end: it alone is rolled back, and
	// what came after its statements is sent again.
	tailOf.err = fmt.Errorf("store transaction: %w", err)
	for _, q := range []string{"ROLLBACK TO pcsgate_group", "RELEASE pcsgate_group"} {
		if _, err := w.ExecContext(ctx, q); err != nil { // alone and unprepared, see runOne
			return err
		}
	}
	w.queued = qs[tailEnd:]
	return w.send(ctx, query, args, last)
}

// sendBatch sends qs and query as one batch and reports the index of the
// statement that failed first (len(qs) for query).
func (w *wtx) sendBatch(ctx context.Context, qs []queued, query string, args []any, last func(pgx.BatchResults) error) (int, error) {
	b := &pgx.Batch{}
	for _, q := range qs {
		b.Queue(q.query, q.args...)
	}
	if query != "" {
		b.Queue(query, args...)
	}
	w.sent++
	at := len(qs)
	err := w.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: connection of %T, not pgx", dc)
		}
		br := c.Conn().SendBatch(ctx, b)
		var first error
		for i, q := range qs {
			var err error
			if q.read != nil {
				err = q.read(br.QueryRow())
			} else {
				_, err = br.Exec()
			}
			if err != nil && first == nil {
				first, at = err, i
			}
		}
		if query != "" && first == nil {
			first = last(br)
		}
		return errors.Join(first, br.Close())
	})
	return at, err
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
