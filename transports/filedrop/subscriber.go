package filedrop

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/fsnotify/fsnotify"

	"github.com/nexport/pcsgate/transports"
)

// Subscriber delivers files from the drop folder as messages.
//
// Subscribe may be called several times; the subscriptions share the folder
// and each file goes to one of them at a time. The topic is recorded as
// transports.MetaEndpoint. Each subscription hands out up to
// Config.InFlight messages before the first is acked or nacked, oldest
// first: files become complete in the order they were written
// (modification time, then name), since a complete file waits for an older
// one that is still settling; each message's context carries its
// transports.Turn in that order, for a consumer that handles several at
// once but must keep their order for part of its work.
//
// A file moves to the archive only after its message is acked; after a Nack,
// a cancelled subscription or Close it stays where it is and is delivered
// again later. The move happens in the background, so the next file is
// delivered at once; until it is done the file is not delivered again.
// Close is idempotent and safe from any goroutine; it closes every
// subscription channel and returns once all goroutines have ended and
// every acked file has been moved.
type Subscriber struct {
	cfg    Config
	logger watermill.LoggerAdapter

	obsMu  sync.Mutex
	seen   map[string]*observation // guarded by obsMu
	missed map[string]bool         // created while queued or in flight; guarded by obsMu
	due    dueHeap                 // the settle timetable; guarded by obsMu
	armed  time.Time               // when the timetable timer fires; guarded by obsMu
	rearm  chan struct{}           // one token: the timetable has a sooner entry

	// Counted for tests: folder listings, lstat() calls and names
	// notified as created.
	listings, lstats, creates atomic.Int64
	// held counts files made to wait for an older one still settling.
	held atomic.Int64

	// move is moveNoReplace; tests hold a move up with their own.
	move func(src, dir, name string) (string, error)

	mu       sync.Mutex
	queue    *transports.Queue[candidate]
	closed   bool
	watching bool
	filing   chan fileJob // acked files to move; nil until the first Subscribe

	ready      chan struct{} // one token: the queue may be non-empty
	closing    chan struct{}
	wg         sync.WaitGroup // subscriptions and the watcher
	filers     sync.WaitGroup
	stopFiling sync.Once
}

// NewSubscriber checks cfg and creates the drop, archive and error folders if
// they are missing. A nil logger logs nothing.
func NewSubscriber(cfg Config, logger watermill.LoggerAdapter) (*Subscriber, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid filedrop config: %w", err)
	}
	for _, dir := range []string{cfg.Dir, cfg.Archive, cfg.Error} {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("filedrop: %w", err)
		}
	}
	if logger == nil {
		logger = watermill.NopLogger{}
	}
	s := &Subscriber{
		cfg:     cfg,
		logger:  logger.With(watermill.LogFields{"transport": "filedrop", "dir": cfg.Dir}),
		seen:    map[string]*observation{},
		missed:  map[string]bool{},
		rearm:   make(chan struct{}, 1),
		ready:   make(chan struct{}, 1),
		closing: make(chan struct{}),
		move:    moveNoReplace,
	}
	s.queue = transports.NewQueue[candidate](maxQueued, s.wake)
	return s, nil
}

// Subscribe lists the folder once, starts watching it (on the first call)
// and returns a channel of messages, one per complete file. The channel is
// closed when ctx is cancelled or the Subscriber is closed.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, fmt.Errorf("filedrop subscriber %w", transports.ErrClosed)
	}
	startWatch := !s.watching
	s.watching = true
	s.mu.Unlock()

	// Notifications first, then the listing: a file is either listed or
	// notified, never missed.
	var w *fsnotify.Watcher
	if startWatch {
		w = s.newWatcher()
	}
	_, err := s.scan()

	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil && s.closed {
		err = fmt.Errorf("filedrop subscriber %w", transports.ErrClosed)
	} else if err != nil {
		err = fmt.Errorf("filedrop: list drop folder: %w", err)
	}
	if err != nil {
		if w != nil {
			_ = w.Close()
		}
		if startWatch {
			s.watching = false
		}
		return nil, err
	}
	if startWatch {
		s.wg.Add(1)
		go s.watch(w)
	}
	if s.filing == nil {
		s.startFilers()
	}
	out := make(chan *message.Message)
	s.wg.Add(1)
	go s.run(ctx, topic, out)
	return out, nil
}

// Waiting is how many complete files were found and are not acknowledged
// yet: queued, or on their way through the pipeline. Files still settling
// and those beyond the queue's limit are not counted.
func (s *Subscriber) Waiting() int { return s.queue.Waiting() }

// Rescan lists the folder now, in the caller's goroutine, and queues the
// files found complete. It returns the names it queued. pcsgate never needs
// it: notifications and the poll timer list the folder. It serves tools
// and tests that drive the Clock.
func (s *Subscriber) Rescan() ([]string, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, fmt.Errorf("filedrop subscriber %w", transports.ErrClosed)
	}
	names, err := s.scan()
	if err != nil {
		return nil, fmt.Errorf("filedrop: list drop folder: %w", err)
	}
	return names, nil
}

// Close stops every subscription and the watcher and waits until every
// acked file has been moved. Files whose messages were not acked stay in
// the folder.
func (s *Subscriber) Close() error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.closing)
	}
	s.mu.Unlock()
	s.wg.Wait()
	s.stopFiling.Do(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.filing != nil {
			close(s.filing) // no subscription is left to send
		}
	})
	s.filers.Wait()
	return nil
}

// run is one subscription: it delivers queued files, up to InFlight at a
// time, until ctx is cancelled or the Subscriber closes.
func (s *Subscriber) run(ctx context.Context, topic string, out chan<- *message.Message) {
	defer s.wg.Done()
	defer close(out)
	fl := &flight{maxFiles: s.cfg.InFlight, maxBytes: s.cfg.MaxBytes, freed: make(chan struct{}, 1)}
	var turns transports.Turns
	for {
		c, ok := s.next(ctx)
		if !ok {
			return
		}
		if !fl.take(ctx, s.closing, c.size) {
			s.release(c.name)
			return
		}
		if !s.deliver(ctx, topic, out, c, &turns, fl) {
			return
		}
	}
}

// flight counts the files one subscription has handed out and not had
// answered: at most maxFiles, and fewer than maxBytes together unless only
// one is out, so the payloads held stay within about twice the largest
// file taken.
type flight struct {
	maxFiles int
	maxBytes int64
	freed    chan struct{} // one token: a file was answered

	mu    sync.Mutex
	files int
	bytes int64
}

// take waits until a file of size bytes may go out and counts it; false
// when ctx ends or closing is closed first.
func (f *flight) take(ctx context.Context, closing <-chan struct{}, size int64) bool {
	for {
		f.mu.Lock()
		if f.files == 0 || (f.files < f.maxFiles && f.bytes+size <= f.maxBytes) {
			f.files++
			f.bytes += size
			f.mu.Unlock()
			return true
		}
		f.mu.Unlock()
		select {
		case <-f.freed:
		case <-ctx.Done():
			return false
		case <-closing:
			return false
		}
	}
}

// put uncounts a file of size bytes.
func (f *flight) put(size int64) {
	f.mu.Lock()
	f.files--
	f.bytes -= size
	f.mu.Unlock()
	select {
	case f.freed <- struct{}{}:
	default:
	}
}

// next returns the next queued file, waiting for one; false when ctx is
// cancelled or the Subscriber closes.
func (s *Subscriber) next(ctx context.Context) (candidate, bool) {
	for {
		select {
		case <-ctx.Done():
			return candidate{}, false
		case <-s.closing:
			return candidate{}, false
		default:
		}
		if c, ok := s.pop(); ok {
			return c, true
		}
		select {
		case <-s.ready:
		case <-ctx.Done():
			return candidate{}, false
		case <-s.closing:
			return candidate{}, false
		}
	}
}

// Interface guard.
var _ message.Subscriber = (*Subscriber)(nil)
