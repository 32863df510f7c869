package store

import "context"

// Ordered is a transaction's place in an order the store keeps: such a
// transaction goes to the writer only after Wait returns, and Done is
// called once it is the writer's (SQLite: queued on the single writer
// connection, where transactions run in the order they come; PostgreSQL:
// committed). transports.Turn is one: a consumer handling several inbound
// messages at once keeps their delivery order for their transactions.
type Ordered interface {
	Wait(ctx context.Context) error
	Done()
}

type orderKey struct{}

// InOrder returns ctx under which InTx and InTxReplayable keep o's order.
func InOrder(ctx context.Context, o Ordered) context.Context {
	return context.WithValue(ctx, orderKey{}, o)
}

// orderOf returns the order ctx carries; a no-op when none.
func orderOf(ctx context.Context) Ordered {
	if o, ok := ctx.Value(orderKey{}).(Ordered); ok && o != nil {
		return o
	}
	return unordered{}
}

type unordered struct{}

func (unordered) Wait(context.Context) error { return nil }
func (unordered) Done()                      {}
