package transporttest_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/transports"
)

// memPartner is the far side of the in-memory transports: units waiting to
// be taken (inbound) and units received (outbound).
type memPartner struct {
	mu      sync.Mutex
	waiting map[string][]byte // name → payload, offered until acked
	taken   map[string]bool   // in flight
	acked   []string
	wake    chan struct{}
}

func newMemPartner() *memPartner {
	return &memPartner{waiting: map[string][]byte{}, taken: map[string]bool{}, wake: make(chan struct{}, 1)}
}

func (p *memPartner) send(name string, payload []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, dup := p.waiting[name]; dup {
		return fmt.Errorf("unit %s sent twice", name)
	}
	p.waiting[name] = payload
	p.poke()
	return nil
}

func (p *memPartner) poke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *memPartner) ackedNames() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.acked)
}

// take returns a waiting unit that is not in flight and marks it taken.
func (p *memPartner) take() (string, []byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, name := range slices.Sorted(maps.Keys(p.waiting)) {
		if !p.taken[name] {
			p.taken[name] = true
			return name, p.waiting[name], true
		}
	}
	return "", nil, false
}

func (p *memPartner) settle(name string, ack bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.taken, name)
	if ack {
		delete(p.waiting, name)
		p.acked = append(p.acked, name)
	}
}

// memSubscriber is a minimal correct inbound transport over a memPartner.
// earlyAck makes it acknowledge units on delivery: the defect the suite must
// catch.
type memSubscriber struct {
	partner  *memPartner
	earlyAck bool

	mu      sync.Mutex
	closed  bool
	closing chan struct{}
	wg      sync.WaitGroup
}

func newMemSubscriber(p *memPartner) *memSubscriber {
	return &memSubscriber{partner: p, closing: make(chan struct{})}
}

func (s *memSubscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, fmt.Errorf("memory subscriber %w", transports.ErrClosed)
	}
	out := make(chan *message.Message)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(out)
		for {
			name, payload, ok := s.partner.take()
			if !ok {
				select {
				case <-s.partner.wake:
					continue
				case <-ctx.Done():
					return
				case <-s.closing:
					return
				}
			}
			msg := transports.NewMessage(payload, time.Now())
			msg.Metadata.Set(transports.MetaEndpoint, topic)
			msg.Metadata.Set(transports.MetaFilename, name)
			msg.SetContext(ctx)
			if s.earlyAck {
				s.partner.settle(name, true)
			}
			select {
			case out <- msg:
			case <-ctx.Done():
				s.partner.settle(name, false)
				return
			case <-s.closing:
				s.partner.settle(name, false)
				return
			}
			select {
			case <-msg.Acked():
				s.partner.settle(name, true)
			case <-msg.Nacked():
				s.partner.settle(name, false)
			case <-ctx.Done():
				s.partner.settle(name, false)
				return
			case <-s.closing:
				s.partner.settle(name, false)
				return
			}
		}
	}()
	return out, nil
}

func (s *memSubscriber) Close() error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.closing)
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// memPublisher is a minimal correct outbound transport. ignoreOutName makes
// it deliver under the message UUID: the defect the suite must catch.
type memPublisher struct {
	ignoreOutName bool

	mu        sync.Mutex
	closed    bool
	delivered map[string][]byte
}

func (p *memPublisher) Publish(_ string, msgs ...*message.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return fmt.Errorf("memory publisher %w", transports.ErrClosed)
	}
	for _, msg := range msgs {
		name := msg.Metadata.Get(transports.MetaOutName)
		if name == "" || p.ignoreOutName {
			name = msg.UUID
		}
		if _, err := transports.SafeName(name); err != nil {
			return transports.Permanent(err)
		}
		p.delivered[name] = slices.Clone(msg.Payload)
	}
	return nil
}

func (p *memPublisher) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	return nil
}

func (p *memPublisher) snapshot() map[string][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.delivered)
}
