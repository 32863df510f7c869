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
)

// stager is an outbound transport that can write a delivery without making
// it visible, and then make everything written visible and durable at once
// (see filedrop.Publisher.Stage).
type stager interface {
	Stage(topic string, msgs ...*message.Message) error
	Flush() error
}

// deliverStage hands rendered messages to an outbound transport. When the
// transport stages deliveries, the messages are staged here and counted and
// logged as delivered by the returned flush, which the subscription runs
// before it records the batch's acknowledgement; flush is nil otherwise.
func (g *Gateway) deliverStage(ep *Endpoint) (handler message.NoPublishHandlerFunc, flush func(context.Context) error) {
	pub := g.outbound[ep.Name]
	delivered := func(event, name string) {
		g.metrics.delivered.WithLabelValues(ep.Name).Inc()
		g.logger.Info("delivered", watermill.LogFields{"endpoint": ep.Name, "event": event, "name": name})
	}
	send, done := pub.Publish, delivered
	if st, ok := pub.(stager); ok {
		b := &stagedBatch{st: st, delivered: delivered}
		send, done, flush = st.Stage, b.add, b.flush
	}
	handler = func(msg *message.Message) error {
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
		done(msg.Metadata.Get(MetaEventID), msg.Metadata.Get(transports.MetaOutName))
		return nil
	}
	return handler, flush
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
// the event and out name of each message, counted as delivered once
// flushed.
type stagedBatch struct {
	st        stager
	delivered func(event, name string)
	// The subscription runs flush after the batch's last ack, but on
	// shutdown it may do so while a handler still runs.
	mu     sync.Mutex
	staged [][2]string // guarded by mu
}

func (b *stagedBatch) add(event, name string) {
	b.mu.Lock()
	b.staged = append(b.staged, [2]string{event, name})
	b.mu.Unlock()
}

// flush makes the staged messages visible and durable and counts them as
// delivered; on error the batch is delivered again.
func (b *stagedBatch) flush(context.Context) error {
	b.mu.Lock()
	batch := b.staged
	b.staged = nil
	b.mu.Unlock()
	if err := b.st.Flush(); err != nil {
		return err
	}
	for _, d := range batch {
		b.delivered(d[0], d[1])
	}
	return nil
}
