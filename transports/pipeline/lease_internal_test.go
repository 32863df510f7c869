package pipeline

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	httptr "github.com/nexport/pcsgate/transports/http"
	"github.com/nexport/pcsgate/transports/store"
)

// pickup stands in for a transport subscriber: it counts what the leased
// subscriber does with it and hands out the messages sent to feed.
type pickup struct {
	subscribed, closed atomic.Int32
	feed               chan *message.Message
}

func (p *pickup) Subscribe(ctx context.Context, _ string) (<-chan *message.Message, error) {
	p.subscribed.Add(1)
	out := make(chan *message.Message)
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case m := <-p.feed:
				select {
				case out <- m:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

func (p *pickup) Close() error {
	p.closed.Add(1)
	return nil
}

// pickups records every pickup a leased subscriber builds.
type pickups struct {
	mu   sync.Mutex
	all  []*pickup
	feed chan *message.Message
}

func (ps *pickups) build() (message.Subscriber, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p := &pickup{feed: ps.feed}
	ps.all = append(ps.all, p)
	return p, nil
}

// running counts the pickups subscribed and not closed.
func (ps *pickups) running() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	n := 0
	for _, p := range ps.all {
		if p.subscribed.Load() > 0 && p.closed.Load() == 0 {
			n++
		}
	}
	return n
}

func testFleet(st *store.Store, ttl time.Duration) *fleet {
	f := newFleet(st, watermill.NopLogger{}, "")
	f.leasing = true
	f.t = fleetTimings{heartbeat: ttl / 3, ttl: ttl, renew: ttl / 3, margin: ttl / 6, acquire: ttl / 6}
	f.frozen = make(chan struct{})
	return f
}

// Of two instances, only the lease's holder runs its pick-up (a standby's
// is never subscribed, so its folder watch or poll schedule never starts);
// when the holder hangs, its pick-up is closed and the standby's runs, and
// messages flow through whichever holds the lease.
func TestLeasedSubscriberRunsOnlyWithTheLease(t *testing.T) {
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "pcsgate.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	const ttl = 600 * time.Millisecond
	ep := &Endpoint{Name: "dakosy-in", Direction: "in", Transport: "sftp"}
	feed := make(chan *message.Message)
	fa, fb := testFleet(st, ttl), testFleet(st, ttl)
	pa, pb := &pickups{feed: feed}, &pickups{feed: feed}
	la, err := fa.leased(ep, pa.build)
	require.NoError(t, err)
	lb, err := fb.leased(ep, pb.build)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outA, err := la.Subscribe(ctx, ep.Name)
	require.NoError(t, err)
	outB, err := lb.Subscribe(ctx, ep.Name)
	require.NoError(t, err)

	require.Eventually(t, func() bool { return pa.running()+pb.running() == 1 }, 10*time.Second, time.Millisecond)
	holder, standby, fh, out, sout := pa, pb, fa, outA, outB
	if pb.running() == 1 {
		holder, standby, fh, out, sout = pb, pa, fb, outB, outA
	}
	assert.Len(t, standby.all, 1, "the standby built its pick-up with the gateway")
	assert.Zero(t, standby.all[0].subscribed.Load(), "and never started it")
	m := message.NewMessage("m1", []byte("x"))
	feed <- m
	assert.Same(t, m, <-out, "through the holder")

	close(fh.frozen)
	require.Eventually(t, func() bool { return standby.running() == 1 }, 10*time.Second, time.Millisecond, "the standby takes over")
	assert.Zero(t, holder.running(), "the hung holder stopped its pick-up at its own deadline")
	m2 := message.NewMessage("m2", []byte("y"))
	feed <- m2
	assert.Same(t, m2, <-sout, "through the new holder")

	require.NoError(t, la.Close())
	require.NoError(t, lb.Close())
	for _, p := range append(holder.all, standby.all...) {
		assert.Equal(t, int32(1), p.closed.Load(), "every pick-up built is closed once")
	}
	_, open := <-outA
	assert.False(t, open, "the subscription ends with Close")
}

// Webhooks take no lease: whichever instance a request reaches takes it
// in. Without leasing the transport's subscriber is used as it is.
func TestLeasedSubscriberPassesThrough(t *testing.T) {
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "pcsgate.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	f := testFleet(st, time.Second)
	ps := &pickups{}
	sub, err := f.leased(&Endpoint{Name: "hook", HTTPIn: &httptr.InboundConfig{}}, ps.build)
	require.NoError(t, err)
	assert.Same(t, ps.all[0], sub, "a webhook's subscriber itself")

	f.leasing = false
	ps = &pickups{}
	sub, err = f.leased(&Endpoint{Name: "inbox"}, ps.build)
	require.NoError(t, err)
	_, err = sub.Subscribe(context.Background(), "inbox")
	require.NoError(t, err)
	assert.Equal(t, int32(1), ps.all[0].subscribed.Load(), "subscribed at once")
	require.NoError(t, sub.Close())
	assert.Equal(t, int32(1), ps.all[0].closed.Load())
}
