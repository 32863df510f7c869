package store

import (
	"context"
	"fmt"
	"sync/atomic"
)

// Group commit. Every transaction of InTx goes through one committer, one
// at a time, and a commit costs far more than the statements before it:
// on SQLite each page a transaction changed is appended to the write-ahead
// log in full, checksummed, and later copied back to the database; on
// PostgreSQL a commit waits for its log to reach the disk. Transactions of
// the pipeline's stages come at the same moments and change the same pages
// (the last page of a topic's table, of the deduplication index), so the
// committer runs what is waiting as one transaction: each caller's work
// inside a savepoint of its own, rolled back alone when it fails, and one
// commit for all. A caller waits no longer than it would for its turn; the
// group is what is already queued. On SQLite, the single writer connection
// would serialise the transactions anyway. On PostgreSQL the committer uses
// one connection at a time of the pool, which subscriptions share for
// their reads and acknowledgements; the transactions of other pcsgate
// processes run beside it as before. There each statement is a round trip,
// so those whose answer nobody waits for are sent in batches (see wtx).

// maxGroup bounds the transactions committed together.
const maxGroup = 64

// writeReq is one transaction handed to the group committer.
type writeReq struct {
	ctx  context.Context
	fn   func(w *wtx) error
	err  error
	pan  any // a panic of fn, raised again in the caller
	done chan struct{}
	// replayable: losing the commit only delivers the input again (see
	// InTxReplayable).
	replayable bool
	state      atomic.Int32 // reqQueued, then reqTaken or reqWithdrawn
}

// groupStats count what the committer did, for tests.
type groupStats struct {
	waiting atomic.Int64 // requests queued, not yet taken by the committer
	commits atomic.Int64 // transactions committed
	joined  atomic.Int64 // requests that joined a transaction they did not start
}

// startGroupCommit starts the committer goroutine of the store.
func (s *Store) startGroupCommit() {
	// Buffered: a caller hands its request over without waiting for the
	// committer to take it, so callers that must keep an order (see
	// Ordered) queue up at once and join the same group.
	s.writes = make(chan *writeReq, maxGroup)
	s.committerDone = make(chan struct{})
	go s.committer()
}

// groupTx runs fn through the committer and waits for its outcome. A
// caller whose ctx ends, or whose store closes, while its request is still
// queued takes the request back; once the committer has taken it, the
// caller waits for its outcome.
func (s *Store) groupTx(ctx context.Context, replayable bool, fn func(w *wtx) error) error {
	r := &writeReq{ctx: ctx, fn: fn, done: make(chan struct{}), replayable: replayable}
	order := orderOf(ctx)
	if err := order.Wait(ctx); err != nil {
		return fmt.Errorf("store transaction: %w", err)
	}
	s.group.waiting.Add(1)
	select {
	case s.writes <- r:
		order.Done() // the committer runs requests in the order they are queued
	case <-ctx.Done():
		s.group.waiting.Add(-1)
		return fmt.Errorf("store transaction: %w", ctx.Err())
	case <-s.ctx.Done():
		s.group.waiting.Add(-1)
		return fmt.Errorf("store %w", ErrClosed)
	}
	select {
	case <-r.done:
	case <-ctx.Done():
		if r.withdraw(&s.group) {
			return fmt.Errorf("store transaction: %w", ctx.Err())
		}
		<-r.done // the committer answers every request it took
	case <-s.committerDone:
		if r.withdraw(&s.group) {
			return fmt.Errorf("store %w", ErrClosed)
		}
		<-r.done
	}
	if r.pan != nil {
		panic(r.pan)
	}
	return r.err
}

// States of a queued writeReq.
const (
	reqQueued int32 = iota
	reqTaken
	reqWithdrawn
)

// take claims r for the committer; false when its caller withdrew it.
func (r *writeReq) take(g *groupStats) bool {
	if r.state.CompareAndSwap(reqQueued, reqTaken) {
		g.waiting.Add(-1)
		return true
	}
	return false
}

// withdraw takes r back for its caller; false when the committer has it.
func (r *writeReq) withdraw(g *groupStats) bool {
	if r.state.CompareAndSwap(reqQueued, reqWithdrawn) {
		g.waiting.Add(-1)
		return true
	}
	return false
}

func (s *Store) committer() {
	defer close(s.committerDone)
	for {
		select {
		case first := <-s.writes:
			if first.take(&s.group) {
				s.commitGroup(first)
			}
		case <-s.ctx.Done():
			return
		}
	}
}

// commitGroup runs first, then whatever else is waiting (up to maxGroup),
// in one transaction, and answers each request.
func (s *Store) commitGroup(first *writeReq) {
	w, err := s.beginGroup()
	if err != nil {
		first.err = fmt.Errorf("store transaction: %w", err)
		close(first.done)
		return
	}
	defer w.close()
	// On PostgreSQL a group commits without waiting for the disk while
	// all its requests are replayable.
	async := s.d.dollar && first.replayable
	if async {
		_ = w.later(context.Background(), asyncCommit) // its error comes with the first batch
	}
	// The first runs without a savepoint: when it fails, the transaction
	// is rolled back and nothing else joins.
	if !s.runOne(w, first, false) {
		_ = w.Rollback()
		close(first.done)
		return
	}
	done := []*writeReq{first} // to be answered with the commit's outcome
collect:
	for n := 1; n < maxGroup; n++ {
		select {
		case r := <-s.writes:
			if !r.take(&s.group) {
				continue
			}
			s.group.joined.Add(1)
			if async && !r.replayable {
				_ = w.later(context.Background(), syncCommit)
				async = false
			}
			if s.runOne(w, r, true) {
				done = append(done, r)
			} else {
				close(r.done) // rolled back to its savepoint: nothing to wait for
			}
		default:
			break collect
		}
	}
	err = w.flush(context.Background())
	if err == nil {
		err = w.Commit()
	} else {
		_ = w.Rollback()
	}
	if err == nil {
		s.group.commits.Add(1)
	}
	for _, r := range done {
		if err != nil && r.err == nil { // r.err: rolled back to its savepoint at its end
			r.err = fmt.Errorf("store commit: %w", err)
		}
		close(r.done)
	}
}

// beginGroup begins a group's transaction: on PostgreSQL on a connection
// of its own, so that statements can be sent to it in batches.
func (s *Store) beginGroup() (*wtx, error) {
	if !s.d.dollar {
		tx, err := s.writer.BeginTx(s.ctx, nil)
		return &wtx{Tx: tx}, err
	}
	conn, err := s.writer.Conn(s.ctx)
	if err != nil {
		return nil, err
	}
	tx, err := conn.BeginTx(s.ctx, nil)
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	return &wtx{Tx: tx, conn: conn}, nil
}

// close gives the group's connection back to the pool once its
// transaction has ended.
func (w *wtx) close() {
	if w.conn != nil {
		_ = w.conn.Close()
	}
}

// runOne runs r.fn in w, inside a savepoint when nested, and sends what it
// left queued; it reports whether all of it succeeded. On failure r.err
// (or r.pan) is set and, in a savepoint, its work is rolled back.
func (s *Store) runOne(w *wtx, r *writeReq, nested bool) (ok bool) {
	if err := r.ctx.Err(); err != nil {
		r.err = fmt.Errorf("store transaction: %w", err)
		return false
	}
	ctx := context.Background()
	mark, sent := len(w.queued), w.sent
	if nested {
		if err := w.later(ctx, "SAVEPOINT pcsgate_group"); err != nil {
			r.err = fmt.Errorf("store transaction: %w", err)
			return false
		}
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				r.pan = p
			}
		}()
		r.err = r.fn(w)
	}()
	ok = r.err == nil && r.pan == nil
	switch {
	case ok && nested && w.batched():
		// Sent with the next request's first statements, or before the
		// commit.
		_ = w.later(ctx, "RELEASE pcsgate_group")
		w.tailOf, w.tailEnd = r, len(w.queued)
	case ok && nested:
		ok = s.releaseSavepoint(w, r)
	case ok:
		if err := w.flush(ctx); err != nil {
			r.err, ok = fmt.Errorf("store transaction: %w", err), false
		}
	}
	if ok || !nested {
		return ok
	}
	if w.batched() && w.sent == sent {
		// Nothing of r reached the database, not even its savepoint.
		w.discard(mark)
		return false
	}
	w.discard(0) // r's own statements, not sent yet
	// Alone and unprepared: PostgreSQL prepares nothing else in a failed
	// transaction.
	if _, err := w.ExecContext(ctx, "ROLLBACK TO pcsgate_group"); err != nil && r.err == nil && r.pan == nil {
		r.err = fmt.Errorf("store transaction: %w", err)
	}
	s.releaseSavepoint(w, r)
	return false
}

// releaseSavepoint queues the release of r's savepoint and sends it with
// what r left queued; false when that fails, with r.err set unless it was
// set.
func (s *Store) releaseSavepoint(w *wtx, r *writeReq) bool {
	err := w.later(context.Background(), "RELEASE pcsgate_group")
	if err == nil {
		err = w.flush(context.Background())
	}
	if err != nil && r.err == nil && r.pan == nil {
		r.err = fmt.Errorf("store transaction: %w", err)
	}
	return err == nil
}
