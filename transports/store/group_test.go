package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store/storetest"
)

// Transactions waiting while another runs are committed with it, each in
// a savepoint: one that fails or panics is rolled back alone.
// On PostgreSQL one whose statements sent at its end fail is rolled back
// alone too.
func TestGroupCommit(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testGroupCommit(t, "sqlite:"+filepath.Join(t.TempDir(), "g.db")) })
	t.Run("postgres", func(t *testing.T) { testGroupCommit(t, storetest.PostgresDSN(t)) })
}

func testGroupCommit(t *testing.T, dsn string) {
	ctx := context.Background()
	s, err := Open(ctx, dsn, nil)
	require.NoError(t, err)
	defer s.Close()
	seen := func(key string) func(tx *Tx) error {
		return func(tx *Tx) error { return seenOnce(tx, key) }
	}
	commits0 := s.group.commits.Load()

	hold, firstDone := holdCommitter(ctx, s, "first") // the others queue up meanwhile
	results := make(chan string, 5)
	go func() {
		err := s.InTx(ctx, func(tx *Tx) error {
			// Queued on PostgreSQL, never sent: the caller fails first.
			if err := tx.later(`INSERT INTO dedupe (kind, key, first_seen, last_seen, count) VALUES ('content', 'refused', ?, ?, 1)`,
				s.d.timeArg(s.now()), s.d.timeArg(s.now())); err != nil {
				return err
			}
			return errors.New("refused")
		})
		results <- "refused: " + err.Error()
	}()
	go func() {
		err := s.InTx(ctx, func(tx *Tx) error {
			if err := seen("late")(tx); err != nil {
				return err
			}
			// Fails when sent: at once on SQLite, at the end on PostgreSQL.
			return tx.later(`INSERT INTO no_such_table VALUES (1)`)
		})
		if err == nil {
			results <- "late committed"
			return
		}
		results <- "late failed"
	}()
	go func() {
		if err := s.InTx(ctx, seen("ok")); err != nil {
			results <- "ok failed: " + err.Error()
			return
		}
		results <- "ok"
	}()
	go func() {
		err := s.InTx(ctx, func(tx *Tx) error {
			if err := seen("failed")(tx); err != nil {
				return err
			}
			return errors.New("handler failed")
		})
		results <- "failed: " + err.Error()
	}()
	go func() {
		defer func() { results <- "panicked: " + recoverString(recover()) }()
		_ = s.InTx(ctx, func(tx *Tx) error {
			if err := seen("panicked")(tx); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	waitUntil(t, func() bool { return s.group.waiting.Load() == 5 })
	close(hold)
	require.NoError(t, <-firstDone)
	got := map[string]bool{}
	for range 5 {
		got[<-results] = true
	}
	require.Equal(t, map[string]bool{"ok": true, "late failed": true, "refused: refused": true, "failed: handler failed": true, "panicked: boom": true}, got)
	require.Equal(t, int64(1), s.group.commits.Load()-commits0, "one commit for the six")
	require.GreaterOrEqual(t, s.group.joined.Load(), int64(5))

	// What committed is there; what was rolled back is not.
	for key, want := range map[string]bool{"first": true, "ok": true, "late": false, "refused": false, "failed": false, "panicked": false} {
		var dup bool
		require.NoError(t, s.InTx(ctx, func(tx *Tx) error {
			var err error
			dup, err = tx.Seen("content", key)
			return err
		}))
		require.Equal(t, want, dup, "key %s committed", key)
	}
}

// A transaction whose context ends while it waits for the writer fails
// without running.
func TestGroupCommitCancelledWhileWaiting(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "g.db"), nil)
	require.NoError(t, err)
	defer s.Close()
	hold, held := make(chan struct{}), make(chan struct{})
	go func() {
		_ = s.InTx(ctx, func(*Tx) error { close(held); <-hold; return nil })
	}()
	<-held
	cctx, cancel := context.WithCancel(ctx)
	ran := false
	done := make(chan error, 1)
	go func() { done <- s.InTx(cctx, func(*Tx) error { ran = true; return nil }) }()
	waitUntil(t, func() bool { return s.group.waiting.Load() == 1 })
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	close(hold)
	require.False(t, ran)
}

func recoverString(p any) string {
	if s, ok := p.(string); ok {
		return s
	}
	return ""
}

// waitUntil polls cond until it holds, failing after 10s.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 10s")
		}
		time.Sleep(time.Millisecond)
	}
}

// A request whose statements fail at its end, where PostgreSQL gets them
// with the next request's first ones, is rolled back alone: the next
// request's statements are sent again and commit with the group.
func TestGroupCommitFailsAtItsEnd(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testGroupCommitFailsAtItsEnd(t, "sqlite:"+filepath.Join(t.TempDir(), "g.db")) })
	t.Run("postgres", func(t *testing.T) { testGroupCommitFailsAtItsEnd(t, storetest.PostgresDSN(t)) })
}

func testGroupCommitFailsAtItsEnd(t *testing.T, dsn string) {
	ctx := context.Background()
	s, err := Open(ctx, dsn, nil)
	require.NoError(t, err)
	defer s.Close()
	commits0 := s.group.commits.Load()
	hold, firstDone := holdCommitter(ctx, s, "first")
	// Queued one after the other: the committer runs them in this order.
	names := []string{"failing", "next", "last"}
	results := make([]chan error, len(names))
	for i, name := range names {
		results[i] = make(chan error, 1)
		go func() {
			results[i] <- s.InTx(ctx, func(tx *Tx) error {
				if err := seenOnce(tx, name); err != nil {
					return err
				}
				if name != "failing" {
					return nil
				}
				// count is NOT NULL: fails when it runs.
				return tx.later(`INSERT INTO dedupe (kind, key, first_seen, last_seen, count) VALUES ('content', 'x', ?, ?, NULL)`,
					s.d.timeArg(s.now()), s.d.timeArg(s.now()))
			})
		}()
		waitUntil(t, func() bool { return s.group.waiting.Load() == int64(i+1) })
	}
	close(hold)
	require.NoError(t, <-firstDone)
	require.Error(t, <-results[0])
	require.NoError(t, <-results[1])
	require.NoError(t, <-results[2])
	require.Equal(t, int64(1), s.group.commits.Load()-commits0, "one commit for the four")
	for key, want := range map[string]bool{"first": true, "failing": false, "next": true, "last": true} {
		var dup bool
		require.NoError(t, s.InTx(ctx, func(tx *Tx) error {
			var err error
			dup, err = tx.Seen("content", key)
			return err
		}))
		require.Equal(t, want, dup, "key %s committed", key)
	}
}

// seenOnce records key as a content key, and fails if it was seen before.
func seenOnce(tx *Tx, key string) error {
	dup, err := tx.Seen("content", key)
	if err == nil && dup {
		err = errors.New("seen before")
	}
	return err
}

// holdCommitter starts a transaction that records key once hold is
// closed, and returns when the committer runs it: the transactions
// started meanwhile queue up behind it. firstDone gives its result.
func holdCommitter(ctx context.Context, s *Store, key string) (hold chan struct{}, firstDone chan error) {
	hold, held := make(chan struct{}), make(chan struct{})
	firstDone = make(chan error, 1)
	go func() {
		firstDone <- s.InTx(ctx, func(tx *Tx) error {
			close(held)
			<-hold
			return seenOnce(tx, key)
		})
	}()
	<-held
	return hold, firstDone
}
