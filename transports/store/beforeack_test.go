package store_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// BeforeAck runs before a batch's acknowledgement is recorded; when it
// fails, the whole batch comes again.
func TestBeforeAck(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			ctx := context.Background()
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
				return tx.Publish("barrier", newMessage("m-1", []byte("a")), newMessage("m-2", []byte("b")))
			}))
			var acked, calls, afterAcks atomic.Int32
			var failed atomic.Bool
			sub, err := s.SubscriberWith("g", store.SubscriberOptions{BeforeAck: func(context.Context) error {
				calls.Add(1)
				if acked.Load() >= 2 {
					afterAcks.Add(1)
					if !failed.Swap(true) {
						return errors.New("disk full")
					}
				}
				return nil
			}})
			require.NoError(t, err)
			defer sub.Close()
			ch, err := sub.Subscribe(ctx, "barrier")
			require.NoError(t, err)

			var got []string
			for range 4 {
				m := receive(t, ch)
				got = append(got, m.UUID)
				acked.Add(1)
				m.Ack()
			}
			require.Equal(t, []string{"m-1", "m-2", "m-1", "m-2"}, got, "the batch comes again after BeforeAck failed")

			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
				return tx.Publish("barrier", newMessage("m-3", []byte("c")))
			}))
			m := receive(t, ch)
			require.Equal(t, "m-3", m.UUID, "the second batch's acknowledgement was recorded")
			m.Ack()
			require.GreaterOrEqual(t, afterAcks.Load(), int32(2), "BeforeAck ran before each batch's acknowledgement")
			require.Positive(t, calls.Load())
		})
	}
}
