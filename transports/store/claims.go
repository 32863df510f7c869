package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
)

// A PostgreSQL subscription holds no transaction while its handler works.
// Members of a consumer group take turns through a claim on the row of
// (topic, group) in subscription_claims instead: a short transaction takes
// the claim and reads the next batch past the acked offset, the handler
// works with no transaction open while the claim is renewed, and a second
// short transaction writes the new offset and gives the claim back, but only
// while the claim is still this member's. A member that hangs stops renewing
// and its claim expires by the database's clock; another member then reads
// from the acked offset and delivers the batch again.
//
// The read keeps watermill-sql's rule of returning only messages written by
// transactions older than every transaction still running, so a publish
// that commits late is not skipped; the reader's own transaction lasts only
// as long as the read, so it no longer hides newer messages from anyone.

// Claim statements; ? placeholders, run through dialect.q.
const (
	// takeClaim takes the group's claim when it is free, expired or this
	// holder's already, and returns its generation; no row means another
	// member holds it.
	takeClaim = `INSERT INTO subscription_claims AS c (topic, consumer_group, holder, gen, expires_at)
VALUES (?, ?, ?, 1, clock_timestamp() + ? * interval '1 millisecond')
ON CONFLICT (topic, consumer_group) DO UPDATE
SET holder = excluded.holder, gen = c.gen + 1, expires_at = excluded.expires_at
WHERE c.holder = '' OR c.holder = excluded.holder OR c.expires_at <= clock_timestamp()
RETURNING c.gen, set_config('synchronous_commit', 'off', true)`
	renewClaim = `UPDATE subscription_claims SET expires_at = clock_timestamp() + ? * interval '1 millisecond'
WHERE topic = ? AND consumer_group = ? AND holder = ? AND gen = ?`
	releaseClaim = `UPDATE subscription_claims SET holder = '', expires_at = clock_timestamp()
WHERE topic = ? AND consumer_group = ? AND holder = ? AND gen = ?`
	// ackClaim is releaseClaim that also makes the transaction's commit
	// not wait for the disk (see short).
	ackClaim = releaseClaim + ` RETURNING set_config('synchronous_commit', 'off', true)`
)

// errClaimLost reports an acknowledgement not recorded because the claim
// under which its batch was read expired and another member took it; that
// member delivers the batch again.
var errClaimLost = errors.New("store: consumer group claim expired and taken by another member; the batch will be delivered again")

// claimTTL is how long a claim lasts without renewal: half the idle
// transaction timeout, so that the fleet resumes well within that bound
// when a member hangs.
func claimTTL(cfg Config) time.Duration {
	return cfg.IdleInTxTimeout / 2
}

// claimTx is what a PostgreSQL subscription uses as its transaction (see
// above). QueryContext takes the claim and reads; ExecContext keeps the
// acknowledgement for Commit, which writes it under the claim.
type claimTx struct {
	sn *subscription

	keptWrites
	gen   int64 // the claim's generation; 0 when not held
	renew *time.Timer
}

// claimArgs identifies the claim held in the claim statements.
func (t *claimTx) claimArgs() []any {
	return []any{t.sn.topic, t.sn.group, t.sn.holder, t.gen}
}

// QueryContext takes the claim and runs the read in one short transaction.
// When another member holds the claim, it returns no rows.
func (t *claimTx) QueryContext(ctx context.Context, query string, args ...any) (wsql.Rows, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done || t.gen != 0 {
		return nil, sql.ErrTxDone
	}
	s := t.sn.s
	var rows wsql.Rows
	err := t.short(ctx, func(tx *sql.Tx) error {
		ttl := claimTTL(s.cfg).Milliseconds()
		var async string
		err := tx.QueryRowContext(ctx, s.d.q(takeClaim), t.sn.topic, t.sn.group, t.sn.holder, ttl).Scan(&t.gen, &async)
		if errors.Is(err, sql.ErrNoRows) {
			rows = &memRows{i: -1}
			return nil
		}
		if err != nil {
			return fmt.Errorf("consumer group claim: %w", err)
		}
		r, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		m, err := copyRows(r)
		if err != nil {
			return err
		}
		rows = m
		if len(m.data) == 0 {
			_, err = tx.ExecContext(ctx, s.d.q(releaseClaim), t.claimArgs()...)
			t.gen = 0
		}
		return err
	})
	if err != nil {
		t.gen = 0
		return nil, err
	}
	if t.gen != 0 {
		t.renew = time.AfterFunc(claimTTL(s.cfg)/3, t.renewClaim)
	}
	return rows, nil
}

// short runs fn in a transaction of its own. The claim statements make its
// commit not wait for the disk (synchronous_commit off, set in the same
// round trip): it records only claims and acknowledgements, whose loss
// delivers messages again.
func (t *claimTx) short(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := t.sn.s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// renewClaim extends the claim while the handler works, and schedules the
// next renewal. A claim found lost is not renewed again; the Commit then
// fails.
func (t *claimTx) renewClaim() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done || t.gen == 0 {
		return
	}
	s := t.sn.s
	ttl := claimTTL(s.cfg)
	ctx, cancel := context.WithTimeout(s.ctx, ttl)
	defer cancel()
	args := append([]any{ttl.Milliseconds()}, t.claimArgs()...)
	res, err := s.writer.ExecContext(ctx, s.d.q(renewClaim), args...)
	if err == nil {
		if n, _ := res.RowsAffected(); n == 0 {
			return // lost
		}
	}
	// After a failed renewal, try again: the claim may still be held.
	t.renew = time.AfterFunc(ttl/3, t.renewClaim)
}

// Commit runs BeforeAck, then writes the kept acknowledgement and gives the
// claim back in one short transaction, provided the claim is still this
// member's. It runs under the Store's context, so an ack made just before
// the subscriber closes is still recorded.
func (t *claimTx) Commit() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return sql.ErrTxDone
	}
	t.stop()
	switch {
	case t.gen == 0 && len(t.writes) > 0:
		// What watermill-sql runs before subscribing (the group's
		// offset row), which needs no claim.
		return t.short(t.sn.s.ctx, t.runWrites)
	case t.gen == 0:
		return nil
	case len(t.writes) == 0:
		t.giveBack()
		return nil
	}
	if t.sn.beforeAck != nil {
		if err := t.sn.beforeAck(t.sn.s.ctx); err != nil {
			t.giveBack()
			return fmt.Errorf("before acknowledging: %w", err)
		}
	}
	s := t.sn.s
	ctx := s.ctx
	err := t.short(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.d.q(ackClaim), t.claimArgs()...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errClaimLost
		}
		return t.runWrites(tx)
	})
	if err == nil {
		s.sh.notify(t.sn.topic) // members of the group waiting for their turn
	}
	return err
}

// runWrites runs the kept statements in tx.
func (t *claimTx) runWrites(tx *sql.Tx) error {
	for _, q := range t.writes {
		if _, err := tx.ExecContext(t.sn.s.ctx, q.Query, q.Args...); err != nil {
			return err
		}
	}
	return nil
}

// Rollback drops the kept statements and gives the claim back.
func (t *claimTx) Rollback() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return sql.ErrTxDone
	}
	t.stop()
	t.writes = nil
	if t.gen != 0 {
		t.giveBack()
	}
	return nil
}

// stop ends the transaction and its renewals.
func (t *claimTx) stop() {
	t.done = true
	if t.renew != nil {
		t.renew.Stop()
	}
}

// giveBack releases the claim without recording anything, so another
// member can read the batch again at once. A failure only leaves the claim
// to expire.
func (t *claimTx) giveBack() {
	s := t.sn.s
	_, _ = s.writer.ExecContext(s.ctx, s.d.q(releaseClaim), t.claimArgs()...)
	s.sh.notify(t.sn.topic)
}
