package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// TestRedelivery covers what a crash or a failing handler relies on: a
// message not acked comes back, to the same or a new member of its
// consumer group, and an acked one does not.
func TestRedelivery(t *testing.T) {
	type env struct {
		t     *testing.T
		b     backend
		dsn   string
		s     *store.Store
		topic string
	}
	subscribe := func(e *env, s *store.Store, group string) (message.Subscriber, <-chan *message.Message) {
		sub, err := s.Subscriber(group)
		require.NoError(e.t, err)
		ch, err := sub.Subscribe(context.Background(), e.topic)
		require.NoError(e.t, err)
		return sub, ch
	}
	cases := []struct {
		name string
		cfg  store.Config
		run  func(e *env)
	}{
		{
			name: "after nack, to the same subscriber",
			run: func(e *env) {
				_, ch := subscribe(e, e.s, "g")
				m := receive(e.t, ch)
				require.Equal(e.t, "m-1", m.UUID)
				m.Nack()
				again := receive(e.t, ch)
				assert.Equal(e.t, "m-1", again.UUID)
				assert.Equal(e.t, "payload", string(again.Payload))
				assert.Equal(e.t, "v", again.Metadata.Get("k"))
				again.Ack()
			},
		},
		{
			name: "after close without ack, to a new subscriber of the group",
			run: func(e *env) {
				sub, ch := subscribe(e, e.s, "g")
				require.Equal(e.t, "m-1", receive(e.t, ch).UUID)
				require.NoError(e.t, sub.Close())
				_, ch2 := subscribe(e, e.s, "g")
				m := receive(e.t, ch2)
				assert.Equal(e.t, "m-1", m.UUID)
				m.Ack()
			},
		},
		{
			name: "after the ack deadline",
			cfg:  store.Config{AckDeadline: 200 * time.Millisecond},
			run: func(e *env) {
				_, ch := subscribe(e, e.s, "g")
				require.Equal(e.t, "m-1", receive(e.t, ch).UUID) // never acked
				m := receive(e.t, ch)
				assert.Equal(e.t, "m-1", m.UUID)
				m.Ack()
			},
		},
		{
			name: "after the store is closed without ack and opened again",
			run: func(e *env) {
				_, ch := subscribe(e, e.s, "g")
				require.Equal(e.t, "m-1", receive(e.t, ch).UUID)
				require.NoError(e.t, e.s.Close())
				s2 := e.b.open(e.t, store.Config{DSN: e.dsn})
				_, ch2 := subscribe(e, s2, "g")
				m := receive(e.t, ch2)
				assert.Equal(e.t, "m-1", m.UUID)
				m.Ack()
			},
		},
		{
			name: "never after ack, even to a new subscriber",
			run: func(e *env) {
				sub, ch := subscribe(e, e.s, "g")
				m := receive(e.t, ch)
				require.True(e.t, m.Ack())
				// Delivery is at least once: an ack and a Close that come at
				// the same instant may still redeliver (watermill-sql picks
				// either). Once the ack is committed, it never comes back.
				require.Eventually(e.t, func() bool { return ackedOffset(e.t, e.dsn, e.topic, "g") >= 1 },
					10*time.Second, 5*time.Millisecond, "ack committed")
				require.NoError(e.t, sub.Close())
				require.NoError(e.t, e.s.Publisher().Publish(e.topic, message.NewMessage("marker", nil)))
				_, ch2 := subscribe(e, e.s, "g")
				assert.Equal(e.t, "marker", receive(e.t, ch2).UUID)
			},
		},
		{
			name: "to every consumer group, from the start of the topic",
			run: func(e *env) {
				_, ch := subscribe(e, e.s, "g")
				receive(e.t, ch).Ack()
				_, other := subscribe(e, e.s, "other")
				m := receive(e.t, other)
				assert.Equal(e.t, "m-1", m.UUID)
				m.Ack()
			},
		},
	}
	for _, b := range backends() {
		for _, c := range cases {
			t.Run(b.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				e := &env{t: t, b: b, dsn: b.dsn(t), topic: "received"}
				cfg := c.cfg
				cfg.DSN = e.dsn
				e.s = b.open(t, cfg)
				m := message.NewMessage("m-1", []byte("payload"))
				m.Metadata.Set("k", "v")
				require.NoError(t, e.s.Publisher().Publish(e.topic, m))
				c.run(e)
			})
		}
	}
}

// ackedOffset reads the offset a consumer group has committed for a topic,
// straight from the database (0 when none yet).
func ackedOffset(t *testing.T, dsn, topic, group string) int64 {
	driver, src := "pgx", dsn
	if strings.HasPrefix(dsn, "sqlite:") {
		driver, src = "sqlite", strings.TrimPrefix(dsn, "sqlite:")
	}
	db, err := sql.Open(driver, src)
	require.NoError(t, err)
	defer db.Close()
	var off int64
	err = db.QueryRow(`SELECT COALESCE((SELECT offset_acked FROM `+store.OffsetsTable(topic)+` WHERE consumer_group = $1), 0)`, group).Scan(&off)
	if err != nil {
		return 0 // the offsets table may not exist yet
	}
	return off
}
