package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/store"
)

// TestInOrder: transactions started in reverse order under turns run in
// the turns' order, on both backends.
func TestInOrder(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			const n = 20
			var q transports.Turns
			turns := make([]*transports.Turn, n)
			for i := range turns {
				turns[i] = q.Next()
			}
			var (
				mu    sync.Mutex
				order []int
				wg    sync.WaitGroup
			)
			for i := n - 1; i >= 0; i-- {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ctx := store.InOrder(context.Background(), turns[i])
					assert.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
						mu.Lock()
						order = append(order, i)
						mu.Unlock()
						_, err := tx.Seen("order", string(rune('a'+i)))
						return err
					}))
				}()
			}
			wg.Wait()
			require.Len(t, order, n)
			for i, got := range order {
				assert.Equal(t, i, got, "transaction %d ran as %d", got, i)
			}
		})
	}
}
