package store

import (
	"context"
	"database/sql"
	"fmt"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// Tx is one database transaction opened by InTx. Everything done through it
// (published messages and ledger changes) is committed together or not at
// all. A Tx is not safe for concurrent use and is dead once fn returns.
type Tx struct {
	s    *Store
	ctx  context.Context
	tx   *sql.Tx
	w    *wtx // the group's transaction tx belongs to
	pub  *wsql.Publisher
	done bool
	// cancelled reports the transaction's cancellation where ctx does not
	// carry it (SQLite); nil otherwise.
	cancelled func() error
	topic     map[string]bool // topics published to → table created in this tx
	// missed lists the queries run without a cached statement, prepared
	// once the transaction has ended.
	missed []string
	ahead  *foundRelease // a FindRelease sent ahead, not taken yet
}

// InTx runs fn in one database transaction and commits it when fn returns
// nil; when fn returns an error or panics, everything it did is rolled back
// and the error (or panic) is passed on. After a commit, subscriptions of
// the topics fn published to are woken.
//
// On SQLite fn holds the single writer connection: it must not call InTx,
// Publisher().Publish or anything else that writes through s, or it waits
// for itself (until ctx ends). Reads through s are fine.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	return s.inTx(ctx, false, fn)
}

// InTxReplayable is InTx for a transaction whose loss in a crash of the
// database server only means that its input comes again: the work of a
// handler whose input is acknowledged after it, in the same database. On
// PostgreSQL it commits without waiting for the log to reach the disk
// (synchronous_commit off). PostgreSQL replays its log in order, so a
// server crash that undoes such a commit also undoes the acknowledgement
// made after it, and the input is delivered again. Work acknowledged to
// someone outside the database (a file archived, an HTTP 202) needs InTx.
// On SQLite it is InTx.
func (s *Store) InTxReplayable(ctx context.Context, fn func(tx *Tx) error) error {
	return s.inTx(ctx, true, fn)
}

func (s *Store) inTx(ctx context.Context, replayable bool, fn func(tx *Tx) error) error {
	if s.isClosed() {
		return fmt.Errorf("store %w", ErrClosed)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()

	t := &Tx{s: s, ctx: ctx, topic: map[string]bool{}}
	if !s.d.dollar {
		// The SQLite driver starts a goroutine per statement to interrupt
		// it when its context ends: more than the short statements here
		// cost. A transaction that is cancelled fails at its next
		// statement instead (see check).
		t.ctx = context.WithoutCancel(ctx)
		t.cancelled = ctx.Err
	}
	err := s.groupTx(ctx, replayable, func(w *wtx) error {
		t.tx, t.w = w.Tx, w
		defer func() { t.done = true }()
		return fn(t)
	})
	s.wstmts.prepare(s.ctx, t.missed)
	if err != nil {
		return err
	}
	for topic, created := range t.topic {
		if created {
			s.topics.Store(topic, struct{}{})
		}
		s.sh.notify(topic)
	}
	return nil
}

func (t *Tx) check() error {
	if t.done {
		return fmt.Errorf("store transaction %w", ErrTxDone)
	}
	if t.cancelled != nil {
		if err := t.cancelled(); err != nil {
			return fmt.Errorf("store transaction: %w", err)
		}
	}
	return nil
}

// exec runs a statement written with ? placeholders, with what is queued.
func (t *Tx) exec(query string, args ...any) (sql.Result, error) {
	if t.w.batched() {
		return t.w.exec(t.ctx, t.s.d.q(query), args...)
	}
	return t.s.wstmts.execCached(t.ctx, t.tx, &t.missed, t.s.d.q(query), args...)
}

// later runs a statement written with ? placeholders whose result nobody
// reads: on PostgreSQL it goes with the transaction's next batch, and its
// error fails the transaction then.
func (t *Tx) later(query string, args ...any) error {
	if t.w.batched() {
		return t.w.later(t.ctx, t.s.d.q(query), args...)
	}
	_, err := t.s.wstmts.execCached(t.ctx, t.tx, &t.missed, t.s.d.q(query), args...)
	return err
}

// queryRow runs a query written with ? placeholders, with what is queued.
func (t *Tx) queryRow(query string, args ...any) row {
	q := t.s.d.q(query)
	if t.w.batched() {
		return oneRow{w: t.w, ctx: t.ctx, query: q, args: args}
	}
	if st := t.s.wstmts.inTx(t.ctx, t.tx, &t.missed, q); st != nil {
		return st.QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, q, args...)
}

// eachRow runs a query written with ? placeholders, with what is queued,
// and calls fn for each row of its answer.
func (t *Tx) eachRow(query string, args []any, fn func(row) error) error {
	q := t.s.d.q(query)
	if t.w.batched() {
		return t.w.eachRow(t.ctx, q, args, fn)
	}
	var (
		rows *sql.Rows
		err  error
	)
	if st := t.s.wstmts.inTx(t.ctx, t.tx, &t.missed, q); st != nil {
		rows, err = st.QueryContext(t.ctx, args...)
	} else {
		rows, err = t.tx.QueryContext(t.ctx, q, args...)
	}
	if err != nil {
		return err
	}
	return readRows(rows, fn)
}

// publishChunk bounds the messages of one INSERT, under SQLite's limit of
// bound parameters.
const publishChunk = 500

// Publish adds messages to topic in this transaction, through watermill-sql's
// publisher. Subscribers see them only after the commit, in slice order.
// The topic's tables are created on first use, in this transaction too.
func (t *Tx) Publish(topic string, msgs ...*message.Message) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := validateTopic(topic); err != nil {
		return err
	}
	for _, m := range msgs {
		size := len(m.Payload)
		for k, v := range m.Metadata {
			size += len(k) + len(v)
		}
		if size > t.s.cfg.MaxBytes {
			return fmt.Errorf("message %s of %d bytes with metadata: at most %d expected: %w", errtext.Quote(m.UUID), size, t.s.cfg.MaxBytes, ErrTooLarge)
		}
		if m.UUID == "" {
			return fmt.Errorf("message uuid %w", ErrEmpty)
		}
		if len(m.UUID) > maxKeyBytes {
			return fmt.Errorf("message uuid %s: at most %d bytes expected: %w", errtext.Quote(m.UUID), maxKeyBytes, ErrTooLarge)
		}
	}
	if err := t.ensureTopic(topic); err != nil {
		return err
	}
	if t.pub == nil {
		pub, err := wsql.NewPublisher(txExecutor{t}, wsql.PublisherConfig{SchemaAdapter: t.s.d.schema}, t.s.logger)
		if err != nil {
			return fmt.Errorf("store publisher: %w", err)
		}
		t.pub = pub
	}
	for len(msgs) > 0 {
		n := min(len(msgs), publishChunk)
		if err := t.pub.Publish(topic, msgs[:n]...); err != nil {
			return fmt.Errorf("topic %s: %w", errtext.Quote(topic), err)
		}
		msgs = msgs[n:]
	}
	return nil
}

// ensureTopic creates topic's message and offsets tables in this transaction
// unless they are known to exist.
func (t *Tx) ensureTopic(topic string) error {
	if _, seen := t.topic[topic]; seen {
		return nil
	}
	if _, ok := t.s.topics.Load(topic); ok {
		t.topic[topic] = false
		return nil
	}
	queries, err := t.s.d.schema.SchemaInitializingQueries(wsql.SchemaInitializingQueriesParams{Topic: topic})
	if err != nil {
		return err
	}
	more, err := t.s.d.offsets.SchemaInitializingQueries(wsql.OffsetsSchemaInitializingQueriesParams{Topic: topic})
	if err != nil {
		return err
	}
	if err := t.w.flush(t.ctx); err != nil { // the tables come after what is queued
		return err
	}
	for _, q := range append(queries, more...) {
		if _, err := t.tx.ExecContext(t.ctx, q.Query, q.Args...); err != nil {
			return fmt.Errorf("topic %s tables: %w", errtext.Quote(topic), err)
		}
	}
	t.topic[topic] = true
	return nil
}

// txExecutor lets watermill-sql's publisher write through the transaction,
// under the transaction's context rather than the message's.
type txExecutor struct{ t *Tx }

// ExecContext runs the publisher's INSERT; on PostgreSQL it goes with the
// transaction's next batch (the publisher does not read its result).
func (e txExecutor) ExecContext(_ context.Context, query string, args ...any) (wsql.Result, error) {
	if e.t.w.batched() {
		return rowsAffected(0), e.t.w.later(e.t.ctx, query, args...)
	}
	return e.t.s.wstmts.execCached(e.t.ctx, e.t.tx, &e.t.missed, query, args...)
}

func (e txExecutor) QueryContext(_ context.Context, query string, args ...any) (wsql.Rows, error) {
	if err := e.t.w.flush(e.t.ctx); err != nil {
		return nil, err
	}
	return e.t.tx.QueryContext(e.t.ctx, query, args...)
}
