package transports

import (
	"context"
	"sync"
)

// Turn is a message's place in the order its subscription delivered it.
// A transport that hands out several messages before the first is acked
// gives each a turn (see WithTurn); a consumer that handles them at the
// same time waits for its turn before the part of its work whose order
// matters, and ends the turn once that part is on its way. The transport
// ends every turn when its message is acked or nacked, so a consumer that
// never reaches that part holds up no one.
type Turn struct {
	prev <-chan struct{} // closed when the turn before ends; nil for the first
	done chan struct{}
	once sync.Once
}

// Wait returns once every earlier turn has ended, or with ctx's error.
// A nil Turn never waits.
func (t *Turn) Wait(ctx context.Context) error {
	if t == nil || t.prev == nil {
		return nil
	}
	select {
	case <-t.prev:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Done ends the turn. The next turn starts once this one and every earlier
// one have ended, whatever order they end in. Done may be called more than
// once, and on a nil Turn.
func (t *Turn) Done() {
	if t == nil {
		return
	}
	t.once.Do(func() {
		if t.prev == nil {
			close(t.done)
			return
		}
		select {
		case <-t.prev:
			close(t.done)
		default:
			go func() { <-t.prev; close(t.done) }()
		}
	})
}

// Turns hands out the turns of one subscription, in delivery order. It is
// not safe for concurrent use: the subscription's delivery loop owns it.
type Turns struct {
	last chan struct{}
}

// Next returns the turn after the last one handed out.
func (q *Turns) Next() *Turn {
	t := &Turn{prev: q.last, done: make(chan struct{})}
	q.last = t.done
	return t
}

type turnKey struct{}

// WithTurn returns ctx carrying t, for a message's context.
func WithTurn(ctx context.Context, t *Turn) context.Context {
	return context.WithValue(ctx, turnKey{}, t)
}

// TurnOf returns the turn ctx carries, or nil.
func TurnOf(ctx context.Context) *Turn {
	t, _ := ctx.Value(turnKey{}).(*Turn)
	return t
}
