package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// A delivery marked done is found per endpoint, marking it again is no
// error, and pruning forgets marks older than its cutoff only.
func TestDelivered(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := b.open(t, store.Config{})
			at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
			require.NoError(t, s.MarkDelivered(ctx, "a", at, "m1", "m2"))
			require.NoError(t, s.MarkDelivered(ctx, "a", at.Add(time.Hour), "m2", "m3"), "marked again")
			for _, c := range []struct {
				endpoint, uuid string
				want           bool
			}{{"a", "m1", true}, {"a", "m2", true}, {"a", "m3", true}, {"b", "m1", false}, {"a", "m4", false}} {
				for range 2 { // the second time through the prepared statement
					got, err := s.IsDelivered(ctx, c.endpoint, c.uuid)
					require.NoError(t, err)
					assert.Equal(t, c.want, got, "%s %s", c.endpoint, c.uuid)
				}
			}
			n, err := s.PruneDelivered(ctx, at.Add(time.Minute))
			require.NoError(t, err)
			assert.Equal(t, int64(2), n, "m1 and m2, marked first at the older time")
			got, err := s.IsDelivered(ctx, "a", "m3")
			require.NoError(t, err)
			assert.True(t, got, "the newer mark stays")

			many := make([]string, 700)
			for i := range many {
				many[i] = fmt.Sprintf("x%d", i)
			}
			require.NoError(t, s.MarkDelivered(ctx, "a", at, many...), "more than one statement's worth")
			for _, i := range []int{0, 299, 300, 699} {
				got, err = s.IsDelivered(ctx, "a", many[i])
				require.NoError(t, err)
				assert.True(t, got, many[i])
			}
			assert.ErrorIs(t, s.MarkDelivered(ctx, "", at, "m"), store.ErrEmpty)
			assert.ErrorIs(t, s.MarkDelivered(ctx, "a", at, ""), store.ErrEmpty)
		})
	}
}

// DeliveredAhead answers for the next messages a group has not
// acknowledged, in publish order, whether each is marked delivered.
func TestDeliveredAhead(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := b.open(t, testConfig(store.Config{BatchSize: 2}))
			d := store.Delivery{Topic: "ahead", Group: "g"}
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
				return tx.Publish(d.Topic, newMessage("m-1", []byte("a")), newMessage("m-2", []byte("b")), newMessage("m-3", []byte("c")))
			}))
			require.NoError(t, s.MarkDelivered(ctx, "out", time.Now(), "m-2"))
			ahead, err := s.DeliveredAhead(ctx, "out", d)
			require.NoError(t, err)
			assert.Equal(t, map[string]bool{"m-1": false, "m-2": true}, ahead, "one batch: the first two")
			ahead, err = s.DeliveredAhead(ctx, "elsewhere", d)
			require.NoError(t, err)
			assert.Equal(t, map[string]bool{"m-1": false, "m-2": false}, ahead, "marks are per endpoint")

			sub, err := s.Subscriber(d.Group)
			require.NoError(t, err)
			defer sub.Close()
			ch, err := sub.Subscribe(ctx, d.Topic)
			require.NoError(t, err)
			for range 3 {
				receive(t, ch).Ack()
			}
			// m-3 was read in a batch of its own; m-4 is read once that
			// batch's acknowledgement was recorded.
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
				return tx.Publish(d.Topic, newMessage("m-4", []byte("d")))
			}))
			require.Equal(t, "m-4", receive(t, ch).UUID, "the first batch's acknowledgement was recorded")
			ahead, err = s.DeliveredAhead(ctx, "out", d)
			require.NoError(t, err)
			assert.Equal(t, map[string]bool{"m-4": false}, ahead, "acknowledged messages are behind")

			_, err = s.DeliveredAhead(ctx, "", d)
			assert.ErrorIs(t, err, store.ErrEmpty)
		})
	}
}
