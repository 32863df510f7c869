package transports_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/nexport/pcsgate/transports"
)

func TestQueue(t *testing.T) {
	wakes := 0
	q := transports.NewQueue[string](2, func() { wakes++ })
	id := func(s string) string { return s }
	assert.True(t, q.Idle())
	assert.Zero(t, q.Waiting())
	assert.Equal(t, []string{"a", "b"}, q.Add([]string{"a", "b", "a", "c"}, id), "duplicates and units over the limit wait")
	assert.Positive(t, wakes)
	it, ok := q.Pop()
	assert.True(t, ok)
	assert.Equal(t, "a", it)
	assert.Empty(t, q.Add([]string{"a"}, id), "a unit in flight is not queued again")
	assert.True(t, q.Holds("a"), "in flight")
	assert.True(t, q.Holds("b"), "queued")
	assert.False(t, q.Holds("c"), "left over the limit")
	assert.Equal(t, 2, q.Waiting(), "one queued, one in flight")
	assert.False(t, q.Idle())
	q.Release("a")
	assert.Equal(t, []string{"a"}, q.Add([]string{"a"}, id), "released, it may be queued again")
	b, _ := q.Pop()
	a, _ := q.Pop()
	assert.Equal(t, []string{"b", "a"}, []string{b, a}, "first in, first out")
	_, ok = q.Pop()
	assert.False(t, ok)
	q.Release("a")
	q.Release("b")
	assert.False(t, q.Holds("a"), "released")
	assert.True(t, q.Idle())
	assert.Zero(t, q.Waiting())
}
