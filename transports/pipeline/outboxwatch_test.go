package pipeline_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// outboxWatch records when each delivered file first appears in an outbox
// folder (named once complete), from file-system notifications.
// A notification queue overflow, and a slow safety listing, fall back to
// listing the folder; files found that way get the listing's time.
type outboxWatch struct {
	dir     string
	w       *fsnotify.Watcher
	mu      sync.Mutex
	seen    map[string]time.Time // guarded by mu
	renames int                  // final-name creations, re-deliveries included; guarded by mu
	lost    bool                 // an overflow happened; guarded by mu
	changed chan struct{}        // one token: seen grew
	stop    chan struct{}
	done    chan struct{}
}

// watchOutbox starts watching dir, creating it if needed.
func watchOutbox(dir string) (*outboxWatch, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	if err := w.Add(dir); err != nil {
		_ = w.Close()
		return nil, err
	}
	o := &outboxWatch{dir: dir, w: w, seen: map[string]time.Time{}, changed: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{})}
	o.list() // anything there before the watch
	go o.run()
	return o, nil
}

func (o *outboxWatch) run() {
	defer close(o.done)
	safety := time.NewTicker(time.Second)
	defer safety.Stop()
	for {
		select {
		case <-o.stop:
			return
		case ev, ok := <-o.w.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) && delivered(filepath.Base(ev.Name)) {
				o.record(filepath.Base(ev.Name), time.Now(), true)
			}
		case err, ok := <-o.w.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				o.mu.Lock()
				o.lost = true
				o.mu.Unlock()
			}
			o.list()
		case <-safety.C:
			o.list()
		}
	}
}

// delivered reports whether name is a final outbound name, not a file
// still being written.
func delivered(name string) bool {
	return !strings.HasSuffix(name, ".part") && !strings.HasPrefix(name, ".")
}

// record notes name's first appearance at t.
func (o *outboxWatch) record(name string, t time.Time, rename bool) {
	o.mu.Lock()
	if rename {
		o.renames++
	}
	_, ok := o.seen[name]
	if !ok {
		o.seen[name] = t
	}
	o.mu.Unlock()
	if !ok {
		select {
		case o.changed <- struct{}{}:
		default:
		}
	}
}

// list records the files of the folder not seen yet.
func (o *outboxWatch) list() {
	entries, err := os.ReadDir(o.dir)
	if err != nil {
		return
	}
	now := time.Now()
	for _, e := range entries {
		if e.Type().IsRegular() && delivered(e.Name()) {
			o.record(e.Name(), now, false)
		}
	}
}

// count is how many distinct files have appeared.
func (o *outboxWatch) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.seen)
}

// waitFor returns once n distinct files have appeared, or an error after
// timeout.
func (o *outboxWatch) waitFor(n int, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if c := o.count(); c >= n {
			return nil
		}
		select {
		case <-o.changed:
		case <-deadline.C:
			return fmt.Errorf("%d of %d files in %s after %s", o.count(), n, o.dir, timeout)
		}
	}
}

// times returns the first appearance of every file, and whether a
// notification overflow made some of them listing times.
func (o *outboxWatch) times() (map[string]time.Time, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make(map[string]time.Time, len(o.seen))
	for k, v := range o.seen {
		out[k] = v
	}
	return out, o.lost
}

// close stops watching.
func (o *outboxWatch) close() {
	close(o.stop)
	_ = o.w.Close()
	<-o.done
}
