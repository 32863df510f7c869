package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// TestHourlyCounts: events, dead letters and acknowledged deliveries are
// counted per hour, system and outcome, from since on, on every backend.
func TestHourlyCounts(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			ctx := context.Background()
			now := time.Now().UTC()
			hour := now.Truncate(time.Hour)
			before := hour.Add(-time.Hour)
			event := func(id, pcs string, at time.Time) store.EventRow {
				body, err := json.Marshal(map[string]any{"id": id, "source": map[string]string{"pcs": pcs, "profile": pcs + "/x"}})
				require.NoError(t, err)
				return store.EventRow{ID: id, ReleaseKey: "SEA/K/" + id, Seq: 1, Type: "RELEASE_CREATED",
					OccurredAt: at, ReceivedAt: at, Hash: "h", Body: body}
			}
			const target = "pcsgate_target_profile"
			out := message.NewMessage("o1", []byte("x"))
			out.Metadata.Set(target, "cpu/transfer")
			pending := message.NewMessage("o2", []byte("y"))
			pending.Metadata.Set(target, "cpu/transfer")
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
				for _, e := range []store.EventRow{
					event("e1", "portbase", hour.Add(time.Minute)), event("e2", "portbase", hour.Add(2*time.Minute)),
					event("e3", "cpu", before.Add(time.Minute)), event("e4", "cpu", before.Add(-time.Hour)),
				} {
					if _, err := tx.AddEvent(e); err != nil {
						return err
					}
				}
				for _, d := range []store.DeadLetter{
					{ID: "d1", Stage: "decode", Profile: "sone/order", Endpoint: "sone-in", CreatedAt: hour.Add(time.Minute)},
					{ID: "d2", Stage: "decode", Endpoint: "carriers-in", CreatedAt: hour.Add(time.Minute)},
					{ID: "d3", Stage: "deliver_cpu-out", Profile: "portbase/coreor", Endpoint: "cpu-out", CreatedAt: before},
				} {
					if err := tx.AddDeadLetter(d); err != nil {
						return err
					}
				}
				return tx.Publish("outbound_cpu-out", out)
			}))
			// The first message is delivered and acknowledged, the second
			// waits.
			sub, err := s.Subscriber("deliver_cpu-out")
			require.NoError(t, err)
			ch, err := sub.Subscribe(ctx, "outbound_cpu-out")
			require.NoError(t, err)
			receive(t, ch).Ack()
			delivery := store.Delivery{Topic: "outbound_cpu-out", Group: "deliver_cpu-out"}
			require.Eventually(t, func() bool {
				n, err := s.Backlog(ctx, delivery)
				return err == nil && n == 0
			}, 10*time.Second, 10*time.Millisecond, "the ack recorded")
			require.NoError(t, sub.Close())
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error { return tx.Publish("outbound_cpu-out", pending) }))
			n, err := s.Backlog(ctx, delivery)
			require.NoError(t, err)
			assert.Equal(t, int64(1), n, "the second message waits")

			got, err := s.HourlyCounts(ctx, before, target, []store.Delivery{delivery})
			require.NoError(t, err)
			// The deliveries were published now, which may be in the
			// hour after hour when the test runs across it.
			var delivered int64
			var rest []store.HourCount
			for _, c := range got {
				if c.Outcome == store.OutcomeDelivered {
					assert.Equal(t, "cpu", c.System)
					delivered += c.Count
					continue
				}
				rest = append(rest, c)
			}
			assert.Equal(t, int64(1), delivered, "acknowledged deliveries only")
			assert.Equal(t, []store.HourCount{
				{Hour: before, System: "cpu", Outcome: store.OutcomeReceived, Count: 1},
				{Hour: before, System: "portbase", Outcome: store.OutcomeFailed, Count: 1},
				{Hour: hour, System: "carriers-in", Outcome: store.OutcomeRejected, Count: 1},
				{Hour: hour, System: "portbase", Outcome: store.OutcomeReceived, Count: 2},
				{Hour: hour, System: "sone", Outcome: store.OutcomeRejected, Count: 1},
			}, rest)
		})
	}
}

// ExistingTopics names the topics with tables, whatever their names'
// length (a long one's table name is shortened with a hash).
func TestExistingTopics(t *testing.T) {
	long := "outbound_" + strings.Repeat("x", 80) + ".7"
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			ctx := context.Background()
			for _, topic := range []string{"outbound_a.3", long} {
				require.NoError(t, s.Publisher().Publish(topic, message.NewMessage(watermill.NewUUID(), []byte("x"))))
			}
			got, err := s.ExistingTopics(ctx, []string{"outbound_a.2", "outbound_a.3", "outbound_b.3", long})
			require.NoError(t, err)
			assert.Equal(t, []string{"outbound_a.3", long}, got)
			_, err = s.ExistingTopics(ctx, []string{"bad topic"})
			assert.ErrorIs(t, err, store.ErrInvalidTopic)
		})
	}
}
