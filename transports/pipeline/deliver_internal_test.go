package pipeline

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// recordingPub is an outbound transport that records what it is given;
// with stages set it stages like the file drop.
type recordingPub struct {
	mu      sync.Mutex
	sent    []string
	staged  []string
	flushed int
}

func (p *recordingPub) Publish(_ string, msgs ...*message.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range msgs {
		p.sent = append(p.sent, m.UUID)
	}
	return nil
}

func (p *recordingPub) Close() error { return nil }

type stagingPub struct{ recordingPub }

func (p *stagingPub) Stage(_ string, msgs ...*message.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range msgs {
		p.staged = append(p.staged, m.UUID)
	}
	return nil
}

func (p *stagingPub) Flush() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flushed += len(p.staged)
	p.staged = nil
	return nil
}

func deliveryGateway(t *testing.T, pub message.Publisher) *Gateway {
	st, err := store.Open(context.Background(), "sqlite::memory:", nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return &Gateway{store: st, outbound: map[string]message.Publisher{"out": pub},
		metrics: newMetrics(prometheus.NewRegistry()), logger: watermill.NopLogger{}}
}

func isDelivered(t *testing.T, g *Gateway, uuid string) bool {
	done, err := g.store.IsDelivered(context.Background(), "out", uuid)
	require.NoError(t, err)
	return done
}

// A delivery is marked in the store as soon as the transport took it, and
// a message found marked (its batch delivered again after a crash) is
// acked without being sent again.
func TestDeliveryMarkedAndSkipped(t *testing.T) {
	pub := &recordingPub{}
	g := deliveryGateway(t, pub)
	handler, flush := g.deliverStage(&Endpoint{Name: "out"}, outDelivery)
	require.Nil(t, flush)
	first := message.NewMessage("m1", []byte("x"))
	require.NoError(t, handler(first))
	assert.True(t, isDelivered(t, g, "m1"), "marked once sent")
	require.NoError(t, handler(message.NewMessage("m1", []byte("x"))), "delivered again")
	assert.Equal(t, []string{"m1"}, pub.sent, "sent once")
}

// A staging transport's messages are marked when the batch is flushed,
// not before; once marked, a redelivery is not staged again.
func TestStagedDeliveryMarkedAtFlush(t *testing.T) {
	pub := &stagingPub{}
	g := deliveryGateway(t, pub)
	handler, flush := g.deliverStage(&Endpoint{Name: "out"}, outDelivery)
	require.NotNil(t, flush)
	require.NoError(t, handler(message.NewMessage("m1", []byte("x"))))
	require.NoError(t, handler(message.NewMessage("m2", []byte("y"))))
	assert.False(t, isDelivered(t, g, "m1"), "staged is not delivered")
	require.NoError(t, flush(context.Background()))
	assert.True(t, isDelivered(t, g, "m1"))
	assert.True(t, isDelivered(t, g, "m2"))
	require.NoError(t, handler(message.NewMessage("m2", []byte("y"))), "delivered again")
	require.NoError(t, flush(context.Background()))
	assert.Equal(t, 2, pub.flushed, "m2 not staged twice")
}

// outDelivery is the topic and group of endpoint "out".
var outDelivery = store.Delivery{Topic: "outbound_out", Group: "deliver_out"}

// A staging transport's batch asks the store once which of its messages
// were delivered before (its batch delivered again after a crash), and
// stages only the others.
func TestStagedDeliveryLooksAhead(t *testing.T) {
	pub := &stagingPub{}
	g := deliveryGateway(t, pub)
	ctx := context.Background()
	var msgs []*message.Message
	for _, id := range []string{"m1", "m2", "m3"} {
		msgs = append(msgs, message.NewMessage(id, []byte(id)))
	}
	require.NoError(t, g.store.Publisher().Publish(outDelivery.Topic, msgs...))
	require.NoError(t, g.store.MarkDelivered(ctx, "out", time.Now(), "m2"))

	ahead, err := g.store.DeliveredAhead(ctx, "out", outDelivery)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"m1": false, "m2": true, "m3": false}, ahead)

	handler, flush := g.deliverStage(&Endpoint{Name: "out"}, outDelivery)
	require.NoError(t, handler(message.NewMessage("m1", []byte("m1"))))
	// Marked after the batch asked: answered from the look-ahead.
	require.NoError(t, g.store.MarkDelivered(ctx, "out", time.Now(), "m3"))
	for _, m := range msgs[1:] {
		require.NoError(t, handler(message.NewMessage(m.UUID, m.Payload)))
	}
	// Not among the batch's messages the store answered for: asked alone.
	require.NoError(t, g.store.MarkDelivered(ctx, "out", time.Now(), "m9"))
	require.NoError(t, handler(message.NewMessage("m9", []byte("m9"))))
	require.NoError(t, handler(message.NewMessage("m10", []byte("m10"))))
	pub.mu.Lock()
	assert.Equal(t, []string{"m1", "m3", "m10"}, pub.staged, "m2 and m9 were delivered before")
	pub.mu.Unlock()
	require.NoError(t, flush(ctx))

	// The next batch asks again.
	require.NoError(t, handler(message.NewMessage("m3", []byte("m3"))))
	require.NoError(t, flush(ctx))
	assert.Equal(t, 3, pub.flushed, "m3 not staged twice")
}
