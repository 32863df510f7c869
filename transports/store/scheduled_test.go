package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// A scheduled message is published to its topic by the first ReleaseDue at
// or after its due time, with its payload and metadata, and only once; one
// not due yet stays and gives the next due time.
func TestScheduled(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := b.open(t, store.Config{})
			now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
			early := message.NewMessage("early", []byte("first"))
			early.Metadata.Set("k", "v")
			late := message.NewMessage("late", nil)
			watch := s.WatchScheduled()
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.Schedule("later", now.Add(time.Hour), late); err != nil {
					return err
				}
				return tx.Schedule("soon", now.Add(-time.Second), early)
			}))
			select {
			case <-watch:
			default:
				t.Fatal("scheduling did not wake the watchers")
			}
			sub, err := s.Subscriber("g")
			require.NoError(t, err)
			ch, err := sub.Subscribe(ctx, "soon")
			require.NoError(t, err)

			n, next, err := s.ReleaseDue(ctx, now, 10)
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			assert.Equal(t, now.Add(time.Hour), next)
			got := receive(t, ch)
			got.Ack()
			assert.Equal(t, "early", got.UUID)
			assert.Equal(t, "first", string(got.Payload))
			assert.Equal(t, "v", got.Metadata.Get("k"))

			n, _, err = s.ReleaseDue(ctx, now, 10)
			require.NoError(t, err)
			assert.Zero(t, n, "released once")
			left, err := s.Scheduled(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, left)

			n, next, err = s.ReleaseDue(ctx, now.Add(time.Hour), 10)
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			assert.True(t, next.IsZero(), "nothing left")
		})
	}
}
