package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// Connections taken at the same moment stay open for the next burst,
// instead of all but two being closed and opened again.
func TestPostgresPoolKeepsIdleConnections(t *testing.T) {
	s := openPostgres(t, store.Config{})
	ctx := context.Background()
	const burst = 8
	var ready, hold sync.WaitGroup
	ready.Add(burst)
	hold.Add(1)
	var wg sync.WaitGroup
	for range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			require.NoError(t, s.HoldConnForTest(ctx, func() { ready.Done(); hold.Wait() }))
		}()
	}
	ready.Wait()
	hold.Done()
	wg.Wait()
	assert.GreaterOrEqual(t, s.PoolStatsForTest().Idle, burst, "the burst's connections kept idle")
}
