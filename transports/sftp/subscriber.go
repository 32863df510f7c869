package sftp

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/robfig/cron/v3"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// Subscriber picks files up from a partner's SFTP server and delivers them
// as messages.
//
// Dir is listed once when the first subscription starts and then on the
// Schedule. Subscribe may be called several times; the subscriptions share
// the listed files and each file goes to one of them at a time, never to two
// at once. The topic is recorded as transports.MetaEndpoint. Each
// subscription delivers one message at a time and waits for its Ack or Nack
// before the next.
//
// A file is moved to the archive (or deleted) only after its message is
// acked; after a Nack, a cancelled subscription or Close it stays on the
// server and is delivered again at a later poll. Close is idempotent and
// safe from any goroutine; it closes every subscription channel, gives acked
// files up to Timeout to be archived, logs out and returns once all
// goroutines have ended.
type Subscriber struct {
	cfg    Config
	sched  cron.Schedule
	logger watermill.LoggerAdapter
	remote *remote

	stop     context.Context // done once Close is called
	stopNow  context.CancelFunc
	grace    context.Context // done once Close stops waiting for acked files
	endGrace context.CancelFunc

	pollMu   sync.Mutex
	seen     map[string]observation // guarded by pollMu
	reported map[string]int64       // files reported as not taken, with their size; guarded by pollMu

	mu         sync.Mutex
	queue      *transports.Queue[candidate]
	madeDir    string // archive folder known to exist
	closed     bool
	scheduling bool

	ready chan struct{} // one token: the queue may be non-empty
	wg    sync.WaitGroup
}

// NewSubscriber checks cfg and reads the key and known_hosts files it names.
// It does not connect: the first poll does. A nil logger logs nothing.
func NewSubscriber(cfg Config, logger watermill.LoggerAdapter) (*Subscriber, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid sftp config: %w", err)
	}
	sched, err := parseSchedule(cfg.Schedule)
	if err != nil {
		return nil, fmt.Errorf("invalid sftp config: schedule %s %w: %w", errtext.Quote(cfg.Schedule), transports.ErrBadConfig, err)
	}
	if logger == nil {
		logger = watermill.NopLogger{}
	}
	logger = logger.With(watermill.LogFields{"transport": "sftp", "addr": cfg.Addr, "dir": cfg.Dir})
	r, err := newRemote(cfg.Connection, logger)
	if err != nil {
		return nil, fmt.Errorf("sftp: %w", err)
	}
	s := &Subscriber{
		cfg:      cfg,
		sched:    sched,
		logger:   logger,
		remote:   r,
		seen:     map[string]observation{},
		reported: map[string]int64{},
		ready:    make(chan struct{}, 1),
	}
	s.queue = transports.NewQueue[candidate](maxQueued, s.wake)
	s.stop, s.stopNow = context.WithCancel(context.Background())
	s.grace, s.endGrace = context.WithCancel(context.Background())
	return s, nil
}

// Subscribe returns a channel of messages, one per complete file, and
// starts polling on the first call. The channel is closed when ctx is
// cancelled or the Subscriber is closed. A server that cannot be reached is
// logged and tried again at the next poll; it is not an error here.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, fmt.Errorf("sftp subscriber %w", transports.ErrClosed)
	}
	out := make(chan *message.Message)
	s.wg.Add(1)
	go s.run(ctx, topic, out)
	if !s.scheduling {
		s.scheduling = true
		s.wg.Add(1)
		go s.schedule()
	}
	return out, nil
}

// Waiting is how many complete files were found and are not acknowledged
// yet: queued, or on their way through the pipeline. Files still settling
// and those beyond the queue's limit are not counted.
func (s *Subscriber) Waiting() int { return s.queue.Waiting() }

// Poll lists Dir now, in the caller's goroutine, and queues the files found
// complete; it returns the names it queued. pcsgate never needs it, as the
// Schedule drives polling; it serves tools and tests.
func (s *Subscriber) Poll() ([]string, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, fmt.Errorf("sftp subscriber %w", transports.ErrClosed)
	}
	return s.poll(s.stop)
}

// Close stops every subscription and the polling, waits up to Timeout for
// acked files to be archived, and logs out. Files whose messages were not
// acked stay on the server.
func (s *Subscriber) Close() error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		s.stopNow()
	}
	s.mu.Unlock()

	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	grace := time.NewTimer(s.cfg.Timeout)
	select {
	case <-done:
	case <-grace.C:
		s.endGrace()
		<-done
	}
	grace.Stop()
	s.endGrace()
	s.remote.close()
	return nil
}

// schedule polls at once and then whenever the Schedule says, until Close.
func (s *Subscriber) schedule() {
	defer s.wg.Done()
	for {
		if _, err := s.poll(s.stop); err != nil && s.stop.Err() == nil {
			s.logger.Error("Cannot list the pick-up folder; trying again at the next poll", err, nil)
		}
		now := s.cfg.Clock()
		next := s.sched.Next(now)
		if next.IsZero() {
			s.logger.Error("Schedule fires no more; polling stops", nil, watermill.LogFields{"schedule": s.cfg.Schedule})
			return
		}
		if err := s.cfg.Sleep(s.stop, next.Sub(now)); err != nil {
			return
		}
	}
}

// run is one subscription: it delivers queued files one at a time until ctx
// is cancelled or the Subscriber closes.
func (s *Subscriber) run(ctx context.Context, topic string, out chan<- *message.Message) {
	defer s.wg.Done()
	defer close(out)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	unlink := context.AfterFunc(s.stop, cancel)
	defer unlink()
	for {
		if ctx.Err() != nil {
			return
		}
		c, ok := s.pop()
		if !ok {
			select {
			case <-s.ready:
			case <-ctx.Done():
				return
			}
			continue
		}
		if !s.deliver(ctx, topic, out, c) {
			return
		}
	}
}

// Interface guard.
var _ message.Subscriber = (*Subscriber)(nil)
