package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/store"
)

// A kept message is found by the events that name it, by their raw hash
// or (for a message with a secret) their masked hash; the same message
// again is kept once; one over MaxBytes is not kept, without error; a
// hash that is not one is refused.
func TestRawMessages(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{MaxBytes: 2048})
			ctx := context.Background()
			plain, masked := []byte("UNH+1+COREOR'"), []byte("<tct>******</tct>")
			at := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
			big := bytes.Repeat([]byte("x"), 2049)
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
				for _, m := range []store.RawMessage{
					{Hash: transports.ContentHash(plain), Endpoint: "portbase-in", Name: "a.edi", ReceivedAt: at, Body: plain},
					{Hash: transports.ContentHash(plain), Endpoint: "other", Name: "again.edi", Body: plain},
					{Hash: transports.ContentHash(masked), Endpoint: "sone-in", Name: "b.xml", ReceivedAt: at, Body: masked},
				} {
					kept, err := tx.AddRawMessage(m)
					require.NoError(t, err)
					assert.True(t, kept)
				}
				kept, err := tx.AddRawMessage(store.RawMessage{Hash: transports.ContentHash(big), Body: big})
				require.NoError(t, err)
				assert.False(t, kept, "over MaxBytes")
				_, err = tx.AddRawMessage(store.RawMessage{Hash: "abc", Body: plain})
				require.ErrorIs(t, err, store.ErrInvalidHash)
				for _, e := range []store.EventRow{
					{ID: "e-plain", ReleaseKey: "R", RawHash: transports.ContentHash(plain)},
					{ID: "e-secret", ReleaseKey: "R", MaskedHash: transports.ContentHash(masked)},
					{ID: "e-big", ReleaseKey: "R", RawHash: transports.ContentHash(big)},
				} {
					e.Type, e.Body = "T", []byte(`{}`)
					if _, err := tx.AddEvent(e); err != nil {
						return err
					}
				}
				return nil
			}))

			m, key, err := s.MessageOf(ctx, "e-plain")
			require.NoError(t, err)
			assert.Equal(t, "R", key)
			assert.Equal(t, plain, m.Body)
			assert.Equal(t, []string{"portbase-in", "a.edi"}, []string{m.Endpoint, m.Name}, "the first kept")
			assert.True(t, at.Equal(m.ReceivedAt))
			m, _, err = s.MessageOf(ctx, "e-secret")
			require.NoError(t, err)
			assert.Equal(t, masked, m.Body)
			for _, id := range []string{"e-big", "e-none"} {
				_, _, err = s.MessageOf(ctx, id)
				require.ErrorIs(t, err, store.ErrNotFound, id)
			}

			evs, err := s.ReleaseEvents(ctx, "R")
			require.NoError(t, err)
			kept := map[string]bool{}
			for _, e := range evs {
				kept[e.ID] = e.MessageKept
			}
			assert.Equal(t, map[string]bool{"e-plain": true, "e-secret": true, "e-big": false}, kept)
		})
	}
}
