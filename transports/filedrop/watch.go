package filedrop

import (
	"container/heap"
	"path/filepath"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/fsnotify/fsnotify"

	"github.com/nexport/pcsgate/transports"
)

// maxBatch bounds how many names one pass over waiting notifications
// gathers.
const maxBatch = 1024

// newWatcher starts file-system notifications for the folder, or returns
// nil when they are turned off or unavailable (polling then does the work).
func (s *Subscriber) newWatcher() *fsnotify.Watcher {
	if s.cfg.NoWatch {
		return nil
	}
	w, err := fsnotify.NewWatcher()
	if err == nil {
		err = w.Add(s.cfg.Dir)
		if err != nil {
			_ = w.Close()
		}
	}
	if err != nil {
		s.logger.Error("File-system notifications unavailable; polling only", err, watermill.LogFields{"poll": s.cfg.Poll.String()})
		return nil
	}
	return w
}

// watch observes the files named by notifications from w (if not nil) and
// the settling files as they come due, and lists the whole folder on the
// poll timer and after a notification error (such as an overflow, which
// loses notifications), until the Subscriber closes.
func (s *Subscriber) watch(w *fsnotify.Watcher) {
	defer s.wg.Done()

	var events <-chan fsnotify.Event
	var errs <-chan error
	if w != nil {
		defer w.Close()
		events, errs = w.Events, w.Errors
	}

	poll := time.NewTicker(s.cfg.Poll)
	defer poll.Stop()
	due := time.NewTimer(time.Hour)
	defer due.Stop()
	arm := func() {
		at, ok := s.nextDue()
		if !ok {
			due.Stop()
			return
		}
		due.Reset(max(time.Until(at), 0))
	}
	list := func() {
		if _, err := s.scan(); err != nil {
			s.logger.Error("Cannot list drop folder", err, nil)
		}
	}

	arm()
	for {
		select {
		case <-s.closing:
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if names := s.gather(ev, events); len(names) > 0 {
				s.look(names)
			}
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			s.logger.Error("File-system notification error; listing the folder", err, nil)
			list()
		case <-poll.C:
			list()
		case <-due.C:
			s.checkDue()
		case <-s.rearm:
		}
		arm()
	}
}

// gather collects the names of first and of the notifications already
// waiting behind it that may make a file ready, each once with what
// happened to it.
func (s *Subscriber) gather(first fsnotify.Event, events <-chan fsnotify.Event) map[string]fsnotify.Op {
	names := map[string]fsnotify.Op{}
	add := func(ev fsnotify.Event) {
		if s.relevant(ev) {
			name := filepath.Base(ev.Name)
			names[name] |= ev.Op
		}
	}
	add(first)
	for len(names) < maxBatch {
		select {
		case ev, ok := <-events:
			if !ok {
				return names
			}
			add(ev)
		default:
			return names
		}
	}
	return names
}

// relevant reports whether a notification may make a file ready: something
// created, written or touched in the folder itself, not a temporary name.
func (s *Subscriber) relevant(ev fsnotify.Event) bool {
	if !ev.Has(fsnotify.Create) && !ev.Has(fsnotify.Write) && !ev.Has(fsnotify.Chmod) {
		return false
	}
	name := filepath.Base(ev.Name)
	if _, ok := s.markerOf(name); ok {
		return true
	}
	return !transports.Ignored(name)
}

// The settle timetable: when each settling file is next due a look, in
// real (monotonic) time, soonest first. One timer in the watch goroutine
// fires for the soonest. Whether a file has settled is judged by the
// Clock, so a test's clock decides what is complete and the timer only
// when to look.

// dueEntry is one file's place in the timetable.
type dueEntry struct {
	at   time.Time
	name string
}

// dueHeap is a min-heap of entries by time.
type dueHeap []dueEntry

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)        { *h = append(*h, x.(dueEntry)) }
func (h *dueHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// schedule gives a file a place in the timetable, after from now, unless it
// has one: an entry that comes due too early is moved on when it does. It
// asks the watch goroutine to set its timer when the entry is the soonest.
// The caller holds obsMu.
func (s *Subscriber) schedule(name string, obs *observation, after time.Duration) {
	if obs.timed {
		return
	}
	obs.timed = true
	at := time.Now().Add(after)
	heap.Push(&s.due, dueEntry{at: at, name: name})
	if s.armed.IsZero() || at.Before(s.armed) {
		select {
		case s.rearm <- struct{}{}:
		default:
		}
	}
}

// nextDue returns when the soonest timetable entry is due and records it
// as the time the timer is set for.
func (s *Subscriber) nextDue() (time.Time, bool) {
	s.obsMu.Lock()
	defer s.obsMu.Unlock()
	if len(s.due) == 0 {
		s.armed = time.Time{}
		return time.Time{}, false
	}
	s.armed = s.due[0].at
	return s.armed, true
}

// checkDue looks at the files whose timetable entries are due and queues
// those that have settled.
func (s *Subscriber) checkDue() {
	s.obsMu.Lock()
	defer s.obsMu.Unlock()
	realNow, now := time.Now(), s.cfg.Clock()
	var ready []candidate
	for len(s.due) > 0 && !s.due[0].at.After(realNow) {
		e := heap.Pop(&s.due).(dueEntry)
		obs, ok := s.seen[e.name]
		if !ok {
			continue // gone
		}
		obs.timed = false
		if s.queue.Holds(e.name) {
			continue
		}
		if left := s.cfg.Settle - now.Sub(obs.since); left > 0 {
			s.schedule(e.name, obs, left) // changed since the entry was made
			continue
		}
		if c, ok := s.lookOne(e.name, now); ok {
			ready = append(ready, c)
		}
	}
	s.enqueue(ready)
}
