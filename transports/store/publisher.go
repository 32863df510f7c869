package store

import (
	"fmt"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"
)

// Publisher returns a Watermill publisher writing to the store. Each Publish
// is its own transaction: when it returns nil the messages are committed.
// Closing the publisher does not close the store. To publish together with
// ledger changes, use InTx and Tx.Publish instead.
func (s *Store) Publisher() message.Publisher {
	return &publisher{s: s}
}

type publisher struct {
	s      *Store
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

// Publish commits messages to topic in one transaction, in slice order.
func (p *publisher) Publish(topic string, msgs ...*message.Message) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return fmt.Errorf("store publisher %w", ErrClosed)
	}
	p.wg.Add(1)
	p.mu.Unlock()
	defer p.wg.Done()

	return p.s.InTx(p.s.ctx, func(tx *Tx) error {
		return tx.Publish(topic, msgs...)
	})
}

// Close waits for publishes in flight and refuses new ones. It is
// idempotent.
func (p *publisher) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.wg.Wait()
	return nil
}

var _ message.Publisher = (*publisher)(nil)
