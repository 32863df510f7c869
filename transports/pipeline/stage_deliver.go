package pipeline

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/canonical/seal"
	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/store"
)

// stager is an outbound transport that can write a delivery without making
// it visible, and then make everything written visible and durable at once
// (see filedrop.Publisher.Stage).
type stager interface {
	Stage(topic string, msgs ...*message.Message) error
	Flush() error
}

// deliverStage hands rendered messages to an outbound transport. Each
// message is marked delivered in the store as soon as its effect is done,
// and a message found marked (its batch delivered again after a crash or a
// hang) is skipped. When the transport stages deliveries, the messages are
// staged here, and marked, counted and logged as delivered by the returned
// flush, which the subscription runs before it records the batch's
// acknowledgement; flush is nil otherwise. d is the topic and group the
// handler serves.
func (g *Gateway) deliverStage(ep *Endpoint, d store.Delivery) (handler message.NoPublishHandlerFunc, flush func(context.Context) error) {
	pub := g.outbound[ep.Name]
	before := func(msg *message.Message) (bool, error) { return g.deliveredBefore(ep.Name, msg) }
	delivered := func(event, name string) {
		g.metrics.delivered.WithLabelValues(ep.Name).Inc()
		g.logger.Info("delivered", watermill.LogFields{"endpoint": ep.Name, "event": event, "name": name})
	}
	send, done := pub.Publish, func(msg *message.Message) error {
		if err := g.store.MarkDelivered(context.WithoutCancel(msg.Context()), ep.Name, time.Now(), msg.UUID); err != nil {
			return err
		}
		delivered(msg.Metadata.Get(MetaEventID), msg.Metadata.Get(transports.MetaOutName))
		return nil
	}
	if st, ok := pub.(stager); ok {
		b := &stagedBatch{st: st, delivered: delivered, mark: func(ctx context.Context, uuids []string) error {
			return g.store.MarkDelivered(ctx, ep.Name, time.Now(), uuids...)
		}}
		send, done, flush = st.Stage, b.add, b.flush
		before = b.lookAhead(g, ep.Name, d)
	}
	handler = func(msg *message.Message) error {
		if skip, err := before(msg); skip || err != nil {
			return err
		}
		out, err := g.opened(msg)
		if err != nil {
			return err
		}
		if err := send(ep.Name, out); err != nil {
			g.recordFailure(msg, ep.Name, err)
			if transports.IsPermanent(err) {
				return fmt.Errorf("deliver to %s: %w", ep.Name, err) // still permanent: it wraps err
			}
			return err
		}
		return done(msg)
	}
	return handler, flush
}

// deliveredBefore reports whether msg is marked delivered to endpoint
// already, and logs that it is skipped.
func (g *Gateway) deliveredBefore(endpoint string, msg *message.Message) (bool, error) {
	done, err := g.store.IsDelivered(msg.Context(), endpoint, msg.UUID)
	g.logSkipped(endpoint, msg, done)
	return done, err
}

// logSkipped logs that msg is skipped when it was delivered before.
func (g *Gateway) logSkipped(endpoint string, msg *message.Message, done bool) {
	if done {
		g.logger.Info("delivered before; skipped", watermill.LogFields{"endpoint": endpoint,
			"event": msg.Metadata.Get(MetaEventID), "name": msg.Metadata.Get(transports.MetaOutName)})
	}
}

// recordFailure keeps a failed attempt to deliver msg, for the monitor's
// Messages page. It is best effort: a delivery is retried or becomes a
// dead letter whether or not its attempt could be recorded.
func (g *Gateway) recordFailure(msg *message.Message, endpoint string, err error) {
	if rerr := g.store.AddDeliveryFailure(context.WithoutCancel(msg.Context()), msg.UUID, endpoint, time.Now(), err.Error()); rerr != nil {
		g.logger.Error("Cannot record a failed delivery attempt", rerr, watermill.LogFields{"endpoint": endpoint, "uuid": msg.UUID})
	}
}

// opened is msg as its transport must send it: a copy with its payload
// opened where render kept it sealed, else msg itself. The stored message
// stays sealed, for a retry or a dead letter.
func (g *Gateway) opened(msg *message.Message) (*message.Message, error) {
	if msg.Metadata.Get(transports.MetaSealFiles) == "" || !seal.IsSealed(msg.Payload) {
		return msg, nil
	}
	plain, err := g.sealKey.Open(msg.Payload)
	if err != nil {
		return nil, transports.Permanent(fmt.Errorf("outbound message %s: its sealed payload %w", msg.UUID, err))
	}
	out := copyOf(msg.UUID, plain, msg.Metadata)
	out.SetContext(msg.Context())
	return out, nil
}

// stagedBatch is what a stager holds staged for one outbound endpoint:
// each message's uuid, event and out name, marked and counted as
// delivered once flushed.
type stagedBatch struct {
	st        stager
	delivered func(event, name string)
	mark      func(ctx context.Context, uuids []string) error
	// The subscription runs flush after the batch's last ack, but on
	// shutdown it may do so while a handler still runs.
	mu     sync.Mutex
	staged []stagedMessage // guarded by mu
	// ahead holds, for the messages of the batch being delivered, whether
	// each was marked delivered before (see lookAhead); nil until the
	// store is asked. Guarded by mu.
	ahead map[string]bool
}

// lookAhead returns the check of whether a message of the batch was
// delivered before: the first message of a batch asks the store about the
// batch's messages at once (store.DeliveredAhead), the others are
// answered from that; a message not among them is asked alone. Only the
// messages of the batch being delivered are ever in the answer, which
// flush forgets with the batch, so it is never older than the batch.
func (b *stagedBatch) lookAhead(g *Gateway, endpoint string, d store.Delivery) func(*message.Message) (bool, error) {
	return func(msg *message.Message) (bool, error) {
		b.mu.Lock()
		ahead := b.ahead
		b.mu.Unlock()
		if ahead == nil {
			var err error
			if ahead, err = g.store.DeliveredAhead(msg.Context(), endpoint, d); err != nil {
				ahead = map[string]bool{} // each is asked alone, which reports the store's trouble if lasting
			}
			b.mu.Lock()
			b.ahead = ahead
			b.mu.Unlock()
		}
		done, known := ahead[msg.UUID]
		if !known {
			return g.deliveredBefore(endpoint, msg)
		}
		g.logSkipped(endpoint, msg, done)
		return done, nil
	}
}

// stagedMessage is what a stagedBatch keeps of one message.
type stagedMessage struct{ uuid, event, name string }

func (b *stagedBatch) add(msg *message.Message) error {
	b.mu.Lock()
	b.staged = append(b.staged, stagedMessage{msg.UUID, msg.Metadata.Get(MetaEventID), msg.Metadata.Get(transports.MetaOutName)})
	b.mu.Unlock()
	return nil
}

// flush makes the staged messages visible and durable, then marks them
// delivered in one transaction and counts them; on error the batch is
// delivered again, and what was made visible is recognised then.
func (b *stagedBatch) flush(ctx context.Context) error {
	b.mu.Lock()
	batch := b.staged
	b.staged, b.ahead = nil, nil
	b.mu.Unlock()
	if err := b.st.Flush(); err != nil {
		return err
	}
	uuids := make([]string, len(batch))
	for i, m := range batch {
		uuids[i] = m.uuid
	}
	if err := b.mark(ctx, uuids); err != nil {
		return err
	}
	for _, m := range batch {
		b.delivered(m.event, m.name)
	}
	return nil
}
