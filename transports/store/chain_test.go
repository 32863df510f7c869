package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

func TestChains(t *testing.T) {
	raw := strings.Repeat("ab", 32)
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			now := t0
			s := b.open(t, store.Config{Clock: func() time.Time { return now }})
			ctx := context.Background()
			// R2 is saved first, an hour before the others; events go in
			// out of order.
			for i, key := range []string{"R2", "R1", "R3"} {
				now = t0.Add(time.Duration(i) * time.Hour)
				require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
					for _, seq := range []int64{2, 1} {
						_, err := tx.AddEvent(store.EventRow{ID: key + "-e" + string(rune('0'+seq)), ReleaseKey: key, Seq: seq, Type: "RELEASE_CREATED",
							OccurredAt: t0, ReceivedAt: t0, Hash: "h", Body: []byte(`{"seq":` + string(rune('0'+seq)) + `}`), RawHash: raw})
						if err != nil {
							return err
						}
					}
					return tx.SaveRelease(key, store.ReleaseMeta{Status: "RELEASED"}, []byte(`{"key":"`+key+`"}`), 0)
				}))
			}

			page, err := s.Chains(ctx, store.ChainFilter{Limit: 2})
			require.NoError(t, err)
			require.Len(t, page, 2)
			assert.Equal(t, []string{"R1", "R2"}, []string{page[0].Key, page[1].Key})
			assert.JSONEq(t, `{"key":"R1"}`, string(page[0].Body))
			require.Len(t, page[0].Events, 2)
			assert.Equal(t, []string{"R1-e1", "R1-e2"}, []string{page[0].Events[0].ID, page[0].Events[1].ID})
			assert.Equal(t, `{"seq":1}`, string(page[0].Events[0].Body), "bodies come back byte for byte")
			assert.Equal(t, raw, page[0].Events[0].RawHash)

			next, err := s.Chains(ctx, store.ChainFilter{After: "R2", Limit: 2})
			require.NoError(t, err)
			require.Len(t, next, 1)
			assert.Equal(t, "R3", next[0].Key)
			assert.Len(t, next[0].Events, 2)

			one, err := s.Chains(ctx, store.ChainFilter{Key: "R2"})
			require.NoError(t, err)
			require.Len(t, one, 1)
			assert.Equal(t, "R2-e1", one[0].Events[0].ID)

			since, err := s.Chains(ctx, store.ChainFilter{UpdatedSince: t0.Add(time.Hour)})
			require.NoError(t, err)
			require.Len(t, since, 2)
			assert.Equal(t, []string{"R1", "R3"}, []string{since[0].Key, since[1].Key})

			none, err := s.Chains(ctx, store.ChainFilter{Key: "R404"})
			require.NoError(t, err)
			assert.Empty(t, none)

			_, err = s.Chains(ctx, store.ChainFilter{Limit: 5000})
			assert.ErrorIs(t, err, store.ErrBadFilter)

			orphans, err := s.Orphans(ctx, 0)
			require.NoError(t, err)
			assert.Empty(t, orphans)
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
				for _, id := range []string{"o1", "o2"} {
					if _, err := tx.AddEvent(store.EventRow{ID: id, ReleaseKey: "R0", Seq: 1, Type: "RELEASE_CREATED", Hash: "h", Body: []byte(`{}`)}); err != nil {
						return err
					}
				}
				return nil
			}))
			orphans, err = s.Orphans(ctx, 0)
			require.NoError(t, err)
			assert.Equal(t, []store.Orphan{{Key: "R0", Events: 2}}, orphans)
		})
	}
}

func TestAddEventRawHash(t *testing.T) {
	s := openSQLite(t, store.Config{})
	err := s.InTx(context.Background(), func(tx *store.Tx) error {
		_, err := tx.AddEvent(store.EventRow{ID: "e1", ReleaseKey: "R1", Seq: 1, Type: "RELEASE_CREATED", Hash: "h", Body: []byte(`{}`), RawHash: "ABC"})
		return err
	})
	require.ErrorIs(t, err, store.ErrInvalidHash)
	assert.EqualError(t, err, `event "e1" raw hash "ABC" is not a SHA-256 in lower-case hex`)
}
