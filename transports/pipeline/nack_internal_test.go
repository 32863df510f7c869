package pipeline

import (
	"context"
	"errors"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
)

// A handler that fails after its message's context ended (ack deadline,
// lease lost, sender gone) is nacked for another delivery, not made a dead
// letter; one that fails with its context alive still is.
func TestFailureAfterContextEndedIsNotADeadLetter(t *testing.T) {
	failing := errors.New("answered 503")
	h := nackWhenContextEnded(func(*message.Message) ([]*message.Message, error) { return nil, failing })

	live := message.NewMessage("m-1", nil)
	_, err := h(live)
	assert.ErrorIs(t, err, failing)
	assert.True(t, deadLetterWorthy(err), "a failure with its context alive is a dead letter")

	ended := message.NewMessage("m-2", nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ended.SetContext(ctx)
	_, err = h(ended)
	assert.ErrorIs(t, err, failing, "the reason is kept")
	assert.False(t, deadLetterWorthy(err), "a failure after the context ended is nacked")

	ok := nackWhenContextEnded(func(*message.Message) ([]*message.Message, error) { return nil, nil })
	_, err = ok(ended)
	assert.NoError(t, err)
}
