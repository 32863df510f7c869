package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// envStoppedDSN makes the test binary the instance that
// TestPostgresStoppedInstance stops.
const envStoppedDSN = "PCSGATE_TEST_STOPPED_DSN"

// stoppedConfig is the store configuration of both instances: short
// limits, so the stopped one's claims expire quickly.
func stoppedConfig(dsn string) store.Config {
	return store.Config{DSN: dsn, AckDeadline: time.Second, IdleInTxTimeout: 500 * time.Millisecond}
}

// TestPostgresStoppedInstanceHelper is the other instance: it takes a
// message, says so and then hangs with its consumer group's claim. It runs only when TestPostgresStoppedInstance starts it.
func TestPostgresStoppedInstanceHelper(t *testing.T) {
	dsn := os.Getenv(envStoppedDSN)
	if dsn == "" {
		t.Skip("started by TestPostgresStoppedInstance")
	}
	s, err := store.OpenConfig(context.Background(), stoppedConfig(dsn), nil)
	require.NoError(t, err)
	sub, err := s.Subscriber("g")
	require.NoError(t, err)
	ch, err := sub.Subscribe(context.Background(), "held")
	require.NoError(t, err)
	<-ch
	_, _ = os.Stdout.WriteString("holding\n")
	select {} // stopped with SIGSTOP, then killed
}

// An instance stopped (SIGSTOP) while its handler works holds no
// transaction: it used to hold its subscription's, which on PostgreSQL hid
// every newer message of every topic from the other instances until the
// server ended it. Now messages of other topics are delivered at once.
func TestPostgresStoppedInstance(t *testing.T) {
	dsn := postgresDSN(t)
	ctx := context.Background()
	s := openPostgres(t, stoppedConfig(dsn))
	require.NoError(t, s.Publisher().Publish("held", message.NewMessage("held", nil)))
	sub, err := s.Subscriber("h")
	require.NoError(t, err)
	ch, err := sub.Subscribe(ctx, "other")
	require.NoError(t, err)

	stopped := stopHelperHolding(t, "TestPostgresStoppedInstanceHelper", envStoppedDSN, dsn)

	require.NoError(t, s.Publisher().Publish("other", message.NewMessage("after", nil)))
	select {
	case m := <-ch:
		m.Ack()
		assert.Equal(t, "after", m.UUID)
		t.Logf("a message published after the stop was delivered %.1f s later", time.Since(stopped).Seconds())
	case <-time.After(20 * time.Second):
		t.Fatal("nothing delivered while the other instance is stopped")
	}
}
