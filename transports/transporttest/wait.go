package transporttest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"
)

// pokeEvery is how often the suite pokes a transport while it waits for a
// message. It is a prompt for the transport, not a synchronisation.
const pokeEvery = 20 * time.Millisecond

// subscribed is one inbound transport subscribed for one case.
type subscribed struct {
	f      Features
	in     Inbound
	msgs   <-chan *message.Message
	cancel context.CancelFunc
}

// subscribe builds a fresh inbound transport and subscribes to Topic. The
// transport is closed when the case ends.
func subscribe(t *testing.T, f Features, newInbound func(*testing.T) Inbound) *subscribed {
	t.Helper()
	in := newInbound(t)
	require.NotNil(t, in.Sub, "harness: Inbound.Sub")
	require.NotNil(t, in.Send, "harness: Inbound.Send")
	require.NotNil(t, in.Acked, "harness: Inbound.Acked")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		_ = in.Sub.Close()
	})
	msgs, err := in.Sub.Subscribe(ctx, Topic)
	require.NoError(t, err)
	require.NotNil(t, msgs)
	return &subscribed{f: f, in: in, msgs: msgs, cancel: cancel}
}

// send offers one unit and fails the case if the partner cannot.
func (s *subscribed) send(t *testing.T, name string, payload []byte) {
	t.Helper()
	require.NoError(t, s.in.Send(name, payload), "send %s", name)
}

// receive waits for the next message, poking the transport while it waits.
func (s *subscribed) receive(t *testing.T) *message.Message {
	t.Helper()
	timeout := time.NewTimer(s.f.Timeout)
	defer timeout.Stop()
	poke := time.NewTicker(pokeEvery)
	defer poke.Stop()
	s.poke()
	for {
		select {
		case msg, ok := <-s.msgs:
			require.True(t, ok, "the subscription channel closed while a message was expected")
			require.NotNil(t, msg)
			return msg
		case <-poke.C:
			s.poke()
		case <-timeout.C:
			require.FailNow(t, "no message arrived", "waited %s", s.f.Timeout)
			return nil
		}
	}
}

func (s *subscribed) poke() {
	if s.in.Poke != nil {
		s.in.Poke()
	}
}

// acked reports whether the partner has seen name acknowledged.
func (s *subscribed) acked(name string) bool {
	return slices.Contains(s.in.Acked(), name)
}

// waitAcked waits until the partner sees name acknowledged. The transport
// acknowledges asynchronously after the Ack, and only the partner can see
// it, so this polls.
func (s *subscribed) waitAcked(t *testing.T, names ...string) {
	t.Helper()
	require.Eventually(t, func() bool {
		acked := s.in.Acked()
		for _, n := range names {
			if !slices.Contains(acked, n) {
				return false
			}
		}
		return true
	}, s.f.Timeout, 5*time.Millisecond, "the partner never saw %v acknowledged", names)
}

// waitClosed waits until msgs is closed, dropping (and nacking) whatever
// messages are still delivered.
func waitClosed(t *testing.T, msgs <-chan *message.Message, timeout time.Duration) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		select {
		case msg, ok := <-msgs:
			if !ok {
				return
			}
			msg.Nack()
		case <-deadline.C:
			require.FailNow(t, "the subscription channel was not closed", "waited %s", timeout)
			return
		}
	}
}
