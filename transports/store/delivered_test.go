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
