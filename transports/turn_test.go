package transports_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/transporttest"
)

// TestTurnsKeepOrder: workers started in any order pass their turns in the
// order the turns were handed out.
func TestTurnsKeepOrder(t *testing.T) {
	const n = 50
	order := transporttest.Backwards(n, func(i int, turn *transports.Turn, note func(int)) {
		require.NoError(t, turn.Wait(context.Background()))
		note(i)
		turn.Done()
		turn.Done() // twice is harmless
	})
	assert.Equal(t, transporttest.InOrder(n), order)
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
