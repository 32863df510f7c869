package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// The SQLite writer does not checkpoint the write-ahead log itself: a
// connection of its own copies the committed pages back into the database
// file in the background, without waiting for the writer to stop writing.
func TestBackgroundCheckpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pcsgate.db")
	s := openSQLite(t, store.Config{DSN: "sqlite:" + path})
	size := func() int64 {
		fi, err := os.Stat(path)
		require.NoError(t, err)
		return fi.Size()
	}
	before := size()
	// Fewer pages than SQLite's own automatic checkpoint would wait for.
	for i := range 50 {
		msg := message.NewMessage(watermill.NewUUID(), make([]byte, 2000))
		require.NoError(t, s.InTx(context.Background(), func(tx *store.Tx) error { return tx.Publish("checkpointed", msg) }), i)
	}
	require.Eventually(t, func() bool { return size() > before },
		10*time.Second, 20*time.Millisecond, "committed pages copied into the database file while the store is open")
	var autocheckpoint string
	require.NoError(t, s.InTx(context.Background(), func(tx *store.Tx) (err error) {
		autocheckpoint, err = tx.PragmaForTest("wal_autocheckpoint")
		return err
	}))
	require.Equal(t, "0", autocheckpoint, "the writer leaves checkpoints to the background")
}
