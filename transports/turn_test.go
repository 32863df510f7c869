package transports_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
)

// TestTurnsKeepOrder: workers started in any order pass their turns in the
// order the turns were handed out.
func TestTurnsKeepOrder(t *testing.T) {
	var q transports.Turns
	const n = 50
	turns := make([]*transports.Turn, n)
	for i := range turns {
		turns[i] = q.Next()
	}
	var (
		mu    sync.Mutex
		order []int
		wg    sync.WaitGroup
	)
	for i := n - 1; i >= 0; i-- { // started backwards
		wg.Add(1)
		go func() {
			defer wg.Done()
			require.NoError(t, turns[i].Wait(context.Background()))
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			turns[i].Done()
			turns[i].Done() // twice is harmless
		}()
	}
	wg.Wait()
	want := make([]int, n)
	for i := range want {
		want[i] = i
	}
	assert.Equal(t, want, order)
}

// TestTurnEndsAfterEarlierOnes: a turn ended early does not let the next
// one start before the turns before it have ended.
func TestTurnEndsAfterEarlierOnes(t *testing.T) {
	var q transports.Turns
	first, second, third := q.Next(), q.Next(), q.Next()
	second.Done() // acked before the first, say
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, third.Wait(ctx), context.DeadlineExceeded, "the first turn has not ended")
	first.Done()
	require.NoError(t, third.Wait(context.Background()))
}

func TestTurnOf(t *testing.T) {
	assert.Nil(t, transports.TurnOf(context.Background()))
	var nilTurn *transports.Turn
	require.NoError(t, nilTurn.Wait(context.Background()), "a nil turn never waits")
	nilTurn.Done()
	var q transports.Turns
	turn := q.Next()
	assert.Same(t, turn, transports.TurnOf(transports.WithTurn(context.Background(), turn)))
}
