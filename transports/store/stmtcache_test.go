package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"
)

// The second run of a query goes through a prepared statement: the first
// run, inside a transaction, leaves it to be prepared after the commit.
func TestStatementCacheOnSQLite(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "c.db"), nil)
	require.NoError(t, err)
	defer s.Close()
	require.NotNil(t, s.wstmts)

	seen := func(key string) bool {
		var dup bool
		require.NoError(t, s.InTx(ctx, func(tx *Tx) error {
			var err error
			dup, err = tx.Seen("content", key)
			if err != nil {
				return err
			}
			return tx.Publish("cache_topic", message.NewMessage(key, []byte("x")))
		}))
		return dup
	}
	require.False(t, seen("a"))
	s.wstmts.mu.Lock()
	cached := len(s.wstmts.m)
	s.wstmts.mu.Unlock()
	require.Positive(t, cached, "queries of the first transaction are prepared after it")
	require.False(t, seen("b"), "a new key through the cached statements")
	require.True(t, seen("a"), "a key seen before, found through the cached statements")

	require.NoError(t, s.Close())
	s.wstmts.mu.Lock()
	defer s.wstmts.mu.Unlock()
	require.Empty(t, s.wstmts.m, "Close closes the cached statements")
}

func TestNilStatementCache(t *testing.T) {
	var s Store
	require.Nil(t, s.wstmts.get("SELECT 1"), "a nil cache (PostgreSQL) has nothing")
	s.wstmts.prepare(context.Background(), []string{"SELECT 1"}) // no-op, no panic
	require.NoError(t, s.wstmts.close())
}
