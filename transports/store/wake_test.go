package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// TestPublishWakesIdleSubscription polls only once an hour: the messages can
// only arrive in time because each publish wakes the idle subscription.
func TestPublishWakesIdleSubscription(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{PollInterval: time.Hour})
			sub, err := s.Subscriber("g")
			require.NoError(t, err)
			ch, err := sub.Subscribe(context.Background(), "wake")
			require.NoError(t, err)
			for _, id := range []string{"m-1", "m-2", "m-3"} {
				require.NoError(t, s.Publisher().Publish("wake", newMessage(id, nil)))
				m := receive(t, ch)
				assert.Equal(t, id, m.UUID)
				m.Ack()
			}
		})
	}
}

// TestMessageFromAnotherProcess writes a message with a connection of its
// own, as another process would, which wakes nobody: the subscription finds
// it at its next poll.
func TestMessageFromAnotherProcess(t *testing.T) {
	dsn := sqliteDSN(t)
	s := openSQLite(t, store.Config{DSN: dsn, PollInterval: 20 * time.Millisecond})
	sub, err := s.Subscriber("g")
	require.NoError(t, err)
	ch, err := sub.Subscribe(context.Background(), "ext")
	require.NoError(t, err)

	db, err := sql.Open("sqlite", strings.TrimPrefix(dsn, "sqlite:")+"?_busy_timeout=5000")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(`INSERT INTO `+store.MessagesTable("ext")+` (uuid, payload, metadata) VALUES (?, ?, ?)`,
		"ext-1", []byte("from elsewhere"), `{"k":"v"}`)
	require.NoError(t, err)

	m := receive(t, ch)
	assert.Equal(t, "ext-1", m.UUID)
	assert.Equal(t, "from elsewhere", string(m.Payload))
	assert.Equal(t, "v", m.Metadata.Get("k"))
	m.Ack()
}

// TestPostgresMessageHiddenByOlderTransaction: on PostgreSQL a message is
// not visible while a transaction older than it is open. Its publish wakes
// the subscription too early; the short waits that follow find it once the
// older transaction ends, long before the hourly poll. The reads are
// observed through watermill-sql's trace log.
func TestPostgresMessageHiddenByOlderTransaction(t *testing.T) {
	dsn := postgresDSN(t)
	reads := &readLog{ch: make(chan struct{}, 1000)}
	cfg := testConfig(store.Config{DSN: dsn, PollInterval: time.Hour})
	s, err := store.OpenConfig(context.Background(), cfg, reads)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	sub, err := s.Subscriber("g")
	require.NoError(t, err)
	ch, err := sub.Subscribe(context.Background(), "hidden")
	require.NoError(t, err)
	reads.await(t) // the first read, of an empty topic

	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer db.Close()
	older, err := db.Begin()
	require.NoError(t, err)
	_, err = older.Exec(`SELECT pg_current_xact_id()`) // takes a transaction id
	require.NoError(t, err)

	require.NoError(t, s.Publisher().Publish("hidden", newMessage("m-1", nil)))
	reads.await(t) // woken by the publish: the message is not visible yet
	reads.await(t) // a short wait later, reading again
	require.NoError(t, older.Commit())
	m := receive(t, ch)
	assert.Equal(t, "m-1", m.UUID)
	m.Ack()
}

// readLog signals every read watermill-sql's subscriber starts.
type readLog struct {
	watermill.NopLogger
	ch chan struct{}
}

func (l *readLog) Trace(msg string, _ watermill.LogFields) {
	if msg == "Querying message" {
		select {
		case l.ch <- struct{}{}:
		default:
		}
	}
}

func (l *readLog) With(watermill.LogFields) watermill.LoggerAdapter { return l }

func (l *readLog) await(t *testing.T) {
	t.Helper()
	select {
	case <-l.ch:
	case <-time.After(10 * time.Second):
		t.Fatal("no read within 10s")
	}
}
