package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/store"
)

// leasedSubscriber is the subscriber of an inbound endpoint whose pick-up
// one instance of a fleet does at a time (a file drop, an SFTP poll). Its
// subscription waits for the endpoint's lease, then runs a transport
// subscriber of its own for as long as the lease is renewed; when the
// lease is lost it closes that subscriber, so neither its folder watch nor
// its poll schedule goes on, and waits for the lease again. Files handed
// out and not yet acknowledged when the lease goes are left in place for
// the next holder, which may take one in a second time; the intake's
// duplicate check recognises it. Without leasing (SQLite) it is the
// transport's subscriber and nothing more.
type leasedSubscriber struct {
	f     *fleet
	name  string // the lease
	build func() (message.Subscriber, error)

	mu      sync.Mutex
	first   message.Subscriber // built with the gateway; used by the first hold
	current message.Subscriber // the subscriber running, if any
	closed  bool
	stop    context.CancelFunc // ends every subscription
	ctx     context.Context
	wg      sync.WaitGroup
}

// leased builds an inbound endpoint's subscriber with build, under a lease
// where the gateway takes leases (see leasedSubscriber) and its pick-up
// must be done once: every kind but webhooks.
func (f *fleet) leased(ep *Endpoint, build func() (message.Subscriber, error)) (message.Subscriber, error) {
	first, err := build()
	if err != nil || ep.HTTPIn != nil {
		return first, err
	}
	l := &leasedSubscriber{f: f, name: leaseName(ep), first: first, build: build}
	l.ctx, l.stop = context.WithCancel(context.Background())
	return l, nil
}

// Subscribe subscribes the transport directly without leasing; with
// leasing, it returns a channel that carries the messages of whichever
// transport subscriber holds the lease, closed when ctx ends or the
// subscriber is closed.
func (l *leasedSubscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, fmt.Errorf("leased subscriber %w", transports.ErrClosed)
	}
	if !l.f.leasing {
		l.current = l.first
		return l.first.Subscribe(ctx, topic)
	}
	out := make(chan *message.Message)
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(l.ctx, cancel)
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		defer close(out)
		defer stop()
		defer cancel()
		l.run(ctx, topic, out)
	}()
	return out, nil
}

// run takes the lease and holds it, again and again, until ctx ends.
func (l *leasedSubscriber) run(ctx context.Context, topic string, out chan<- *message.Message) {
	for {
		since, ok := l.acquire(ctx)
		if !ok {
			return
		}
		l.hold(ctx, since, topic, out)
		l.release(ctx)
		if ctx.Err() != nil {
			return
		}
	}
}

// acquire tries to take the lease every acquireEvery until it has it, and
// returns when the try that took it began; false when ctx ended first.
func (l *leasedSubscriber) acquire(ctx context.Context) (time.Time, bool) {
	wait := time.NewTimer(0)
	defer wait.Stop()
	for {
		select {
		case <-ctx.Done():
			return time.Time{}, false
		case <-wait.C:
		}
		wait.Reset(l.f.t.acquire)
		if l.f.isFrozen() {
			continue
		}
		began := time.Now()
		lease, got, err := l.f.st.TryAcquireLease(ctx, l.name, l.f.self.ID, l.f.t.ttl)
		switch {
		case got:
			l.f.logger.Info("Lease taken: this instance picks up", watermill.LogFields{"lease": l.name, "instance": l.f.self.ID})
			return began, true
		case err != nil && ctx.Err() == nil:
			l.f.logger.Error("Cannot take the lease; trying again", err, watermill.LogFields{"lease": l.name})
		case err == nil && lease.Holder != "":
			l.f.logger.Debug("Lease held by another instance", watermill.LogFields{"lease": l.name, "holder": lease.Holder})
		}
	}
}

// hold runs a transport subscriber, forwarding its messages to out, while
// the lease taken at since is kept; it returns once the subscriber is
// closed.
func (l *leasedSubscriber) hold(ctx context.Context, since time.Time, topic string, out chan<- *message.Message) {
	sub, err := l.next()
	if err != nil {
		l.f.logger.Error("Cannot start the pick-up; giving the lease back", err, watermill.LogFields{"lease": l.name})
		return
	}
	defer l.done(sub)
	hctx, lost := context.WithCancel(ctx)
	kept := make(chan struct{})
	go func() {
		defer close(kept)
		l.keep(hctx, since, lost)
	}()
	defer func() {
		lost()
		<-kept
	}()
	in, err := sub.Subscribe(hctx, topic)
	if err != nil {
		l.f.logger.Error("Cannot start the pick-up; giving the lease back", err, watermill.LogFields{"lease": l.name})
		return
	}
	for msg := range in {
		select {
		case out <- msg:
		case <-hctx.Done():
			// The transport sees the same end and leaves the file.
		}
	}
}

// keep renews the lease every renew interval until ctx ends, and calls
// lost when the lease is gone or was not renewed in time: a renewal that
// hangs on the database does not keep the work going.
func (l *leasedSubscriber) keep(ctx context.Context, since time.Time, lost context.CancelFunc) {
	t := l.f.t
	deadline := time.NewTimer(time.Until(since.Add(t.ttl - t.margin)))
	defer deadline.Stop()
	tick := time.NewTicker(t.renew)
	defer tick.Stop()
	type renewal struct {
		began time.Time
		err   error
	}
	results := make(chan renewal, 1)
	pending := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-deadline.C:
			l.f.logger.Error("Lease not renewed in time; stopping the pick-up", nil, watermill.LogFields{"lease": l.name})
			lost()
			return
		case <-tick.C:
			if pending || l.f.isFrozen() {
				continue
			}
			pending = true
			go func(began time.Time) {
				_, err := l.f.st.RenewLease(ctx, l.name, l.f.self.ID, t.ttl)
				results <- renewal{began, err}
			}(time.Now())
		case r := <-results:
			pending = false
			switch {
			case errors.Is(r.err, store.ErrLeaseLost):
				l.f.logger.Info("Lease lost: another instance picks up", watermill.LogFields{"lease": l.name})
				lost()
				return
			case r.err != nil:
				l.f.logger.Error("Cannot renew the lease", r.err, watermill.LogFields{"lease": l.name})
			default:
				deadline.Reset(time.Until(r.began.Add(t.ttl - t.margin)))
			}
		}
	}
}

// next is the transport subscriber of the next hold: the one built with
// the gateway first, then a new one each time.
func (l *leasedSubscriber) next() (message.Subscriber, error) {
	l.mu.Lock()
	sub := l.first
	l.first = nil
	l.mu.Unlock()
	if sub == nil {
		var err error
		if sub, err = l.build(); err != nil {
			return nil, err
		}
	}
	l.mu.Lock()
	l.current = sub
	l.mu.Unlock()
	return sub, nil
}

// done closes the transport subscriber of a hold that ended.
func (l *leasedSubscriber) done(sub message.Subscriber) {
	if err := sub.Close(); err != nil {
		l.f.logger.Error("Closing the pick-up", err, watermill.LogFields{"lease": l.name})
	}
	l.mu.Lock()
	if l.current == sub {
		l.current = nil
	}
	l.mu.Unlock()
}

// release gives the lease back, so that another instance takes it at
// once; a lease already lost is left alone.
func (l *leasedSubscriber) release(ctx context.Context) {
	if l.f.isFrozen() {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := l.f.st.ReleaseLease(rctx, l.name, l.f.self.ID); err != nil {
		l.f.logger.Error("Cannot give the lease back; it expires on its own", err, watermill.LogFields{"lease": l.name})
	}
}

// Waiting is what the transport subscriber running counts waiting, for
// the endpoint's health; 0 while another instance holds the lease.
func (l *leasedSubscriber) Waiting() int {
	l.mu.Lock()
	sub := l.current
	l.mu.Unlock()
	if w, ok := sub.(interface{ Waiting() int }); ok {
		return w.Waiting()
	}
	return 0
}

// Close ends every subscription and closes the transport subscribers.
func (l *leasedSubscriber) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	l.stop()
	first := l.first
	l.first = nil
	l.mu.Unlock()
	l.wg.Wait()
	if first != nil {
		return first.Close()
	}
	return nil
}

// Interface guard.
var _ message.Subscriber = (*leasedSubscriber)(nil)
