package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/store"
	"github.com/nexport/pcsgate/transports/transporttest"
)

// TestInOrder: transactions started in reverse order under turns run in
// the turns' order, on both backends.
func TestInOrder(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			const n = 20
			order := transporttest.Backwards(n, func(i int, turn *transports.Turn, note func(int)) {
				ctx := store.InOrder(context.Background(), turn)
				assert.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
					note(i)
					_, err := tx.Seen("order", string(rune('a'+i)))
					return err
				}))
			})
			assert.Equal(t, transporttest.InOrder(n), order, "transactions in the turns' order")
		})
	}
}
