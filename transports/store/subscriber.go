package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// maxGroupBytes is the longest consumer group name; PostgreSQL's offsets
// table holds it in a VARCHAR(255).
const maxGroupBytes = 255

// Subscriber returns a Watermill subscriber reading as consumerGroup.
//
// Each consumer group sees every message of a topic once, from the topic's
// first message on; members of one group (subscribers with the same group
// name, in this process or, on PostgreSQL, in others) share the messages,
// and each message goes to one of them, in publish order. A message is
// delivered again after a Nack, after AckDeadline without an Ack, and when
// its subscriber is closed before acking it; on PostgreSQL also by another
// member once a member that stopped answering lost its claim on the group
// (half of IdleInTxTimeout after its last renewal). Delivery is at least
// once: a crash between a handler's work and its Ack delivers the message
// again.
//
// Subscribe may be called for several topics; each runs on its own. Close
// is idempotent, stops every subscription and closes their channels; the
// Store's Close closes all its subscribers.
func (s *Store) Subscriber(consumerGroup string) (message.Subscriber, error) {
	return s.SubscriberWith(consumerGroup, SubscriberOptions{})
}

// SubscriberOptions adjust a Subscriber.
type SubscriberOptions struct {
	// BeforeAck, when set, runs before the acknowledgement of a batch of
	// messages is recorded, in the subscription's goroutine. The consumer's
	// work on the batch (files written, say) can be made durable there once
	// per batch rather than once per message. When it fails, nothing of the
	// batch is recorded as acknowledged and its messages are delivered
	// again.
	BeforeAck func(ctx context.Context) error
}

// SubscriberWith is Subscriber with options.
func (s *Store) SubscriberWith(consumerGroup string, opts SubscriberOptions) (message.Subscriber, error) {
	switch {
	case consumerGroup == "":
		return nil, fmt.Errorf("consumer group name %w", ErrEmpty)
	case len(consumerGroup) > maxGroupBytes:
		return nil, fmt.Errorf("consumer group %s: at most %d bytes expected: %w", errtext.Quote(consumerGroup), maxGroupBytes, ErrTooLarge)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, fmt.Errorf("store %w", ErrClosed)
	}
	sub := &subscriber{s: s, group: consumerGroup, beforeAck: opts.BeforeAck}
	s.subs[sub] = struct{}{}
	return sub, nil
}

type subscriber struct {
	s         *Store
	group     string
	beforeAck func(context.Context) error

	mu     sync.Mutex
	closed bool
	subs   []*subscription
}

// Subscribe starts reading topic, creating its tables when missing. The
// channel closes when ctx ends or the subscriber is closed.
func (sub *subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	if err := validateTopic(topic); err != nil {
		return nil, err
	}
	if sub.isClosed() {
		return nil, fmt.Errorf("store subscriber %w", ErrClosed)
	}
	if err := sub.s.prepareTopic(ctx, topic); err != nil {
		return nil, err
	}
	unlisten := func() {}
	if sub.s.d.dollar {
		unlisten = sub.s.listen()
	}
	cfg := sub.s.cfg
	ackDeadline := cfg.AckDeadline
	sn := &subscription{s: sub.s, topic: topic, group: sub.group, beforeAck: sub.beforeAck,
		holder: watermill.NewULID(), unlisten: unlisten, closing: make(chan struct{}), done: make(chan struct{})}
	inner, err := wsql.NewSubscriber(sn, wsql.SubscriberConfig{
		ConsumerGroup:  sub.group,
		AckDeadline:    &ackDeadline,
		PollInterval:   cfg.PollInterval,
		ResendInterval: cfg.ResendInterval,
		RetryInterval:  cfg.RetryInterval,
		BackoffManager: sn,
		SchemaAdapter:  sub.s.d.schema,
		OffsetsAdapter: sub.s.d.offsets,
	}, sub.s.logger)
	if err != nil {
		unlisten()
		return nil, fmt.Errorf("store subscriber: %w", err)
	}
	sn.inner = inner
	sn.ctx, sn.cancel = context.WithCancel(ctx)

	sub.mu.Lock()
	if sub.closed {
		sub.mu.Unlock()
		sn.cancel()
		unlisten()
		return nil, fmt.Errorf("store subscriber %w", ErrClosed)
	}
	sub.subs = append(sub.subs, sn)
	sub.mu.Unlock()

	in, err := inner.Subscribe(sn.ctx, topic)
	if err != nil {
		sn.cancel()
		close(sn.done)
		if errors.Is(err, wsql.ErrSubscriberClosed) {
			return nil, fmt.Errorf("store subscriber %w", ErrClosed)
		}
		return nil, fmt.Errorf("topic %s: %w", errtext.Quote(topic), err)
	}
	out := make(chan *message.Message)
	go sn.forward(in, out)
	return out, nil
}

// forward hands the messages of watermill-sql's channel on, and closes out
// once that channel is closed, so that the channel is closed by the time
// Close returns. A message not taken before closing is dropped unacked and
// so delivered again later.
func (sn *subscription) forward(in <-chan *message.Message, out chan<- *message.Message) {
	defer close(sn.done)
	defer close(out)
	for m := range in {
		select {
		case out <- m:
		case <-sn.closing:
		case <-sn.ctx.Done():
		}
	}
}

// SubscribeInitialize creates topic's tables, so messages published before
// the first Subscribe are kept for it.
func (sub *subscriber) SubscribeInitialize(topic string) error {
	if err := validateTopic(topic); err != nil {
		return err
	}
	return sub.s.initTopic(sub.s.ctx, topic)
}

// Close stops every subscription and waits for their goroutines.
func (sub *subscriber) Close() error {
	sub.mu.Lock()
	if sub.closed {
		sub.mu.Unlock()
		return nil
	}
	sub.closed = true
	subs := sub.subs
	sub.subs = nil
	sub.mu.Unlock()

	// Signal first, then wait: a subscription may be waiting for new
	// messages or for its group's turn. Its context is cancelled only after
	// it stopped, so an ack given just before Close is still written.
	for _, sn := range subs {
		close(sn.closing)
	}
	var errs []error
	for _, sn := range subs {
		errs = append(errs, sn.inner.Close())
		sn.cancel()
		<-sn.done
		sn.unlisten()
	}
	sub.s.mu.Lock()
	delete(sub.s.subs, sub)
	sub.s.mu.Unlock()
	return errors.Join(errs...)
}

func (sub *subscriber) isClosed() bool {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	return sub.closed
}

// prepareTopic makes sure topic's tables exist and, on PostgreSQL, that a
// publish to it wakes the subscribers. A connection lost on the way (the
// server ended an instance's session while it was stopped) is tried again
// a few times on a new one, rather than failing the subscription and with
// it the instance's start.
func (s *Store) prepareTopic(ctx context.Context, topic string) error {
	var err error
	for try, wait := 0, 100*time.Millisecond; try < 5; try, wait = try+1, wait*2 {
		if try > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return errors.Join(err, ctx.Err())
			case <-s.ctx.Done():
				return errors.Join(err, fmt.Errorf("store %w", ErrClosed))
			}
		}
		if err = s.initTopic(ctx, topic); err == nil && s.d.dollar {
			err = s.ensureNotifyTrigger(ctx, topic)
		}
		if err == nil {
			return nil
		}
		s.logger.Error("Cannot prepare a topic; trying again", err, watermill.LogFields{"topic": topic, "try": try + 1})
	}
	return err
}

// initTopic makes sure topic's tables exist.
func (s *Store) initTopic(ctx context.Context, topic string) error {
	if _, ok := s.topics.Load(topic); ok {
		return nil
	}
	return s.InTx(ctx, func(tx *Tx) error { return tx.ensureTopic(topic) })
}

// subscription is one topic read by one consumer group: the database handle
// and back-off policy of one watermill-sql subscriber, which runs its
// queries from a single goroutine.
//
// Between reads that found nothing it waits for a publish to the topic
// through this process (or PollInterval, for other processes). Its
// "transaction" holds no database transaction while the handler works: on
// PostgreSQL it is a claim on the consumer group (see claimTx); on SQLite
// it reads outside any transaction, keeps the offset writes until Commit
// and then runs them through the writer. Either way members of a consumer
// group take turns from the read of a batch until its ack is written.
type subscription struct {
	s         *Store
	topic     string
	group     string
	inner     *wsql.Subscriber
	beforeAck func(context.Context) error // see SubscriberOptions
	holder    string                      // names this subscription in subscription_claims (PostgreSQL)
	unlisten  func()                      // stops using the publish notifications (PostgreSQL)

	ctx     context.Context
	cancel  context.CancelFunc
	closing chan struct{} // closed by the subscriber's Close
	done    chan struct{} // closed once the output channel is closed

	idle  bool            // the last read found nothing new
	watch <-chan struct{} // taken before the last read; closed by the next publish
	woken bool            // the last wait ended with a publish, not the timer
	hurry time.Duration   // when non-zero, the next wait's timeout instead of PollInterval
}

// firstHurry is the first short wait after a publish that a read did not
// see yet: on PostgreSQL a message becomes visible only once every older
// transaction has ended, which nothing here announces.
const firstHurry = 5 * time.Millisecond

// BeginTx starts the "transaction" of one read of the topic, after waiting
// for a publish when the last read found nothing.
func (sn *subscription) BeginTx(ctx context.Context, opts *sql.TxOptions) (wsql.Tx, error) {
	select {
	case <-sn.closing:
		return nil, errSubscriptionClosing
	default:
	}
	if sn.idle {
		sn.idle = false
		if err := sn.wait(ctx); err != nil {
			return nil, err
		}
	}
	sn.watch = sn.s.sh.watch(sn.topic)
	if sn.s.d.dollar {
		return &claimTx{sn: sn}, nil
	}
	release, err := sn.s.sh.turn(ctx, sn.closing, sn.topic, sn.group)
	if err != nil {
		return nil, err
	}
	return &sqliteSubTx{s: sn.s, release: release, beforeAck: sn.beforeAck}, nil
}

// wait blocks until the topic is published to, PollInterval passes or ctx
// ends.
func (sn *subscription) wait(ctx context.Context) error {
	timeout := sn.s.cfg.PollInterval
	if sn.hurry > 0 {
		timeout = sn.hurry
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	sn.woken = false
	select {
	case <-sn.watch:
		sn.woken = true
	case <-timer.C:
	case <-ctx.Done():
		return ctx.Err()
	case <-sn.closing:
		return errSubscriptionClosing
	}
	return nil
}

// errSubscriptionClosing ends a read started while the subscriber closes.
var errSubscriptionClosing = errors.New("store subscription is closing")

// ExecContext runs a statement outside a transaction.
func (sn *subscription) ExecContext(ctx context.Context, query string, args ...any) (wsql.Result, error) {
	return sn.s.writer.ExecContext(ctx, query, args...)
}

// QueryContext runs a query outside a transaction.
func (sn *subscription) QueryContext(ctx context.Context, query string, args ...any) (wsql.Rows, error) {
	return sn.s.reader.QueryContext(ctx, query, args...)
}

// HandleError decides how long to pause after a read: not at all after a
// read that found messages or nothing (BeginTx does the waiting then),
// not at all after losing a race with another member of the group, and
// RetryInterval after a real error, which is logged. A read that found
// nothing right after a publish makes the next waits short (5ms, doubling
// up to PollInterval), for a message not visible yet.
func (sn *subscription) HandleError(logger watermill.LoggerAdapter, noMsg bool, err error) time.Duration {
	if err == nil {
		sn.idle = noMsg
		switch {
		case !noMsg:
			sn.hurry = 0
		case sn.woken:
			sn.hurry = firstHurry
		case sn.hurry > 0:
			sn.hurry *= 2
			if sn.hurry >= sn.s.cfg.PollInterval {
				sn.hurry = 0
			}
		}
		sn.woken = false
		return 0
	}
	if sn.ctx.Err() != nil || errors.Is(err, errSubscriptionClosing) {
		return 0 // closing; the loop ends on its own
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01") {
		logger.Debug("store: consumer group member lost a race, reading again", watermill.LogFields{"err": err.Error()})
		return 0
	}
	logger.Error("store: reading topic failed", err, watermill.LogFields{
		"topic": sn.topic, "consumer_group": sn.group, "wait_time": sn.s.cfg.RetryInterval,
	})
	return sn.s.cfg.RetryInterval
}

// Interface guards.
var (
	_ message.Subscriber           = (*subscriber)(nil)
	_ message.SubscribeInitializer = (*subscriber)(nil)
	_ wsql.Beginner                = (*subscription)(nil)
	_ wsql.BackoffManager          = (*subscription)(nil)
)
