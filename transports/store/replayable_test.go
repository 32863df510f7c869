package store_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// InTxReplayable commits without waiting for the log on PostgreSQL; InTx
// keeps the server's setting.
func TestInTxReplayable(t *testing.T) {
	u, err := url.Parse(postgresDSN(t))
	require.NoError(t, err)
	q := u.Query()
	q.Set("synchronous_commit", "on") // the tests' default is off
	u.RawQuery = q.Encode()
	s := openPostgres(t, store.Config{DSN: u.String()})
	ctx := context.Background()
	setting := func(run func(context.Context, func(*store.Tx) error) error) string {
		var v string
		require.NoError(t, run(ctx, func(tx *store.Tx) error {
			var err error
			v, err = tx.SettingForTest("synchronous_commit")
			return err
		}))
		return v
	}
	require.Equal(t, "off", setting(s.InTxReplayable))
	require.Equal(t, "on", setting(s.InTx))
	require.Equal(t, "off", setting(s.InTxReplayable), "again, after a transaction that kept it on")
}

// In a group of transactions begun by a replayable one, one that is not
// replayable makes the group's commit wait for the log again.
func TestGroupOfReplayableAndNot(t *testing.T) {
	u, err := url.Parse(postgresDSN(t))
	require.NoError(t, err)
	q := u.Query()
	q.Set("synchronous_commit", "on")
	u.RawQuery = q.Encode()
	s := openPostgres(t, store.Config{DSN: u.String()})
	ctx := context.Background()

	hold, held := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.InTxReplayable(ctx, func(*store.Tx) error {
			close(held)
			<-hold // the next one queues meanwhile
			return nil
		})
	}()
	<-held
	var setting string
	second := make(chan error, 1)
	go func() {
		second <- s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			setting, err = tx.SettingForTest("synchronous_commit")
			return err
		})
	}()
	require.Eventually(t, func() bool { return s.QueuedForTest() == 1 }, 10*time.Second, time.Millisecond)
	close(hold)
	require.NoError(t, <-first)
	require.NoError(t, <-second)
	require.Equal(t, "on", setting, "joined the replayable one's group, yet waits for the log")
}
