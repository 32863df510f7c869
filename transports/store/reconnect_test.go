package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// A subscription to a new topic survives the server ending the store's
// sessions, as it does with those of an instance that was stopped past
// the idle-in-transaction timeout: its set-up is tried again on a new
// connection instead of failing the instance's start.
func TestSubscribeAfterSessionsEnded(t *testing.T) {
	dsn := postgresDSN(t)
	s := openPostgres(t, store.Config{DSN: dsn + "&application_name=ended"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, s.Publisher().Publish("before", message.NewMessage(watermill.NewUUID(), []byte("x"))))

	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer admin.Close()
	var ended int
	require.NoError(t, admin.QueryRowContext(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE application_name = 'ended' AND pid <> pg_backend_pid()`).Scan(&ended))
	require.Positive(t, ended, "the store's sessions ended")

	sub, err := s.Subscriber("after")
	require.NoError(t, err)
	defer sub.Close()
	ch, err := sub.Subscribe(ctx, "after")
	require.NoError(t, err, "subscribed on a new connection")
	require.NoError(t, s.Publisher().Publish("after", message.NewMessage("m1", []byte("y"))))
	select {
	case m := <-ch:
		require.Equal(t, "m1", m.UUID)
		m.Ack()
	case <-ctx.Done():
		t.Fatal("nothing received after the sessions ended")
	}
}
