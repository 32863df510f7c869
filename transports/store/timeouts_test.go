package store_test

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
	"github.com/nexport/pcsgate/transports/store/storetest"
)

// Every PostgreSQL session runs with a statement timeout and an idle in
// transaction timeout, 30s and 10s by default; an address that sets them
// wins.
func TestPostgresTimeoutSettings(t *testing.T) {
	ctx := context.Background()
	settings := func(s *store.Store) (stmt, idle string) {
		require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if stmt, err = tx.SettingForTest("statement_timeout"); err != nil {
				return err
			}
			idle, err = tx.SettingForTest("idle_in_transaction_session_timeout")
			return err
		}))
		return stmt, idle
	}
	stmt, idle := settings(openPostgres(t, store.Config{}))
	assert.Equal(t, "30s", stmt)
	assert.Equal(t, "10s", idle)

	stmt, idle = settings(openPostgres(t, store.Config{StatementTimeout: 2 * time.Second, IdleInTxTimeout: 1500 * time.Millisecond}))
	assert.Equal(t, "2s", stmt)
	assert.Equal(t, "1500ms", idle)

	u, err := url.Parse(postgresDSN(t))
	require.NoError(t, err)
	q := u.Query()
	q.Set("statement_timeout", "5000")
	u.RawQuery = q.Encode()
	stmt, _ = settings(openPostgres(t, store.Config{DSN: u.String()}))
	assert.Equal(t, "5s", stmt, "the address wins")
}

// A transaction whose client stops answering is ended by the server after
// IdleInTxTimeout: whatever it locked or hid is free again.
func TestPostgresIdleTransactionEnds(t *testing.T) {
	s := openPostgres(t, store.Config{IdleInTxTimeout: 200 * time.Millisecond})
	admin, err := sql.Open("pgx", os.Getenv(storetest.EnvPostgres))
	require.NoError(t, err)
	defer admin.Close()
	ctx := context.Background()
	err = s.InTx(ctx, func(tx *store.Tx) error {
		pid, err := tx.BackendPIDForTest()
		require.NoError(t, err)
		require.Eventually(t, func() bool { // the client "hangs" until the server ends its session
			var n int
			require.NoError(t, admin.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE pid = $1`, pid).Scan(&n))
			return n == 0
		}, 10*time.Second, 20*time.Millisecond, "the server ends the idle transaction's session")
		_, err = tx.SettingForTest("statement_timeout")
		return err
	})
	require.Error(t, err, "the transaction is gone")
	_, err = s.Release(ctx, "none")
	assert.ErrorIs(t, err, store.ErrNotFound, "the pool opens a new session")
}

// A subscription's claim on its consumer group is renewed while its
// handler works, however short IdleInTxTimeout (and with it the claim's
// lifetime) is: a handler slower than that still acks its message once.
func TestPostgresSlowHandlerKeepsItsClaim(t *testing.T) {
	s := openPostgres(t, store.Config{IdleInTxTimeout: 100 * time.Millisecond, AckDeadline: 10 * time.Second})
	ctx := context.Background()
	pub := s.Publisher()
	require.NoError(t, pub.Publish("slow", message.NewMessage("m1", nil)))
	sub, err := s.Subscriber("g")
	require.NoError(t, err)
	ch, err := sub.Subscribe(ctx, "slow")
	require.NoError(t, err)
	m := receive(t, ch)
	time.Sleep(500 * time.Millisecond) // the work of a slow handler, not a synchronisation
	m.Ack()
	require.NoError(t, pub.Publish("slow", message.NewMessage("m2", nil)))
	next := receive(t, ch)
	next.Ack()
	assert.Equal(t, "m2", next.UUID, "m1 was acked once, not delivered again")
}
