package http

import (
	"context"
	"fmt"
	"mime"
	"sync"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/transports"
)

// Inbound is a webhook endpoint: an http.Handler that turns each accepted
// request into a message, and the message.Subscriber that delivers them.
//
// Subscribe may be called several times; each request's message goes to one
// subscription. Each subscription delivers one message at a time and waits
// for its Ack or Nack. The topic is recorded as transports.MetaEndpoint.
// The sender is answered 202 only after the Ack.
//
// Close is idempotent and safe from any goroutine: it closes every
// subscription channel, answers waiting requests 503 and makes later ones
// 503 at once.
type Inbound struct {
	cfg    InboundConfig
	logger watermill.LoggerAdapter
	recent *recentKeys
	types  map[string]bool

	incoming   chan delivery // requests hand their message to a subscription here
	unverified chan struct{} // a slot per body read before its sender is authenticated

	mu      sync.Mutex
	closed  bool
	closing chan struct{}
	wg      sync.WaitGroup
}

// delivery is one request's message on its way to a subscription, which
// then owns the resolution of its idempotency key.
type delivery struct {
	msg   *message.Message
	key   string
	entry *keyEntry
}

// NewInbound checks cfg. A nil logger logs nothing.
func NewInbound(cfg InboundConfig, logger watermill.LoggerAdapter) (*Inbound, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid http inbound config: %w", err)
	}
	if logger == nil {
		logger = watermill.NopLogger{}
	}
	types := make(map[string]bool, len(cfg.ContentTypes))
	for _, ct := range cfg.ContentTypes {
		mt, _, _ := mime.ParseMediaType(ct) // checked by Validate; lower-cases
		types[mt] = true
	}
	return &Inbound{
		cfg:        cfg,
		logger:     logger.With(watermill.LogFields{"transport": "http", "path": cfg.Path}),
		recent:     newRecentKeys(cfg.RecentKeys),
		types:      types,
		incoming:   make(chan delivery),
		unverified: make(chan struct{}, cfg.MaxUnverified),
		closing:    make(chan struct{}),
	}, nil
}

// Path is where the gateway's HTTP server must serve this endpoint.
func (in *Inbound) Path() string { return in.cfg.Path }

// Subscribe returns a channel of messages, one per accepted request. It is
// closed when ctx is cancelled or the Inbound is closed.
func (in *Inbound) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.closed {
		return nil, fmt.Errorf("http inbound %w", transports.ErrClosed)
	}
	out := make(chan *message.Message)
	in.wg.Add(1)
	go in.forward(ctx, topic, out)
	return out, nil
}

// Close stops every subscription. Requests whose messages were not acked are
// answered 503.
func (in *Inbound) Close() error {
	in.mu.Lock()
	if !in.closed {
		in.closed = true
		close(in.closing)
	}
	in.mu.Unlock()
	in.wg.Wait()
	return nil
}

// forward is one subscription: it takes requests' messages one at a time,
// hands each to the consumer and resolves its key by the outcome.
func (in *Inbound) forward(ctx context.Context, topic string, out chan<- *message.Message) {
	defer in.wg.Done()
	defer close(out)
	for {
		var d delivery
		select {
		case d = <-in.incoming:
		case <-ctx.Done():
			return
		case <-in.closing:
			return
		}
		d.msg.Metadata.Set(transports.MetaEndpoint, topic)
		d.msg.SetContext(ctx)
		select {
		case out <- d.msg:
		case <-ctx.Done():
			d.msg.Nack() // never reached the consumer: the request answers 503
			in.recent.forget(d.key, d.entry)
			return
		case <-in.closing:
			d.msg.Nack()
			in.recent.forget(d.key, d.entry)
			return
		}
		select {
		case <-d.msg.Acked():
		case <-d.msg.Nacked():
		case <-ctx.Done():
		case <-in.closing:
		}
		// An ack wins over a Close or cancel that came at the same time.
		select {
		case <-d.msg.Acked():
			in.recent.ack(d.key, d.entry, d.msg.UUID)
		default:
			in.recent.forget(d.key, d.entry)
			select {
			case <-d.msg.Nacked():
			default:
				return // cancelled or closing
			}
		}
	}
}

// Interface guard.
var _ message.Subscriber = (*Inbound)(nil)
