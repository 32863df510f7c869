package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

var errHandler = errors.New("handler failed")

func TestInTxAtomicity(t *testing.T) {
	body := []byte(`{"status":"RELEASED"}`)
	meta := store.ReleaseMeta{Status: "RELEASED", Port: "NLRTM", Carrier: "MSCU", Holder: "ACME"}
	cases := []struct {
		name    string
		fn      func(tx *store.Tx) error
		wantErr error
		saved   bool
	}{
		{
			name: "committed",
			fn: func(tx *store.Tx) error {
				if err := tx.Publish("accepted", message.NewMessage("m-1", []byte("out"))); err != nil {
					return err
				}
				if _, err := tx.Seen(store.DedupeContent, "h-1"); err != nil {
					return err
				}
				return tx.SaveRelease("R1", meta, body, 0)
			},
			saved: true,
		},
		{
			name: "handler error after publish and save",
			fn: func(tx *store.Tx) error {
				if err := tx.Publish("accepted", message.NewMessage("m-1", []byte("out"))); err != nil {
					return err
				}
				if _, err := tx.Seen(store.DedupeContent, "h-1"); err != nil {
					return err
				}
				if err := tx.SaveRelease("R1", meta, body, 0); err != nil {
					return err
				}
				return errHandler
			},
			wantErr: errHandler,
		},
		{
			name: "store error after publish",
			fn: func(tx *store.Tx) error {
				if err := tx.Publish("accepted", message.NewMessage("m-1", []byte("out"))); err != nil {
					return err
				}
				if _, err := tx.Seen(store.DedupeContent, "h-1"); err != nil {
					return err
				}
				return tx.SaveRelease("R1", meta, []byte(`{not json`), 0)
			},
			wantErr: store.ErrInvalidJSON,
		},
	}
	for _, b := range backends() {
		for _, c := range cases {
			t.Run(b.name+"/"+c.name, func(t *testing.T) {
				s := b.open(t, store.Config{})
				ctx := context.Background()
				sub, err := s.Subscriber("check")
				require.NoError(t, err)
				ch, err := sub.Subscribe(ctx, "accepted")
				require.NoError(t, err)

				err = s.InTx(ctx, c.fn)
				if c.wantErr != nil {
					require.ErrorIs(t, err, c.wantErr)
				} else {
					require.NoError(t, err)
				}

				// A later commit's marker proves what came before it: the
				// topic is ordered, so if the first message is the marker,
				// nothing was published by the transaction under test.
				require.NoError(t, s.Publisher().Publish("accepted", message.NewMessage("marker", nil)))
				first := receive(t, ch)
				first.Ack()
				_, relErr := s.Release(ctx, "R1")
				var dup bool
				require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
					dup, err = tx.Seen(store.DedupeContent, "h-1")
					return err
				}))
				if c.saved {
					assert.Equal(t, "m-1", first.UUID)
					assert.Equal(t, "out", string(first.Payload))
					require.NoError(t, relErr)
					assert.True(t, dup, "dedupe key committed")
					assert.Equal(t, "marker", receive(t, ch).UUID)
				} else {
					assert.Equal(t, "marker", first.UUID, "rolled-back message was delivered")
					require.ErrorIs(t, relErr, store.ErrNotFound)
					assert.False(t, dup, "dedupe key rolled back")
				}
			})
		}
	}
}

func TestInTxPanicRollsBack(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			ctx := context.Background()
			assert.PanicsWithValue(t, "boom", func() {
				_ = s.InTx(ctx, func(tx *store.Tx) error {
					require.NoError(t, tx.SaveRelease("R1", store.ReleaseMeta{}, []byte(`{}`), 0))
					panic("boom")
				})
			})
			_, err := s.Release(ctx, "R1")
			require.ErrorIs(t, err, store.ErrNotFound)
			// The writer is free again.
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
				return tx.SaveRelease("R1", store.ReleaseMeta{}, []byte(`{}`), 0)
			}))
		})
	}
}

func TestTxUnusableAfterInTx(t *testing.T) {
	s := openSQLite(t, store.Config{})
	var kept *store.Tx
	require.NoError(t, s.InTx(context.Background(), func(tx *store.Tx) error {
		kept = tx
		return nil
	}))
	calls := []struct {
		name string
		call func() error
	}{
		{"Publish", func() error { return kept.Publish("t", message.NewMessage("u", nil)) }},
		{"SaveRelease", func() error { return kept.SaveRelease("k", store.ReleaseMeta{}, []byte(`{}`), 0) }},
		{"FindRelease", func() error { _, _, _, _, err := kept.FindRelease("k", "u"); return err }},
		{"AddEvent", func() error { _, err := kept.AddEvent(store.EventRow{ID: "e"}); return err }},
		{"Seen", func() error { _, err := kept.Seen("k", "v"); return err }},
		{"AddDeadLetter", func() error { return kept.AddDeadLetter(store.DeadLetter{ID: "d"}) }},
		{"MarkReplayed", func() error { return kept.MarkReplayed("d") }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorIs(t, c.call(), store.ErrTxDone)
		})
	}
}
